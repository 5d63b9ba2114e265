import CSecp256k1

/// The one libsecp256k1 context of the process, created and randomised once on first use.
///
/// After creation the context is only read: libsecp256k1 documents every operation that takes a `const` context
/// (parsing, verification, signing, recovery) as safe to call from many threads at once, which is why this
/// wrapper is `@unchecked Sendable`. Nothing here calls `secp256k1_context_randomize` again after start-up.
final class Secp256k1Context: @unchecked Sendable {
    /// The raw context pointer; never destroyed (it lives as long as the process).
    let raw: OpaquePointer

    /// `SECP256K1_CONTEXT_VERIFY | SECP256K1_CONTEXT_SIGN` (current libsecp256k1 treats both as `NONE`; the
    /// values are spelt out because the C macros are not imported into Swift).
    private static let verifyAndSign: UInt32 = (1 << 0) | (1 << 8) | (1 << 9)

    /// `SECP256K1_EC_COMPRESSED`.
    static let compressedFlag: UInt32 = (1 << 1) | (1 << 8)
    /// `SECP256K1_EC_UNCOMPRESSED`.
    static let uncompressedFlag: UInt32 = 1 << 1

    /// The shared context. Swift initialises globals and static lets exactly once, thread-safely.
    static let shared = Secp256k1Context()

    private init() {
        guard let ctx = secp256k1_context_create(Self.verifyAndSign) else {
            preconditionFailure("libsecp256k1: cannot create a context")
        }
        // Blinding for side-channel protection of signing; the seed comes from the system generator.
        var rng = SystemRandomNumberGenerator()
        var seed = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        let ok = secp256k1_context_randomize(ctx, &seed)
        precondition(ok == 1, "libsecp256k1: cannot randomise the context")
        for i in seed.indices { seed[i] = 0 }
        raw = ctx
    }
}
