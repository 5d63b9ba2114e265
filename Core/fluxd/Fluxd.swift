import FluxConsensus
import FluxEquihash
import FluxMining
import FluxOptions
import FluxPrimitives
import Foundation

/// fluxd: the Flux node.
///
/// This build checks its options and chain parameters, then (with `-gen`) mines a chain from genesis with the
/// built-in Equihash solver, checking every header it makes with the consensus proof checks, and crosses into
/// Proof of Node where the network's PoN height is reached (regtest's test collateral). Chain state, P2P and
/// RPC arrive with their own modules.
@main
enum Fluxd {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let config: NodeConfiguration
        do {
            let options = try NodeOptions(arguments: arguments)
            if options.flag("help") { print(usage); return }
            if options.flag("version") { print("fluxd (Swift) protocol \(ProtocolConstants.protocolVersion)"); return }
            config = try NodeConfiguration(options: options)
        } catch {
            fail("Error: \(error)")
        }
        let params = config.params
        log("fluxd starting on \(params.network.networkId); genesis \(params.genesisHash)")
        let genesis = GenesisBlock.block(for: params.network)
        guard genesis.hash == params.genesisHash else {
            fail("Error: rebuilt genesis block \(genesis.hash) does not match \(params.genesisHash)")
        }
        for upgrade in NetworkUpgrade.allCases {
            if let h = params.upgrades.activationHeight(of: upgrade), h > 0 { log("upgrade \(upgrade.name) at height \(h)") }
        }
        guard config.options.flag("gen") else {
            log("nothing to do: mining is off (-gen) and this build has no chain store or network yet")
            return
        }
        guard params.network != .mainnet else { fail("Error: -gen mines with the built-in solver on test networks only") }
        let stopHeight = config.options.int("stopatheight") ?? 100
        let minerScript: Script
        if let text = config.options.string("mineraddress") {
            guard let address = Address(text, prefixes: params.base58Prefixes) else {
                fail("Error: -mineraddress \"\(text)\" is not a transparent address of this network")
            }
            minerScript = address.script
        } else {
            minerScript = .payToPubKeyHash([UInt8](repeating: 0, count: 20))
        }
        mine(params: params, genesis: genesis, stopHeight: stopHeight, minerScript: minerScript)
    }

    /// Mines heights 1...stopHeight on top of genesis, printing and checking each block.
    static func mine(params: ChainParameters, genesis: Block, stopHeight: Int, minerScript: Script) {
        var tip = genesis.header
        var time = max(UInt32(Date().timeIntervalSince1970), genesis.header.time)
        let start = Date()
        for height in 1...max(stopHeight, 1) {
            time = max(time + 1, UInt32(Date().timeIntervalSince1970))
            let pon = params.isProofOfNode(at: height)
            let bits = pon ? params.ponStartLimit.compact : params.powLimit.compact
            let template = BlockTemplate(params: params, previous: tip, height: height, time: time, bits: bits,
                                         minerScript: minerScript, nodeCollateral: pon ? testCollateral : nil)
            var header = template.block.header
            let began = Date()
            var detail: String
            do {
                if pon {
                    try ProofOfNode.checkHash(header, params: params)
                    detail = "proof of node, test collateral"
                } else {
                    guard let epoch = params.equihashParameters(at: height).first else {
                        fail("Error: no Equihash parameters at height \(height)")
                    }
                    let miner = EquihashMiner(parameters: epoch.parameters)
                    let target = try ProofOfWork.target(bits: bits, limit: UInt256(params.powLimit.target))
                    guard let result = miner.mine(header, target: target, firstNonce: UInt64.random(in: 0...UInt64.max / 2))
                    else { fail("Error: no solution found at height \(height)") }
                    header = result.header
                    try ProofOfWork.checkSolution(header, params: params, height: height)
                    try ProofOfWork.checkTarget(header, params: params)
                    detail = "Equihash \(epoch), \(result.noncesTried) nonces, \(result.solutionsFound) solutions"
                }
            } catch {
                fail("Error: block at height \(height) fails its own check: \(error)")
            }
            var block = template.block
            block.header = header
            let ms = Int(Date().timeIntervalSince(began) * 1000)
            log("height \(height) \(block.hash) \(block.serialized.count) bytes, subsidy \(params.blockSubsidy(at: height)) FLUX, \(detail), \(ms) ms")
            tip = header
        }
        let seconds = Date().timeIntervalSince(start)
        log(String(format: "mined %d blocks in %.2f s; tip %@", stopHeight, seconds, tip.hash.description))
    }

    /// fluxd's testnet/regtest collateral that bypasses the node list ("TESTNOD", index 0).
    static let testCollateral = OutPoint(hash: Hash256(displayHex:
        "544553544e4f4400000000000000000000000000000000000000000000000000")!, index: 0)

    static let usage = """
        Usage: fluxd [options]
          -regtest / -testnet        choose the network (default mainnet)
          -datadir=DIR -conf=FILE    data folder and configuration file (flux.conf)
          -upgradeheight=NAME:H      regtest only: activate an upgrade at height H (e.g. pon:300)
          -gen -stopatheight=N       mine N blocks with the built-in Equihash solver (test networks)
          -mineraddress=ADDR         pay block rewards to ADDR
        """

    static func log(_ line: String) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        FileHandle.standardOutput.write(Data("\(stamp) \(line)\n".utf8))
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(1)
    }
}
