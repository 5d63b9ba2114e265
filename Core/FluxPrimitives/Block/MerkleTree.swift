/// Bitcoin's transaction merkle tree, as Flux uses it.
public enum MerkleTree {
    /// The root over `leaves` (txids in block order): pairs are hashed with SHA256d, and an odd last element
    /// is paired with itself. `mutated` is true when some level has an even count and ends in two identical
    /// hashes, the ambiguity of CVE-2012-2459 (a block whose transaction list duplicates its tail has the same
    /// root): such a block is invalid. Exactly fluxd's `CBlock::BuildMerkleTree` test, which (unlike Bitcoin's
    /// later `ComputeMerkleRoot`) ignores identical pairs elsewhere in a level. The root of an empty list is zero.
    public static func root(of leaves: [Hash256]) -> (root: Hash256, mutated: Bool) {
        guard !leaves.isEmpty else { return (.zero, false) }
        var level = leaves
        var mutated = false
        var buffer = [UInt8](repeating: 0, count: 64)
        while level.count > 1 {
            var next: [Hash256] = []
            next.reserveCapacity((level.count + 1) / 2)
            var i = 0
            while i < level.count {
                let left = level[i]
                let right = i + 1 < level.count ? level[i + 1] : left
                if i + 2 == level.count && left == right { mutated = true }
                left.withUnsafeBytes { l in for j in 0..<32 { buffer[j] = l[j] } }
                right.withUnsafeBytes { rr in for j in 0..<32 { buffer[32 + j] = rr[j] } }
                next.append(Hashing.sha256d(buffer))
                i += 2
            }
            level = next
        }
        return (level[0], mutated)
    }
}
