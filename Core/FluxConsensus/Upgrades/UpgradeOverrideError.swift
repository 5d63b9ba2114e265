/// Why an `-upgradeheight` option or the resulting upgrade schedule was rejected. ``description`` is the exact
/// message shown to the user.
public enum UpgradeOverrideError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The value is not of the form `NAME:HEIGHT`.
    case malformed(String)
    /// The name is not one of ``UpgradeOverride/knownNames``.
    case unknownUpgrade(String)
    /// The height is neither a non-negative integer (≤ `Int32.max`) nor `-1` / `never`.
    case badHeight(String, upgrade: NetworkUpgrade)
    /// `upgrade` would activate at `height`, before `earlier` (lower index) at `earlierHeight`.
    case outOfOrder(upgrade: NetworkUpgrade, height: Int, earlier: NetworkUpgrade, earlierHeight: Int)

    /// The user-facing message, e.g. `unknown upgrade "foo" (known: lwma, …, pon)`.
    public var description: String {
        switch self {
        case let .malformed(text):
            return "bad -upgradeheight value \"\(text)\": expected NAME:HEIGHT"
        case let .unknownUpgrade(name):
            return "unknown upgrade \"\(name)\" (known: \(UpgradeOverride.knownNames.joined(separator: ", ")))"
        case let .badHeight(text, upgrade):
            return "bad height \"\(text)\" for upgrade \(Self.label(upgrade))"
                + " (expected a non-negative integer, -1 or never)"
        case let .outOfOrder(upgrade, height, earlier, earlierHeight):
            return "upgrade \(Self.label(upgrade)) at height \(height) would activate before"
                + " \(Self.label(earlier)) at height \(earlierHeight);"
                + " activation heights must not decrease in upgrade order"
        }
    }

    private static func label(_ upgrade: NetworkUpgrade) -> String {
        upgrade.optionName ?? upgrade.name.lowercased()
    }
}
