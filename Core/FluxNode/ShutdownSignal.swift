import Foundation

/// A one-shot request to stop, that threads can poll and tasks can wait for. Set by the `stop` RPC and, in fluxd,
/// by SIGINT/SIGTERM (possibly before the node exists, so it is created first and handed to ``Node``).
public final class ShutdownSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var triggered = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// A signal not yet triggered.
    public init() {}

    /// Whether shutdown was requested.
    public var isTriggered: Bool { lock.lock(); defer { lock.unlock() }; return triggered }

    /// Requests shutdown and wakes every waiter; later calls do nothing.
    public func trigger() {
        lock.lock()
        guard !triggered else { lock.unlock(); return }
        triggered = true
        let w = waiters
        waiters = []
        lock.unlock()
        for c in w { c.resume() }
    }

    /// Returns once shutdown was requested (at once if it already was).
    public func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if triggered { lock.unlock(); c.resume(); return }
            waiters.append(c)
            lock.unlock()
        }
    }
}
