import FluxChain
import FluxConsensus
import FluxEquihash
import FluxMining
import FluxOptions
import FluxPrimitives
import FluxStorage
import Foundation

/// fluxd: the Flux node.
///
/// Opens (or creates) the chain in its data folder on RocksDB, optionally imports blocks from files
/// (`-loadblock`, bitcoind's format: magic ‖ LE32 size ‖ block), rebuilds the UTXO set (`-reindex`), and with
/// `-gen` mines blocks on its tip with the built-in Equihash solver (test networks), crossing into Proof of
/// Node at the network's PoN height (regtest's test collateral). P2P and RPC arrive with their own modules.
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
        log("fluxd starting on \(params.network.networkId); data folder \(config.dataDirectory.path)")
        let genesis = GenesisBlock.block(for: params.network)
        guard genesis.hash == params.genesisHash else {
            fail("Error: rebuilt genesis block \(genesis.hash) does not match \(params.genesisHash)")
        }
        for upgrade in NetworkUpgrade.allCases {
            if let h = params.upgrades.activationHeight(of: upgrade), h > 0 { log("upgrade \(upgrade.name) at height \(h)") }
        }
        let chain: ChainState
        do {
            try FileManager.default.createDirectory(at: config.dataDirectory, withIntermediateDirectories: true)
            var chainOptions = ChainOptions()
            if let n = config.options.int("dbbatchblocks") { chainOptions.blocksPerCommit = max(n, 1) }
            chain = try ChainState(params: params, path: config.dataDirectory.appendingPathComponent("chain").path,
                                   options: chainOptions)
        } catch {
            fail("Error: cannot open the chain: \(error)")
        }
        log("chain tip \(chain.tip.hash) at height \(chain.height)")
        if config.options.flag("reindex") {
            log("reindexing: rebuilding the UTXO set from stored blocks")
            do { try chain.reindex() } catch { fail("Error: reindex failed: \(error)") }
            log("reindex done; tip \(chain.tip.hash) at height \(chain.height)")
        }
        for file in config.options.all("loadblock") {
            importBlocks(from: file, into: chain, magic: params.messageStart)
        }
        guard config.options.flag("gen") else { return }
        guard params.network != .mainnet else { fail("Error: -gen mines with the built-in solver on test networks only") }
        let stopHeight = config.options.int("stopatheight") ?? (chain.height + 100)
        let minerScript: Script
        if let text = config.options.string("mineraddress") {
            guard let address = Address(text, prefixes: params.base58Prefixes) else {
                fail("Error: -mineraddress \"\(text)\" is not a transparent address of this network")
            }
            minerScript = address.script
        } else {
            minerScript = .payToPubKeyHash([UInt8](repeating: 0, count: 20))
        }
        mine(chain: chain, stopHeight: stopHeight, minerScript: minerScript)
    }

    /// Mines on the tip until `stopHeight`, handing each block to the chain like any other block.
    static func mine(chain: ChainState, stopHeight: Int, minerScript: Script) {
        let params = chain.params
        let start = Date()
        var mined = 0
        while chain.height < stopHeight {
            let tip = chain.tip
            let height = tip.height + 1
            let time = max(tip.header.time + 1, UInt32(Date().timeIntervalSince1970))
            let last = ChainHeaderInfo(height: tip.height, time: tip.header.time, bits: tip.header.bits)
            let bits = Difficulty.requiredBits(params: params, last: last, nextTime: time,
                                               ancestors: ChainAncestors(chain: chain))
            let pon = params.isProofOfNode(at: height)
            let template = BlockTemplate(params: params, previous: tip.header, height: height, time: time, bits: bits,
                                         minerScript: minerScript, nodeCollateral: pon ? ChainState.testCollateral : nil)
            var block = template.block
            let began = Date()
            var detail = "proof of node, test collateral"
            if !pon {
                guard let epoch = params.equihashParameters(at: height).first else {
                    fail("Error: no Equihash parameters at height \(height)")
                }
                let target = params.skipsProofOfWorkTargetCheck ? UInt256.max : UInt256.fromCompact(bits).value
                guard let result = EquihashMiner(parameters: epoch.parameters)
                    .mine(block.header, target: target, firstNonce: UInt64.random(in: 0...UInt64.max / 2)) else {
                    fail("Error: no solution found at height \(height)")
                }
                block.header = result.header
                detail = "Equihash \(epoch), \(result.noncesTried) nonces"
            }
            do {
                try chain.acceptBlock(block)
            } catch {
                fail("Error: the chain refused our own block at height \(height): \(error)")
            }
            mined += 1
            let ms = Int(Date().timeIntervalSince(began) * 1000)
            log("height \(height) \(block.hash) \(block.serialized.count) bytes, subsidy \(params.blockSubsidy(at: height)) FLUX, \(detail), \(ms) ms")
        }
        log(String(format: "mined %d blocks in %.2f s; tip %@ at height %d", mined, Date().timeIntervalSince(start),
                   chain.tip.hash.description, chain.height))
    }

    /// Imports a block file (magic ‖ LE32 size ‖ block, repeated). Blocks whose parent is not yet known wait
    /// until it arrives. Invalid blocks are reported and skipped.
    static func importBlocks(from path: String, into chain: ChainState, magic: [UInt8]) {
        guard let data = FileManager.default.contents(atPath: path) else { fail("Error: cannot read -loadblock file \(path)") }
        let bytes = [UInt8](data)
        var offset = 0
        var waiting: [Hash256: [Block]] = [:]
        var imported = 0, rejected = 0
        let start = Date()
        func submit(_ block: Block) {
            if chain.entry(block.header.previousBlockHash) == nil {
                waiting[block.header.previousBlockHash, default: []].append(block)
                return
            }
            var queue = [block]
            while let b = queue.popLast() {
                do {
                    try chain.acceptBlock(b)
                    imported += 1
                } catch {
                    rejected += 1
                    log("block \(b.hash) rejected: \(error)")
                }
                queue += waiting.removeValue(forKey: b.hash) ?? []
            }
        }
        while offset + 8 <= bytes.count {
            guard Array(bytes[offset..<offset + 4]) == magic else {
                fail("Error: \(path) at offset \(offset): expected the network magic")
            }
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16
                | Int(bytes[offset + 7]) << 24
            offset += 8
            guard size <= Block.maxSize, offset + size <= bytes.count else {
                fail("Error: \(path) at offset \(offset - 4): block size \(size) is too large or runs past the file")
            }
            do {
                submit(try Block(serialized: Array(bytes[offset..<offset + size])))
            } catch {
                rejected += 1
                log("\(path) at offset \(offset): \(error)")
            }
            offset += size
        }
        log(String(format: "imported %d blocks from %@ in %.2f s (%d rejected, %d without parent); tip %@ at height %d",
                   imported, path, Date().timeIntervalSince(start), rejected, waiting.values.map(\.count).reduce(0, +),
                   chain.tip.hash.description, chain.height))
    }

    static let usage = """
        Usage: fluxd [options]
          -regtest / -testnet        choose the network (default mainnet)
          -datadir=DIR -conf=FILE    data folder and configuration file (flux.conf)
          -upgradeheight=NAME:H      regtest only: activate an upgrade at height H (e.g. pon:300)
          -reindex                   rebuild the UTXO set from the stored blocks
          -loadblock=FILE            import blocks from a file (magic, size, block; repeated)
          -dbbatchblocks=N           commit every N connected blocks (default 1)
          -gen -stopatheight=N       mine up to height N with the built-in Equihash solver (test networks)
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

/// The active chain's ancestors, for difficulty rules.
struct ChainAncestors: AncestorLookup {
    let chain: ChainState
    func ancestor(at height: Int) -> ChainHeaderInfo? {
        guard let e = chain.entry(at: height) else { return nil }
        return ChainHeaderInfo(height: e.height, time: e.header.time, bits: e.header.bits)
    }
}
