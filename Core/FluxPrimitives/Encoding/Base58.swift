/// Base58 and Base58Check, Bitcoin's alphabet, as used for Flux addresses and WIF keys.
public enum Base58 {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let decodeTable: [Int8] = {
        var t = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    /// Base58 encoding of `bytes` (leading zero bytes become leading `1`s).
    public static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        var digits: [UInt8] = []                 // base-58 digits, least significant first
        digits.reserveCapacity(bytes.count * 138 / 100 + 1)
        for byte in bytes[zeros...] {
            var carry = Int(byte)
            for i in digits.indices {
                carry += Int(digits[i]) << 8
                digits[i] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 { digits.append(UInt8(carry % 58)); carry /= 58 }
        }
        let out = [UInt8](repeating: alphabet[0], count: zeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes Base58 text; nil on a character outside the alphabet. Leading/trailing spaces are not accepted.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        let zeros = chars.prefix { $0 == alphabet[0] }.count
        var bytes: [UInt8] = []                  // base-256 digits, least significant first
        bytes.reserveCapacity(chars.count * 733 / 1000 + 1)
        for c in chars[zeros...] {
            guard c < 128, decodeTable[Int(c)] >= 0 else { return nil }
            var carry = Int(decodeTable[Int(c)])
            for i in bytes.indices {
                carry += Int(bytes[i]) * 58
                bytes[i] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 { bytes.append(UInt8(carry & 0xFF)); carry >>= 8 }
        }
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }

    /// Base58Check: `payload` followed by the first 4 bytes of its SHA256d.
    public static func encodeCheck(_ payload: [UInt8]) -> String {
        let checksum = Hashing.sha256d(payload).bytes.prefix(4)
        return encode(payload + checksum)
    }

    /// Decodes Base58Check text and verifies its checksum; returns the payload or nil.
    public static func decodeCheck(_ text: String) -> [UInt8]? {
        guard let raw = decode(text), raw.count >= 4 else { return nil }
        let payload = Array(raw.dropLast(4))
        guard Array(Hashing.sha256d(payload).bytes.prefix(4)) == Array(raw.suffix(4)) else { return nil }
        return payload
    }
}
