/// Why an Equihash parameter set, solution or encoding was rejected.
///
/// Validation reasons follow librustzcash's names (`Collision`, `OutOfOrder`, `DuplicateIdxs`, `NonZeroRootHash`,
/// `InvalidParams`) plus the solution-length check. Levels are 1-based tree levels: level r joins two sub-trees of
/// 2^(r−1) indices each and checks collision digit r−1.
///
/// Only validity is consensus-relevant. For a solution with several faults this verifier reports the first one it
/// meets: duplicates are checked for all indices before any hashing, then the tree is walked depth-first (left to
/// right), so it may name another fault than zcashd's breadth-first walk would.
public enum EquihashError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The (n, k, personalisation, twist) combination is not a usable Equihash instance; the string says why.
    case invalidParameters(String)
    /// The packed solution is not exactly `expected` bytes (2^k·(n/(k+1)+1)/8).
    case badSolutionLength(expected: Int, actual: Int)
    /// At this level the two sub-trees' XORs differ in collision digit `level − 1`.
    case collision(level: Int)
    /// At this level the right sub-tree's first index is smaller than the left one's.
    case outOfOrder(level: Int)
    /// Some index appears more than once in the solution.
    case duplicateIndices
    /// All collisions hold but the XOR of all 2^k leaves is not zero.
    case nonZeroRoot
    /// An index does not fit in the (n/(k+1)+1)-bit field of the packed encoding.
    case indexOutOfRange(index: UInt32, bits: Int)
    /// The solver refuses these parameters (memory would be too large); the string says why.
    case unsupportedBySolver(String)

    /// A one-line explanation naming the rule that failed.
    public var description: String {
        switch self {
        case .invalidParameters(let why):
            return "invalid Equihash parameters: \(why)"
        case .badSolutionLength(let expected, let actual):
            return "bad Equihash solution length: expected \(expected) bytes, got \(actual)"
        case .collision(let level):
            return "Equihash collision check failed at level \(level): sub-trees differ in digit \(level - 1)"
        case .outOfOrder(let level):
            return "Equihash sub-trees out of order at level \(level): right sub-tree's first index is smaller"
        case .duplicateIndices:
            return "Equihash solution repeats an index"
        case .nonZeroRoot:
            return "Equihash root is not zero: the XOR of all leaves has non-zero bits"
        case .indexOutOfRange(let index, let bits):
            return "Equihash index \(index) does not fit in \(bits) bits"
        case .unsupportedBySolver(let why):
            return "Equihash solver does not support these parameters: \(why)"
        }
    }
}
