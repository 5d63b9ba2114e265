/// The activation heights of every ``NetworkUpgrade`` on one network (fluxd's `consensus.vUpgrades`).
///
/// An upgrade is active at height `h` when it has an activation height `a` and `h >= a`; nil means never
/// (`NO_ACTIVATION_HEIGHT`, -1 in fluxd) and 0 means always. ``NetworkUpgrade/base`` is always active from 0.
///
/// Schedules built from `-upgradeheight` overrides (``applying(_:)``) are checked by ``validateOrder()``: among
/// upgrades that have a height, heights never decrease in index order. Upgrades set to never are skipped by that
/// check, so a regtest schedule where only ``NetworkUpgrade/pon`` has a height is valid.
public struct UpgradeSchedule: Hashable, Sendable {
    /// Activation heights indexed by `NetworkUpgrade.rawValue`; nil = never.
    private var heights: [Int?]
    /// Minimum peer protocol versions indexed by `NetworkUpgrade.rawValue`.
    private var protocolVersions: [Int32]

    /// Creates a schedule from the upgrades that activate; every upgrade missing from `activationHeights` never
    /// activates, except ``NetworkUpgrade/base`` which is always active from 0 (its entry is ignored).
    /// `protocolVersions` overrides ``NetworkUpgrade/protocolVersion`` for this network (regtest Acadia: 170006).
    public init(activationHeights: [NetworkUpgrade: Int], protocolVersions: [NetworkUpgrade: Int32] = [:]) {
        heights = NetworkUpgrade.allCases.map { activationHeights[$0] }
        heights[NetworkUpgrade.base.rawValue] = 0
        self.protocolVersions = NetworkUpgrade.allCases.map { protocolVersions[$0] ?? $0.protocolVersion }
    }

    /// The height from which `upgrade` is active, or nil if it never activates.
    public func activationHeight(of upgrade: NetworkUpgrade) -> Int? {
        heights[upgrade.rawValue]
    }

    /// True when `upgrade` has an activation height and `height` is at or above it (fluxd `NetworkUpgradeActive`).
    public func isActive(_ upgrade: NetworkUpgrade, at height: Int) -> Bool {
        guard let activation = heights[upgrade.rawValue] else { return false }
        return height >= activation
    }

    /// The newest upgrade active at `height` (fluxd `CurrentEpoch`); ``NetworkUpgrade/base`` when none is.
    public func currentUpgrade(at height: Int) -> NetworkUpgrade {
        for upgrade in NetworkUpgrade.allCases.reversed() where isActive(upgrade, at: height) {
            return upgrade
        }
        return .base
    }

    /// The consensus branch id in force at `height` (fluxd `CurrentEpochBranchId`): the branch id of
    /// ``currentUpgrade(at:)``.
    public func currentBranchId(at height: Int) -> UInt32 {
        currentUpgrade(at: height).branchId
    }

    /// The protocol version this network requires once `upgrade` is the current epoch.
    public func protocolVersion(of upgrade: NetworkUpgrade) -> Int32 {
        protocolVersions[upgrade.rawValue]
    }

    /// The minimum peer protocol version at `height`: that of ``currentUpgrade(at:)``. Peers announcing less are
    /// rejected as obsolete.
    public func currentProtocolVersion(at height: Int) -> Int32 {
        protocolVersion(of: currentUpgrade(at: height))
    }

    /// A copy with `upgrade` re-scheduled to `height` (nil = never). Does not check ordering; see ``applying(_:)``.
    public func setting(_ upgrade: NetworkUpgrade, to height: Int?) -> UpgradeSchedule {
        var copy = self
        copy.heights[upgrade.rawValue] = upgrade == .base ? 0 : height
        return copy
    }

    /// A copy with every override applied in order (a later override of the same upgrade wins), then checked with
    /// ``validateOrder()``. Throws ``UpgradeOverrideError/outOfOrder(upgrade:height:earlier:earlierHeight:)``.
    public func applying(_ overrides: [UpgradeOverride]) throws(UpgradeOverrideError) -> UpgradeSchedule {
        var copy = self
        for o in overrides { copy = copy.setting(o.upgrade, to: o.height) }
        try copy.validateOrder()
        return copy
    }

    /// Checks that the eras follow fluxd's index order: for any two upgrades that both have an activation height
    /// (``NetworkUpgrade/testDummy`` excluded), the one with the higher index does not activate at a lower height.
    /// Upgrades that never activate are ignored. Equal heights are allowed (several upgrades in one block).
    public func validateOrder() throws(UpgradeOverrideError) {
        var previous: (upgrade: NetworkUpgrade, height: Int)? = nil
        for upgrade in NetworkUpgrade.allCases where upgrade != .testDummy {
            guard let h = heights[upgrade.rawValue] else { continue }
            if let p = previous, h < p.height {
                throw .outOfOrder(upgrade: upgrade, height: h, earlier: p.upgrade, earlierHeight: p.height)
            }
            previous = (upgrade, h)
        }
    }
}
