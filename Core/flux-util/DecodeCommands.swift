import ArgumentParser
import FluxConsensus
import FluxJSON
import FluxPrimitives

/// `flux-util decode-tx HEX`: the transaction as fluxd's `decoderawtransaction` prints it.
struct DecodeTx: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode-tx", abstract: "Decode a serialized transaction (as decoderawtransaction).")

    @Argument(help: "Transaction hex, or - to read it from standard input.")
    var hex: String
    @OptionGroup var network: NetworkOption

    func run() throws {
        let params = try network.parameters()
        let bytes = try readHexArgument(hex, name: "transaction")
        let tx: Transaction
        do { tx = try Transaction(serialized: bytes) } catch {
            throw InvalidInput("TX decode failed: \(error)")
        }
        print(JSONValue.object(TransactionJSON.object(tx, prefixes: params.base58Prefixes)).pretty())
    }
}

/// `flux-util decode-block HEX`: the block as fluxd's `getblock` prints it at verbosity 2.
struct DecodeBlock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode-block",
        abstract: "Decode a serialized block (as getblock with verbosity 2).",
        discussion: """
            Fields that need the chain (confirmations, height, chainwork, nextblockhash) are left out. \
            Also reports a merkle root that does not match the transactions.
            """)

    @Argument(help: "Block hex, or - to read it from standard input.")
    var hex: String
    @OptionGroup var network: NetworkOption
    @Option(help: "1 lists txids, 2 embeds decoded transactions.")
    var verbosity: Int = 2

    func validate() throws {
        guard verbosity == 1 || verbosity == 2 else { throw ValidationError("--verbosity must be 1 or 2") }
    }

    func run() throws {
        let params = try network.parameters()
        let bytes = try readHexArgument(hex, name: "block")
        let block: Block
        do { block = try Block(serialized: bytes) } catch {
            throw InvalidInput("Block decode failed: \(error)")
        }
        let object = BlockJSON.object(block, verbosity: verbosity, prefixes: params.base58Prefixes,
                                      powLimitBits: params.powLimit.compact)
        print(JSONValue.object(object).pretty())
        let (root, mutated) = block.computeMerkleRoot()
        if root != block.header.merkleRoot {
            throw InvalidInput("bad-txnmrklroot: header commits to \(block.header.merkleRoot), transactions hash to \(root)")
        }
        if mutated { throw InvalidInput("bad-txns-duplicate: merkle tree is mutated (CVE-2012-2459)") }
    }
}
