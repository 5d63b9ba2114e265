import FluxPrimitives

/// Decoders for the hex literals in the network tables; they trap on a typo, which the tests would catch first.
enum Literal {
    /// Bytes from plain hex.
    static func bytes(_ hex: String) -> [UInt8] {
        guard let b = Hex.decode(hex) else { preconditionFailure("bad hex literal \(hex)") }
        return b
    }

    /// A hash or 256-bit number from display (big-endian) hex.
    static func hash(_ displayHex: String) -> Hash256 {
        guard let h = Hash256(displayHex: displayHex) else { preconditionFailure("bad hash literal \(displayHex)") }
        return h
    }

    /// A script from hex.
    static func script(_ hex: String) -> Script { Script(bytes(hex)) }

    /// A funding destination from its address and script hex.
    static func destination(_ address: String, _ scriptHex: String) -> FundingDestination {
        FundingDestination(address: address, script: script(scriptHex))
    }
}
