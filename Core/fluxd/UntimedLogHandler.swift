import Foundation
import Logging

/// Log lines without a timestamp, for `-logtimestamps=0` (fluxd's switch; with the default 1 fluxd uses swift-log's
/// `StreamLogHandler`, whose lines start with the time). Same layout otherwise: `LEVEL LABEL : [SOURCE] MESSAGE`,
/// one unbuffered write per line to standard output.
struct UntimedLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    private static let lock = NSLock()

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let meta = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
        let text = "\(event.level) \(label) :\(meta) [\(event.source)] \(event.message)\n"
        UntimedLogHandler.lock.lock()
        defer { UntimedLogHandler.lock.unlock() }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
