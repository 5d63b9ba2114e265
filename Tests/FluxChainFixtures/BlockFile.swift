import Foundation
import FluxConsensus
import FluxPrimitives

/// Block files in the `-loadblock` format (network magic ‖ LE32 size ‖ block, repeated), for import tests.
public enum BlockFile {
    /// Writes `blocks` in order to `url`, each behind `magic` (default: regtest's) and its size.
    public static func write(_ blocks: some Sequence<Block>, to url: URL,
                             magic: [UInt8] = ChainParameters.regtest.messageStart) throws {
        var bytes: [UInt8] = []
        for block in blocks {
            let raw = block.serialized
            bytes += magic
            withUnsafeBytes(of: UInt32(raw.count).littleEndian) { bytes += $0 }
            bytes += raw
        }
        try Data(bytes).write(to: url)
    }
}
