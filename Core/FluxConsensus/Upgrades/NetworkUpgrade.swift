/// A Flux network upgrade, in fluxd's `Consensus::UpgradeIndex` order.
///
/// The raw value is the upgrade's index in fluxd (`src/consensus/params.h`); the order is consensus-relevant
/// (the current epoch at a height is the highest-index upgrade active there). Flux has no separate Overwinter or
/// Sapling entries: ``acadia`` activates both at once.
public enum NetworkUpgrade: Int, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    /// Sprout / original Zelcash rules (`BASE_SPROUT`); always active.
    case base = 0
    /// fluxd's unused test upgrade (`UPGRADE_TESTDUMMY`); never active on any network.
    case testDummy = 1
    /// Digishield → Zawy LWMA difficulty; PoW future-time limit 2 h → 360 s (`UPGRADE_LWMA`).
    case lwma = 2
    /// Equihash (200,9) → (144,5) "ZelProof" with an 11-block fade (`UPGRADE_EQUI144_5`).
    case equihash144_5 = 3
    /// Overwinter and Sapling together; LWMA → LWMA3 (`UPGRADE_ACADIA`).
    case acadia = 4
    /// Equihash (144,5) → (125,4) "ZelHash" (`UPGRADE_KAMIOOKA`).
    case kamiooka = 5
    /// Deterministic FluxNode transactions (`UPGRADE_KAMATA`).
    case kamata = 6
    /// Rebrand to Flux: doubled node rewards, no coinbase shielding (`UPGRADE_FLUX`).
    case flux = 7
    /// Collateral migration windows, longer confirm intervals (`UPGRADE_HALVING`).
    case halving = 8
    /// FluxNode transaction v6 with P2SH collateral (`UPGRADE_P2SHNODES`).
    case p2shNodes = 9
    /// Proof of Node blocks (`UPGRADE_PON`).
    case pon = 10

    /// The human-readable name fluxd prints (`NetworkUpgradeInfo.strName`), e.g. `"Equihash 144/5"`.
    public var name: String {
        switch self {
        case .base: "Base"
        case .testDummy: "Test dummy"
        case .lwma: "LWMA"
        case .equihash144_5: "Equihash 144/5"
        case .acadia: "Acadia"
        case .kamiooka: "Kamiooka"
        case .kamata: "Kamata"
        case .flux: "Flux"
        case .halving: "Halving"
        case .p2shNodes: "P2SHNodes"
        case .pon: "PON"
        }
    }

    /// fluxd's enum identifier, e.g. `"UPGRADE_EQUI144_5"` (`"BASE_SPROUT"` for ``base``).
    public var identifier: String {
        switch self {
        case .base: "BASE_SPROUT"
        case .testDummy: "UPGRADE_TESTDUMMY"
        case .lwma: "UPGRADE_LWMA"
        case .equihash144_5: "UPGRADE_EQUI144_5"
        case .acadia: "UPGRADE_ACADIA"
        case .kamiooka: "UPGRADE_KAMIOOKA"
        case .kamata: "UPGRADE_KAMATA"
        case .flux: "UPGRADE_FLUX"
        case .halving: "UPGRADE_HALVING"
        case .p2shNodes: "UPGRADE_P2SHNODES"
        case .pon: "UPGRADE_PON"
        }
    }

    /// The lower-case name used by the `-upgradeheight=NAME:HEIGHT` option, or nil for upgrades that cannot be
    /// re-scheduled (``base`` and ``testDummy``).
    public var optionName: String? {
        switch self {
        case .base, .testDummy: nil
        case .lwma: "lwma"
        case .equihash144_5: "equihash144_5"
        case .acadia: "acadia"
        case .kamiooka: "kamiooka"
        case .kamata: "kamata"
        case .flux: "flux"
        case .halving: "halving"
        case .p2shNodes: "p2shnodes"
        case .pon: "pon"
        }
    }

    /// The consensus branch id (`nBranchId`) signed into transaction sighashes while this upgrade is the current
    /// epoch: 0 for ``base``, `0x74736554` for ``testDummy``, and `0x76b809bb` for every later upgrade.
    public var branchId: UInt32 {
        switch self {
        case .base: 0
        case .testDummy: 0x7473_6554
        default: 0x76b8_09bb
        }
    }

    /// The mainnet and testnet minimum peer protocol version (`nProtocolVersion`) once this upgrade is the
    /// current epoch. Regtest differs for ``acadia`` (170006); use ``UpgradeSchedule/protocolVersion(of:)``
    /// for a network's value.
    public var protocolVersion: Int32 {
        switch self {
        case .base, .testDummy, .lwma, .equihash144_5: 170_002
        case .acadia: 170_007
        case .kamiooka: 170_012
        case .kamata: 170_016
        case .flux: 170_017
        case .halving: 170_018
        case .p2shNodes: 170_019
        case .pon: 170_020
        }
    }

    /// Orders upgrades by their fluxd index.
    public static func < (a: NetworkUpgrade, b: NetworkUpgrade) -> Bool { a.rawValue < b.rawValue }

    /// The upgrade's ``name``.
    public var description: String { name }
}
