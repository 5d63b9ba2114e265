import Dispatch
import FluxPrimitives
import Synchronization

/// The keys recovered from a block's CONFIRM signatures, computed on all cores before the block's transactions are
/// checked in order. Recovering the key from a compact signature is the expensive half of fluxd's message check;
/// which key the signature must be by comes later, from the list, and is compared exactly as without this memo.
/// A recovery that fails is remembered as failed. Read-only once built, so safe to share between threads.
final class FluxNodeSignatureRecoveries: Sendable {
    private let keyIDs: [Hash256: [UInt8]?]

    /// Fewer signatures than this are checked in order: starting threads would cost more than it saves.
    static let minimumBatch = 16

    /// Recovers the key of every `(message, signature)` pair concurrently.
    init(_ pairs: [(message: [UInt8], signature: [UInt8])]) {
        let results = Mutex([Hash256: [UInt8]?](minimumCapacity: pairs.count))
        DispatchQueue.concurrentPerform(iterations: pairs.count) { i in
            let (message, signature) = pairs[i]
            let id = FluxNodeLedger.recoveredKeyID(message, signature: signature)
            let key = Self.key(message, signature)
            results.withLock { $0[key] = id }
        }
        keyIDs = results.withLock { $0 }
    }

    /// ``FluxNodeLedger/recoveredKeyID(_:signature:)`` of the pair as the batch computed it (`.some(nil)`: recovery
    /// failed), or nil when the pair was not part of the batch.
    func keyID(_ message: [UInt8], _ signature: [UInt8]) -> [UInt8]?? { keyIDs[Self.key(message, signature)] }

    private static func key(_ message: [UInt8], _ signature: [UInt8]) -> Hash256 {
        var w = ByteWriter(capacity: message.count + signature.count + 10)
        w.writeVarBytes(message)
        w.writeVarBytes(signature)
        return Hash256(Hashing.sha256(w.bytes))
    }
}
