import CFluxPlugin

/// A checked copy of a plugin's ABI descriptor.
public struct PluginDescriptorInfo: Sendable, Hashable {
    /// The plugin's name (`[a-z][a-z0-9_]{0,31}`).
    public let name: String
    /// Its own version string.
    public let version: String
    /// Its build id.
    public let buildID: String
    /// "c" or the Swift toolchain that built it.
    public let toolchain: String
    /// ABI major and the minor it was built with.
    public let abiMajor: UInt16
    public let abiMinor: UInt16
    /// The lowest host minor it needs.
    public let abiMinorRequired: UInt16
    /// `FLUX_CAP_*` bits.
    public let capabilities: UInt64
    /// Non-zero for consensus plugins.
    public let consensusVersion: UInt32
    /// First height its consensus verdicts apply to.
    public let activationHeight: Int64

    /// Whether the plugin declared `capability` (a `FLUX_CAP_*` value).
    public func has(_ capability: Int32) -> Bool { capabilities & UInt64(capability) != 0 }

    /// True for plugins called in-line in block order (stateful or judging).
    public var isInline: Bool {
        has(FLUX_CAP_STATEFUL) || has(FLUX_CAP_JUDGE_BLOCKS) || has(FLUX_CAP_COINBASE_OUTPUTS)
    }

    /// True for stateful plugins (block events in-line, with a key-value transaction).
    public var isStateful: Bool { has(FLUX_CAP_STATEFUL) }
    /// True for plugins that judge blocks.
    public var judgesBlocks: Bool { has(FLUX_CAP_JUDGE_BLOCKS) }

    /// True for plugins that say who may produce Proof-of-Node blocks (`FLUX_CAP_PROOF_OF_NODE`, ABI 1.1).
    public var providesProofOfNode: Bool { has(FLUX_CAP_PROOF_OF_NODE) }

    /// True for plugins whose verdicts or outputs are consensus.
    public var isConsensus: Bool {
        has(FLUX_CAP_JUDGE_BLOCKS) || has(FLUX_CAP_COINBASE_OUTPUTS) || has(FLUX_CAP_PROOF_OF_NODE)
    }
}
