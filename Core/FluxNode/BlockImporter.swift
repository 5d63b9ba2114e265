import FluxChain
import FluxPrimitives
import Foundation
import Logging

/// Imports block files in bitcoind's `-loadblock` format: network magic ‖ LE32 size ‖ block, repeated. Blocks
/// whose parent is not yet known wait until it arrives; invalid blocks are reported and skipped.
public struct BlockImporter {
    let chain: ChainState
    let logger: Logger
    let shouldStop: @Sendable () -> Bool

    /// An importer into `chain`; `shouldStop` is asked before each block (fluxd passes its shutdown request), and
    /// when it returns true the import ends there (every block connected so far is committed by the chain).
    public init(chain: ChainState, logger: Logger, shouldStop: @escaping @Sendable () -> Bool = { false }) {
        self.chain = chain
        self.logger = logger
        self.shouldStop = shouldStop
    }

    /// Imports one file; returns (imported, rejected) counts.
    @discardableResult
    public func importFile(_ path: String) -> (imported: Int, rejected: Int) {
        guard let data = FileManager.default.contents(atPath: path) else {
            logger.error("cannot read -loadblock file \(path)")
            return (0, 0)
        }
        let bytes = [UInt8](data)
        let magic = chain.params.messageStart
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
                    logger.warning("block \(b.hash) rejected: \(error)")
                }
                queue += waiting.removeValue(forKey: b.hash) ?? []
            }
        }
        var interrupted = false
        while offset + 8 <= bytes.count {
            if shouldStop() {
                interrupted = true
                break
            }
            guard Array(bytes[offset..<offset + 4]) == magic else {
                logger.error("\(path) at offset \(offset): expected the network magic; stopping")
                break
            }
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16
                | Int(bytes[offset + 7]) << 24
            offset += 8
            guard size <= Block.maxSize, offset + size <= bytes.count else {
                logger.error("\(path) at offset \(offset - 4): block size \(size) is too large or runs past the file")
                break
            }
            do {
                submit(try Block(serialized: Array(bytes[offset..<offset + size])))
            } catch {
                rejected += 1
                logger.warning("\(path) at offset \(offset): \(error)")
            }
            offset += size
        }
        let orphans = waiting.values.map(\.count).reduce(0, +)
        if interrupted {
            logger.info("import of \(path) stopped after \(imported) blocks (shutting down); tip at height \(chain.height)")
            return (imported, rejected)
        }
        logger.info("\(String(format: "imported %d blocks from %@ in %.2f s (%d rejected, %d without parent); tip at height %d", imported, path, Date().timeIntervalSince(start), rejected, orphans, chain.height))")
        return (imported, rejected)
    }
}
