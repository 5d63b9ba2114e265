import Foundation

/// Runs blocking `body` (a socket read, a wait for a child process) on a new thread and waits for it without
/// holding a Swift concurrency or Dispatch worker: on Linux those share a few threads, which the in-process nodes
/// and RPC servers of other tests running at the same time need.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { done in
        Thread { done.resume(returning: body()) }.start()
    }
}
