import Foundation

/// Temporary folders for tests, all under one root per test process (`<tmp>/flux-tests-<pid>`), removed when the
/// process exits. Roots left by processes that died without exiting (a crash, SIGKILL) are removed by the next
/// process that asks for a folder. RocksDB preallocates tens of megabytes per database, so without this a few test
/// runs fill a small disk.
public enum TestScratch {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var root: String?

    /// A new, empty folder named `prefix-<uuid>` under this process's root.
    public static func directory(_ prefix: String) -> String {
        let path = (processRoot() as NSString).appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private static func processRoot() -> String {
        lock.lock()
        defer { lock.unlock() }
        if let root { return root }
        let tmp = FileManager.default.temporaryDirectory.path
        removeStaleRoots(in: tmp)
        let path = (tmp as NSString).appendingPathComponent("flux-tests-\(getpid())")
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        root = path
        atexit {
            let path = (FileManager.default.temporaryDirectory.path as NSString)
                .appendingPathComponent("flux-tests-\(getpid())")
            try? FileManager.default.removeItem(atPath: path)
        }
        return path
    }

    private static func removeStaleRoots(in tmp: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: tmp) else { return }
        for name in names where name.hasPrefix("flux-tests-") {
            guard let pid = Int32(name.dropFirst("flux-tests-".count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: (tmp as NSString).appendingPathComponent(name))
            }
        }
    }
}
