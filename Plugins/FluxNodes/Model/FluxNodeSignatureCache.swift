import FluxPrimitives
import Synchronization

/// Signature checks that succeeded, remembered so that a FluxNode transaction verified when it entered the mempool
/// is not verified again when its block connects (bitcoind's signature cache). An entry is the SHA-256 of
/// (message ‖ signature ‖ key), so a hit means exactly that this key signed this message with this signature: the
/// cache can never make an invalid signature pass. Only successes are stored; the oldest entries make room once
/// `capacity` is reached. Safe to share between threads.
public final class FluxNodeSignatureCache: Sendable {
    private struct State {
        var members: Set<Hash256> = []
        var ring: [Hash256] = []
        var next = 0
    }
    private let state = Mutex(State())
    /// The most entries kept.
    public let capacity: Int

    /// A cache of at most `capacity` entries (200,000 is about 7 MB).
    public init(capacity: Int = 200_000) { self.capacity = max(capacity, 1) }

    /// The number of entries.
    public var count: Int { state.withLock { $0.members.count } }

    static func entry(_ message: [UInt8], _ signature: [UInt8], _ key: [UInt8]) -> Hash256 {
        var w = ByteWriter(capacity: message.count + signature.count + key.count + 12)
        w.writeVarBytes(message)
        w.writeVarBytes(signature)
        w.writeVarBytes(key)
        return Hash256(Hashing.sha256(w.bytes))
    }

    func contains(_ entry: Hash256) -> Bool { state.withLock { $0.members.contains(entry) } }

    func insert(_ entry: Hash256) {
        state.withLock { s in
            guard s.members.insert(entry).inserted else { return }
            if s.ring.count < capacity {
                s.ring.append(entry)
            } else {
                s.members.remove(s.ring[s.next])
                s.ring[s.next] = entry
                s.next = (s.next + 1) % capacity
            }
        }
    }
}
