/// A FluxNode collateral tier (fluxd `Tier`); the raw value is fluxd's number (NONE = 0 is not represented).
public enum FluxnodeTier: Int, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    /// The smallest tier (legacy RPC name BASIC).
    case cumulus = 1
    /// The middle tier (legacy RPC name SUPER).
    case nimbus = 2
    /// The largest tier (legacy RPC name BAMF).
    case stratus = 3

    /// Upper-case name as fluxd's RPC prints it (`"CUMULUS"`, `"NIMBUS"`, `"STRATUS"`).
    public var name: String {
        switch self {
        case .cumulus: "CUMULUS"
        case .nimbus: "NIMBUS"
        case .stratus: "STRATUS"
        }
    }

    /// Legacy RPC name (`"BASIC"`, `"SUPER"`, `"BAMF"`).
    public var legacyName: String {
        switch self {
        case .cumulus: "BASIC"
        case .nimbus: "SUPER"
        case .stratus: "BAMF"
        }
    }

    /// Share of the PoW block subsidy paid to this tier before the Flux upgrade doubles it
    /// (`CUMULUS_…_PERCENT`: 3.75 %, 6.25 %, 15 %), as the IEEE double fluxd multiplies with.
    public var powPercentage: Double {
        switch self {
        case .cumulus: 0.0375
        case .nimbus: 0.0625
        case .stratus: 0.15
        }
    }

    /// Payout of this tier out of a 14-FLUX PoN subsidy, in units (1, 3.5 and 9 FLUX); scaled by
    /// `subsidy × base / 14 FLUX` as the subsidy is reduced.
    public var ponBaseUnits: Int64 {
        switch self {
        case .cumulus: 100_000_000
        case .nimbus: 350_000_000
        case .stratus: 900_000_000
        }
    }

    /// Orders tiers by fluxd number.
    public static func < (a: FluxnodeTier, b: FluxnodeTier) -> Bool { a.rawValue < b.rawValue }

    /// The tier's ``name``.
    public var description: String { name }
}
