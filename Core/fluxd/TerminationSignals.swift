import Foundation

/// SIGINT and SIGTERM, received on one dedicated thread.
///
/// On Linux a process-directed signal goes to any thread that does not block it. Threads made by SwiftNIO,
/// Dispatch, RocksDB or plugins do not know about these signals, so a handler or a Dispatch signal source set up
/// later is bypassed whenever the kernel picks one of them. fluxd therefore calls ``blockInThisThread()`` first
/// thing in `main`, before any other thread exists (every thread created afterwards inherits the mask), and
/// ``watch(_:)`` then takes the signals synchronously with `sigwait` on its own thread: nothing runs in signal
/// context, and the signal is seen in every phase (start-up, import, sync, mining, shutdown itself).
enum TerminationSignals {
    /// The signals handled: SIGINT and SIGTERM.
    static var set: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }

    /// Blocks SIGINT and SIGTERM in the calling thread (and so in every thread it creates afterwards); until
    /// ``watch(_:)`` runs they stay pending instead of killing the process.
    static func blockInThisThread() {
        var signals = set
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        // A shell's `fluxd &` or a supervisor may hand the signals over ignored; POSIX leaves it open whether an
        // ignored signal is kept pending for sigwait (Linux keeps blocked ones), so take the default back. Blocked,
        // the default action never runs.
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// Starts the thread that waits for SIGINT/SIGTERM and calls `handler` with each one's number (it runs on that
    /// thread, once per signal; a signal that arrived before this call is delivered at once).
    static func watch(_ handler: @escaping @Sendable (Int32) -> Void) {
        let thread = Thread {
            var signals = set
            while true {
                var number: Int32 = 0
                guard sigwait(&signals, &number) == 0 else { continue }
                handler(number)
            }
        }
        thread.name = "flux-signals"
        thread.start()
    }

    /// "SIGINT", "SIGTERM" or the number.
    static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(number)"
        }
    }
}
