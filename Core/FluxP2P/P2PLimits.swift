/// Bounds on message sizes and item counts. Each count is checked when its CompactSize is read, before any
/// array is allocated; exceeding one gives `P2PError.tooManyItems` (or `.oversized` for the payload length).
public enum P2PLimits {
    /// Size of the frame header: magic (4) ‖ command (12) ‖ length (4) ‖ checksum (4).
    public static let headerSize = 24
    /// Size of the NUL-padded command field (`CMessageHeader::COMMAND_SIZE`).
    public static let commandSize = 12
    /// `MAX_PROTOCOL_MESSAGE_LENGTH`: the default largest payload, 2 MiB.
    public static let maxPayload = 2 * 1024 * 1024
    /// `MAX_INV_SZ`: items in one `inv`, `getdata` or `notfound` (fluxd scores 20 above this).
    public static let maxInventory = 50_000
    /// `MAX_HEADERS_RESULTS`: headers in one `headers` message (fluxd scores 20 above this).
    public static let maxHeaders = 160
    /// Compact headers in one `cmpheaders` message (fluxd sends at most 2,000).
    public static let maxCompactHeaders = 2_000
    /// Entries in one `addr` message (fluxd scores 20 above this).
    public static let maxAddresses = 1_000
    /// Hashes in a `getheaders`/`getblocks` locator. fluxd does not bound it beyond the payload size; 101 is
    /// Bitcoin Core's `MAX_LOCATOR_SZ`, generous for a locator (about 10 + log2(height) ≈ 32 entries).
    public static let maxLocator = 101
    /// `MAX_SUBVERSION_LENGTH`: bytes of a `version` user agent (fluxd reads it as a limited string).
    public static let maxUserAgent = 256
    /// Bytes of the command a `reject` refers to (fluxd reads it limited to `COMMAND_SIZE`).
    public static let maxRejectMessage = 12
    /// Bytes of a `reject` reason. fluxd writes at most 111 (`MAX_REJECT_MESSAGE_LENGTH`); up to 256 is accepted.
    public static let maxRejectReason = 256
}
