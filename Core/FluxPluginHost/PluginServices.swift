/// What the node offers plugins, as the host needs it: chain and mempool queries, the plugins' key-value
/// namespaces, transaction submission and P2P. The node implements it over its chain state, mempool and network;
/// the host itself knows the chain only through this interface (and tests implement it in memory).
///
/// Hashes and transaction ids are 32 bytes in internal order; blocks, headers and transactions are wire bytes.
public protocol PluginServices: AnyObject, Sendable {
    /// Height and hash of the active tip.
    func tip() -> (height: Int64, hash: [UInt8])
    /// The active-chain block hash at `height`, nil above the tip.
    func blockHash(at height: Int64) -> [UInt8]?
    /// A known header (any branch) and its height.
    func header(_ hash: [UInt8]) -> (header: [UInt8], height: Int64)?
    /// A stored block.
    func block(_ hash: [UInt8]) -> [UInt8]?
    /// An unspent output: value, height, coinbase flag and script.
    func unspentOutput(txid: [UInt8], index: UInt32) -> (value: Int64, height: UInt32, coinbase: Bool, script: [UInt8])?
    /// A mempool transaction.
    func mempoolTransaction(_ txid: [UInt8]) -> [UInt8]?
    /// The committed value of `key` in plugin namespace `namespace`.
    func storedValue(namespace: String, key: [UInt8]) throws(PluginStoreError) -> [UInt8]?
    /// Writes (or deletes, with nil) keys of a namespace at once, atomically, outside any block.
    func storeNow(namespace: String, writes: [(key: [UInt8], value: [UInt8]?)]) throws(PluginStoreError)
    /// Submits a transaction to the mempool; nil when accepted, else the reason.
    func submitTransaction(_ transaction: [UInt8]) -> String?
    /// Sends a plugin P2P command (already prefixed) to one peer or, with 0, to every peer.
    func sendP2P(peer: UInt64, command: String, payload: [UInt8]) -> Bool

    // MARK: ABI 1.1

    /// The chain's parameters as the UTF-8 JSON object `chain_parameters` documents; nil when unknown.
    func chainParameters() -> [UInt8]?
    /// The block subsidy at `height` in units (no fees, no funding events); nil when unknown.
    func blockSubsidy(at height: Int64) -> Int64?
    /// Calls `body` with each committed key (without the namespace) and value of `namespace` that starts with
    /// `prefix` and is ≥ `from`, in key order (bytes compare unsigned), until it returns false.
    func scanStored(namespace: String, prefix: [UInt8], from: [UInt8],
                    _ body: ([UInt8], [UInt8]) -> Bool) throws(PluginStoreError)
    /// Signs `digest` (32 bytes) with the wallet key whose HASH160 is `keyID` (20 bytes), as a compact
    /// recoverable signature.
    func walletSignCompact(keyID: [UInt8], digest: [UInt8]) -> PluginWalletSignature

    // MARK: ABI 1.2

    /// The node's option `name` (flux.conf and command line, as fluxd spells it), for `node_option`.
    func nodeOption(_ name: String) -> PluginNodeOption
    /// The wallet's unspent outputs (`wallet_unspent`); nil when the node runs without a wallet.
    func walletUnspent() -> [PluginWalletCoin]?
}

extension PluginServices {
    public func chainParameters() -> [UInt8]? { nil }
    public func blockSubsidy(at height: Int64) -> Int64? { nil }
    public func scanStored(namespace: String, prefix: [UInt8], from: [UInt8],
                           _ body: ([UInt8], [UInt8]) -> Bool) throws(PluginStoreError) {}
    public func walletSignCompact(keyID: [UInt8], digest: [UInt8]) -> PluginWalletSignature { .noWallet }
    public func nodeOption(_ name: String) -> PluginNodeOption { .notSet }
    public func walletUnspent() -> [PluginWalletCoin]? { nil }
}

/// What `node_option` finds for an option name.
public enum PluginNodeOption: Sendable, Hashable {
    /// The option's values in order (one for a single-valued option).
    case values([String])
    /// A known option that is not set (`FLUX_ERR_NOT_FOUND`).
    case notSet
    /// The node has no option of that name (`FLUX_ERR_INVALID_ARGUMENT`).
    case unknown
    /// An option plugins may not read, such as the RPC credentials (`FLUX_ERR_UNSUPPORTED`).
    case withheld
}

/// One unspent wallet output, as `wallet_unspent` delivers it.
public struct PluginWalletCoin: Sendable, Hashable {
    /// The transaction id (32 bytes, internal order).
    public let txid: [UInt8]
    /// The output's index.
    public let index: UInt32
    /// Its value in units.
    public let value: Int64
    /// Confirmations (0 while unconfirmed).
    public let confirmations: UInt32
    /// Whether it is a coinbase output.
    public let coinbase: Bool
    /// Its locking script.
    public let script: [UInt8]
    /// Creates a record.
    public init(txid: [UInt8], index: UInt32, value: Int64, confirmations: UInt32, coinbase: Bool, script: [UInt8]) {
        self.txid = txid
        self.index = index
        self.value = value
        self.confirmations = confirmations
        self.coinbase = coinbase
        self.script = script
    }

    /// The ABI record: txid ‖ LE32 index ‖ LE64 value ‖ LE32 confirmations ‖ u8 coinbase ‖ LE32 length ‖ script.
    var record: [UInt8] {
        var r = Array(txid.prefix(32))
        withUnsafeBytes(of: index.littleEndian) { r += $0 }
        withUnsafeBytes(of: value.littleEndian) { r += $0 }
        withUnsafeBytes(of: confirmations.littleEndian) { r += $0 }
        r.append(coinbase ? 1 : 0)
        withUnsafeBytes(of: UInt32(script.count).littleEndian) { r += $0 }
        return r + script
    }
}

/// What `wallet_sign_compact` got from the node's wallet.
public enum PluginWalletSignature: Sendable, Hashable {
    /// The key's public key (in the form the wallet uses it) and the 65-byte compact signature.
    case signed(publicKey: [UInt8], signature: [UInt8])
    /// The wallet holds no key with that HASH160 (`FLUX_ERR_NOT_FOUND`).
    case noSuchKey
    /// The node runs without a wallet (`FLUX_ERR_STATE`).
    case noWallet
}

/// A failure of the store behind plugin namespaces.
public struct PluginStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
