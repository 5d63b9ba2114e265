import FluxOptions
import Foundation

/// `-daemon`: fluxd's way of running in the background. Before any thread exists, the process forks; the parent
/// prints "Flux server starting" and exits 0, the child starts a new session (`setsid`), closes the descriptors it inherited, reads standard input
/// from `/dev/null` and appends standard output and error (the log) to `debug.log` in the network's data folder, as
/// fluxd's own log file. With systemd use `Type=forking` and `-daemon=1`, or `Type=simple` and `-daemon=0`.
enum Daemon {
    /// Forks into the background when `-daemon=1` is given on the command line or in `flux.conf`. Does nothing
    /// when the options cannot be read (the normal start then names the problem on the terminal). Exits the
    /// parent; returns in the child (or when not daemonizing).
    static func detachIfRequested(arguments: [String]) {
        guard let options = try? NodeOptions(arguments: arguments), !options.flag("help"), !options.flag("version"),
              let config = try? NodeConfiguration(options: options), config.options.flag("daemon") else { return }
        let folder = config.dataDirectory
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            Fluxd.fail("Error: -daemon: cannot create the data folder \(folder.path): \(error)")
        }
        let logPath = folder.appendingPathComponent("debug.log").path
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard logFD >= 0 else { Fluxd.fail("Error: -daemon: cannot open \(logPath): \(String(cString: strerror(errno)))") }
        FileHandle.standardOutput.write(Data("Flux server starting\n".utf8))
        let pid = fork()
        if pid < 0 { Fluxd.fail("Error: fork() failed: \(String(cString: strerror(errno)))") }
        if pid > 0 { exit(0) }
        if setsid() < 0 {
            FileHandle.standardError.write(Data("Error: setsid() failed: \(String(cString: strerror(errno)))\n".utf8))
        }
        // Descriptors the launcher left open (pipes it watches for this process's end) would outlive the parent
        // and make it look alive: close all but the log and the standard ones.
        let inherited = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        for fd in inherited where fd > STDERR_FILENO && fd != logFD { close(fd) }
        let null = open("/dev/null", O_RDONLY)
        if null >= 0 { dup2(null, STDIN_FILENO); close(null) }
        dup2(logFD, STDOUT_FILENO)
        dup2(logFD, STDERR_FILENO)
        close(logFD)
    }
}
