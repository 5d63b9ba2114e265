import Foundation

/// Crash tests of `fluxd -loadblock`: a chain split into block files, imported in rounds that are SIGKILLed while
/// blocks are being connected. Round i imports files 0…i into the same data folder, so each round has new blocks
/// (the file it adds) when the kill lands.
///
/// Importing is fast (tens of milliseconds per file) next to starting fluxd, so a fixed delay either lands during
/// start-up or after the import. The killer therefore calibrates: an uninterrupted import into a scratch folder
/// says how long each file takes on this machine, and each round waits for fluxd's log to say the previous file is
/// done (round 0: the chain is open), then kills at a random point of the new file's calibrated time.
public struct ImportKiller {
    /// The `fluxd` executable.
    public let fluxd: URL
    /// Options besides `-datadir` and `-loadblock` (network, plugins, upgrades).
    public let arguments: [String]
    /// The block files, in import order.
    public let files: [String]
    /// Where each launch writes fluxd's log (standard output).
    public let log: URL
    /// Seconds each file took in the uninterrupted calibration import.
    public private(set) var fileSeconds: [Double] = []

    /// Calibrates by importing every file into `calibrationFolder`; throws when that import fails.
    public init(fluxd: URL, arguments: [String], files: [String], log: URL, calibrationFolder: URL) throws {
        self.fluxd = fluxd
        self.arguments = arguments
        self.files = files
        self.log = log
        let process = try launch(files.count, dataDir: calibrationFolder)
        process.waitUntilExit()
        let text = try String(contentsOf: log, encoding: .utf8)
        guard process.terminationStatus == 0 else {
            throw ImportKillerError("the calibration import exited with status \(process.terminationStatus):\n\(text)")
        }
        let lines = text.split(separator: "\n")
        fileSeconds = try files.map { file in
            let marker = "from \(file) in "
            guard let line = lines.first(where: { $0.contains(marker) }), let range = line.range(of: marker),
                  let seconds = Double(line[range.upperBound...].prefix { $0 != " " }) else {
                throw ImportKillerError("the calibration log has no import time for \(file):\n\(text)")
            }
            return max(seconds, 0.005)
        }
    }

    /// Starts fluxd importing the first `count` files into `dataDir`, logging to ``log``.
    public func launch(_ count: Int, dataDir: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = fluxd
        process.arguments = ["-datadir=\(dataDir.path)"] + arguments + files.prefix(count).map { "-loadblock=\($0)" }
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs round `round` (files 0…round) into `dataDir` and kills it inside the new file. Returns true when the
    /// kill landed (fluxd was still running); the process has exited either way.
    public func killRound(_ round: Int, dataDir: URL, using generator: inout some RandomNumberGenerator) throws -> Bool {
        let process = try launch(round + 1, dataDir: dataDir)
        let marker = round == 0 ? "chain tip " : "from \(files[round - 1]) in "
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && process.isRunning {
            if let text = try? String(contentsOf: log, encoding: .utf8), text.contains(marker) { break }
            usleep(1_000)
        }
        usleep(UInt32(fileSeconds[round] * Double.random(in: 0.05...0.95, using: &generator) * 1_000_000))
        var killed = false
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            killed = true
        }
        process.waitUntilExit()
        return killed
    }
}

/// The calibration import failed: fluxd's status and log.
public struct ImportKillerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
