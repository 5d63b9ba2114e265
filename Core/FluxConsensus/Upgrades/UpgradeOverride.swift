/// One `-upgradeheight=NAME:HEIGHT` option: re-schedule a network upgrade (normally on regtest).
///
/// Accepted names (case-insensitive): `lwma`, `equihash144_5` (alias `equi144_5`), `acadia`, `kamiooka`,
/// `kamata`, `flux`, `halving`, `p2shnodes`, `pon`. ``NetworkUpgrade/base`` and ``NetworkUpgrade/testDummy``
/// cannot be re-scheduled. HEIGHT is a non-negative decimal integer (at most `Int32.max`), or `-1` / `never`
/// (case-insensitive) for "never activates".
public struct UpgradeOverride: Hashable, Sendable, CustomStringConvertible {
    /// The upgrade to re-schedule.
    public var upgrade: NetworkUpgrade
    /// The new activation height; nil = never.
    public var height: Int?

    /// Creates an override directly.
    public init(upgrade: NetworkUpgrade, height: Int?) {
        self.upgrade = upgrade
        self.height = height
    }

    /// Parses the option value `NAME:HEIGHT` (without the `-upgradeheight=` prefix), e.g. `"pon:300"`.
    ///
    /// Errors: ``UpgradeOverrideError/malformed(_:)`` without exactly one `:`,
    /// ``UpgradeOverrideError/unknownUpgrade(_:)`` for a name not listed above,
    /// ``UpgradeOverrideError/badHeight(_:upgrade:)`` for a height that is not a valid number.
    public init(parsing text: String) throws(UpgradeOverrideError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .malformed(text) }
        let name = parts[0].trimmingWhitespace()
        let heightText = parts[1].trimmingWhitespace()
        guard let upgrade = UpgradeOverride.upgrade(named: name) else { throw .unknownUpgrade(name) }
        self.upgrade = upgrade
        let lowered = heightText.lowercased()
        if lowered == "-1" || lowered == "never" {
            height = nil
        } else if !heightText.isEmpty, heightText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let h = Int32(heightText) {
            height = Int(h)
        } else {
            throw .badHeight(heightText, upgrade: upgrade)
        }
    }

    /// Parses every value of a repeated `-upgradeheight` option, stopping at the first error.
    public static func parseAll(_ values: [String]) throws(UpgradeOverrideError) -> [UpgradeOverride] {
        var out: [UpgradeOverride] = []
        for v in values { out.append(try UpgradeOverride(parsing: v)) }
        return out
    }

    /// The option names accepted, in upgrade order, as listed in error messages.
    public static let knownNames: [String] = [
        "lwma", "equihash144_5", "equi144_5", "acadia", "kamiooka", "kamata", "flux", "halving", "p2shnodes", "pon",
    ]

    /// The upgrade an option name refers to (case-insensitive), or nil.
    public static func upgrade(named name: String) -> NetworkUpgrade? {
        let lowered = name.lowercased()
        if lowered == "equi144_5" { return .equihash144_5 }
        return NetworkUpgrade.allCases.first { $0.optionName == lowered }
    }

    /// The canonical option text, e.g. `"pon:300"` or `"lwma:never"`.
    public var description: String {
        "\(upgrade.optionName ?? upgrade.name):" + (height.map(String.init) ?? "never")
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
