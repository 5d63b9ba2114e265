import Foundation

/// The process's limit on open file descriptors (`RLIMIT_NOFILE`), which every socket, database file and plugin
/// image counts against.
public enum OpenFileLimit {
    /// Descriptors kept for everything but RPC connections besides P2P connections and database files: logs,
    /// plugin images, the metrics server, listening sockets, outbound connection attempts (bitcoind keeps 150).
    public static let coreReserve = 150

    /// The soft limit now (`Int.max` when unlimited).
    public static var current: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return Int(clamping: limit.rlim_cur)  // RLIM_INFINITY is the largest value: Int.max
    }

    /// Raises the soft limit to the hard limit (as far as the system allows) and returns the soft limit in force
    /// afterwards.
    @discardableResult
    public static func raiseToHardLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return current }
        if limit.rlim_cur != limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) != 0 {
                // Some systems refuse RLIM_INFINITY or values above nr_open; try a large finite value.
                raised.rlim_cur = min(limit.rlim_max, 1 << 20)
                _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised)
            }
        }
        return current
    }
}
