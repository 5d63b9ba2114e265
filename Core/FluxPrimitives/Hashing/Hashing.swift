import CSodium
import COpenSSL

/// The hash functions Flux's formats use: SHA-256, double SHA-256, RIPEMD-160 and HASH160 (and SHA-1 for scripts).
public enum Hashing {
    /// SHA-256 of `data` (libsodium).
    public static func sha256<C: ContiguousByteStorage>(_ data: C) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        data.withUnsafeBytes { src in
            out.withUnsafeMutableBufferPointer { dst in
                _ = crypto_hash_sha256(dst.baseAddress!, src.bindMemory(to: UInt8.self).baseAddress,
                                       UInt64(src.count))
            }
        }
        return out
    }

    /// SHA-256 applied twice (SHA256d), the hash of blocks, transactions and message checksums.
    public static func sha256d<C: ContiguousByteStorage>(_ data: C) -> Hash256 {
        Hash256(sha256(sha256(data)))
    }

    /// RIPEMD-160 of `data` (OpenSSL's libcrypto).
    public static func ripemd160<C: ContiguousByteStorage>(_ data: C) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 20)
        var size: UInt32 = 20
        let ok = data.withUnsafeBytes { src in
            out.withUnsafeMutableBufferPointer { dst in
                EVP_Digest(src.baseAddress, src.count, dst.baseAddress, &size, EVP_ripemd160(), nil)
            }
        }
        precondition(ok == 1 && size == 20, "libcrypto has no RIPEMD-160")
        return out
    }

    /// SHA-1 of `data` (OpenSSL's libcrypto); only the script opcode `OP_SHA1` uses it.
    public static func sha1<C: ContiguousByteStorage>(_ data: C) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 20)
        var size: UInt32 = 20
        let ok = data.withUnsafeBytes { src in
            out.withUnsafeMutableBufferPointer { dst in
                EVP_Digest(src.baseAddress, src.count, dst.baseAddress, &size, EVP_sha1(), nil)
            }
        }
        precondition(ok == 1 && size == 20, "libcrypto has no SHA-1")
        return out
    }

    /// RIPEMD-160 of SHA-256 (HASH160): the 20-byte key and script hashes of P2PKH and P2SH addresses.
    public static func hash160<C: ContiguousByteStorage>(_ data: C) -> [UInt8] {
        ripemd160(sha256(data))
    }
}

/// Byte containers the hash functions accept.
public protocol ContiguousByteStorage {
    /// Calls `body` with the bytes.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousByteStorage where Element == UInt8 {}
extension ArraySlice: ContiguousByteStorage where Element == UInt8 {}
