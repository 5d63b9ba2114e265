import ArgumentParser
import FluxConsensus
import FluxPrimitives

/// `flux-util verify-header HEX --network NAME`: checks a header's proof.
struct VerifyHeader: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-header",
        abstract: "Check a block header's Equihash solution and proof of work (or its Proof-of-Node hash).",
        discussion: """
            Proof of work: the Equihash parameters follow from the solution length (as fluxd does); with \
            --height the length must also be allowed at that height. Then the block hash must meet nBits. \
            Proof of Node: nBits and the PoN hash of collateral, parent and time slot are checked; the block \
            signature and the node's eligibility need the node list and are not checked here. \
            A whole block is accepted too (its header is read).
            """)

    @Argument(help: "Header hex (or a whole block), or - to read it from standard input.")
    var hex: String
    @OptionGroup var network: NetworkOption
    @Option(help: "Height of the block, to check the solution size allowed there.")
    var height: Int?

    func run() throws {
        let params = try network.parameters()
        let bytes = try readHexArgument(hex, name: "header")
        var reader = ByteReader(bytes)
        let header: BlockHeader
        do { header = try BlockHeader(from: &reader) } catch {
            throw InvalidInput("header decode failed: \(error)")
        }
        let hash = header.hash
        do {
            if header.isProofOfNode {
                try ProofOfNode.checkHash(header, params: params)
            } else {
                try ProofOfWork.checkSolution(header, params: params, height: height)
                try ProofOfWork.checkTarget(header, params: params)
            }
        } catch {
            throw InvalidInput("header \(hash) is invalid: \(error)")
        }
        print("header \(hash) is valid (\(header.isProofOfNode ? "proof of node, hash and nBits" : "proof of work"))")
    }
}
