import FluxPrimitives

/// Consensus constants shared by every network (fluxd `src/consensus/consensus.h`, `src/amount.h`, `src/main.h`,
/// `src/primitives/block.h`).
public enum ConsensusConstants {
    /// Maximum serialized block size in bytes (`MAX_BLOCK_SIZE`).
    public static let maxBlockSize = 2_000_000
    /// Maximum legacy signature-operation count per block (`MAX_BLOCK_SIGOPS`).
    public static let maxBlockSigops = 20_000
    /// Maximum serialized transaction size before Acadia (Sapling) (`MAX_TX_SIZE_BEFORE_SAPLING`).
    public static let maxTxSizeBeforeSapling = 100_000
    /// Maximum serialized transaction size from Acadia (Sapling) on (`MAX_TX_SIZE_AFTER_SAPLING`).
    public static let maxTxSizeAfterSapling = 2_000_000
    /// Blocks before a coinbase output may be spent (`COINBASE_MATURITY`).
    public static let coinbaseMaturity = 100
    /// Lowest accepted block `nVersion` (`MIN_BLOCK_VERSION`).
    public static let minBlockVersion: Int32 = 4
    /// `nVersion` of PoN blocks (`CBlockHeader::PON_VERSION`); headers with `nVersion` ≥ this use the PoN layout.
    public static let ponBlockVersion: Int32 = 100
    /// Maximum length of a PoN block signature (`MAX_BLOCK_SIG_SIZE`, a DER ECDSA signature).
    public static let maxBlockSigSize = 73
    /// Maximum length of an emergency block's multi-signature blob (`MAX_EMERGENCY_BLOCK_SIG_SIZE`).
    public static let maxEmergencyBlockSigSize = 512
    /// `nExpiryHeight` must be below this (`TX_EXPIRY_HEIGHT_THRESHOLD`).
    public static let txExpiryHeightThreshold: UInt32 = 500_000_000
    /// Allowed coinbase scriptSig lengths in bytes (2 ... 100).
    public static let coinbaseScriptSigLength: ClosedRange<Int> = 2...100
    /// Coinbase scriptSig must begin with the serialized height for heights above this (BIP34-style).
    public static let coinbaseHeightRequiredAbove = 20
    /// Units per FLUX (`COIN`).
    public static let coin: Int64 = Amount.coin
    /// Per-value sanity bound (`MAX_MONEY`, 440,000,000 FLUX); not an issuance cap.
    public static let maxMoney: Amount = .maxMoney
    /// Default maximum reorganization depth in blocks (`MAX_REORG_LENGTH`); see
    /// ``ChainParameters/maxReorgDepth(tipHeight:)`` for the mainnet PoN-activation window of 5000.
    public static let maxReorgLength = 40
    /// Version group id of Overwinter (v3) transactions.
    public static let overwinterVersionGroupId: UInt32 = 0x03c4_8270
    /// Version group id of Sapling (v4) transactions.
    public static let saplingVersionGroupId: UInt32 = 0x892f_2085

    /// fluxd's `MoneyRange`: 0 ≤ value ≤ ``maxMoney``.
    public static func isInMoneyRange(_ value: Amount) -> Bool { value.isInMoneyRange }

    /// The maximum transaction size at a height, given whether Acadia (Sapling) is active there.
    public static func maxTxSize(saplingActive: Bool) -> Int {
        saplingActive ? maxTxSizeAfterSapling : maxTxSizeBeforeSapling
    }
}
