import Foundation

/// bitcoind's authentication cookie: `__cookie__:<64 hex digits>` in a file that only the node's user can read.
public enum RPCCookie {
    /// The user name of cookie authentication.
    public static let user = "__cookie__"

    /// A new cookie: the user name, a colon and 32 random bytes (from the system's secure generator) in hex.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return user + ":" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// Writes `cookie` to `path` with mode 0600: written to `path.tmp` first, then renamed into place.
    public static func write(_ cookie: String, to path: String) throws {
        let temporary = path + ".tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary]) }
        let bytes = Array(cookie.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Reads a cookie file and splits it at the first colon into user name and password (surrounding whitespace,
    /// such as a trailing newline, is ignored).
    public static func read(from path: String) throws(RPCClientError) -> (user: String, password: String) {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            throw RPCClientError.cookieUnreadable(path: path)
        }
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let colon = line.firstIndex(of: ":") else { throw RPCClientError.cookieUnreadable(path: path) }
        return (String(line[..<colon]), String(line[line.index(after: colon)...]))
    }
}
