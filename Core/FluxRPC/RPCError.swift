import FluxJSON

/// A JSON-RPC error as bitcoind reports it: a numeric code and a message.
///
/// The codes are bitcoind's (`src/rpc/protocol.h`); fluxd uses the same values. The static functions build an error
/// with the right code, and ``Code`` names the numbers for comparisons.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// bitcoind's error code.
    public let code: Int
    /// Human-readable message.
    public let message: String

    /// Creates an error with any code.
    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) (code \(code))" }

    /// The error as the `error` member of a JSON-RPC reply: `{"code":…,"message":…}`.
    public var json: JSONValue { .object([("code", .int(code)), ("message", .string(message))]) }

    /// bitcoind's error codes.
    public enum Code {
        // Standard JSON-RPC 2.0 codes.
        /// The request is not a valid JSON-RPC request object.
        public static let invalidRequest = -32600
        /// No method of that name is registered.
        public static let methodNotFound = -32601
        /// Parameters of the wrong shape (used here for named parameters a method does not accept).
        public static let invalidParams = -32602
        /// An internal error in the server.
        public static let internalError = -32603
        /// The request body is not JSON.
        public static let parseError = -32700

        // General application errors.
        /// `std::exception` thrown in command handling.
        public static let miscError = -1
        /// Unexpected type was passed as parameter.
        public static let typeError = -3
        /// Invalid address or key.
        public static let invalidAddressOrKey = -5
        /// Ran out of memory during operation.
        public static let outOfMemory = -7
        /// Invalid, missing or duplicate parameter.
        public static let invalidParameter = -8
        /// Database error.
        public static let databaseError = -20
        /// Error parsing or validating structure in raw format.
        public static let deserializationError = -22
        /// General error during transaction or block submission.
        public static let verifyError = -25
        /// Transaction or block was rejected by network rules.
        public static let verifyRejected = -26
        /// Transaction already in chain.
        public static let verifyAlreadyInChain = -27
        /// Client still warming up.
        public static let inWarmup = -28

        // P2P client errors.
        /// The node is not connected to any peer.
        public static let clientNotConnected = -9
        /// Still downloading initial blocks.
        public static let clientInInitialDownload = -10
        /// Node is already added.
        public static let clientNodeAlreadyAdded = -23
        /// Node has not been added before.
        public static let clientNodeNotAdded = -24
        /// The node named is not connected (`RPC_CLIENT_NODE_NOT_CONNECTED`).
        public static let clientNodeNotConnected = -29

        // Wallet errors.
        /// Unspecified problem with the wallet (key not found etc.).
        public static let walletError = -4
        /// Not enough funds in the wallet or account.
        public static let walletInsufficientFunds = -6
        /// Invalid address (bitcoind reports it as ``invalidAddressOrKey``).
        public static let walletInvalidAddress = -5
        /// Keypool ran out; call `keypoolrefill` first.
        public static let walletKeypoolRanOut = -12
        /// Enter the wallet passphrase with `walletpassphrase` first.
        public static let walletUnlockNeeded = -13
    }

    /// -32600: the request is not a valid JSON-RPC request object.
    public static func invalidRequest(_ message: String = "Invalid Request object") -> RPCError {
        RPCError(code: Code.invalidRequest, message: message)
    }
    /// -32601: no such method.
    public static func methodNotFound(_ message: String = "Method not found") -> RPCError {
        RPCError(code: Code.methodNotFound, message: message)
    }
    /// -32602: parameters of the wrong shape.
    public static func invalidParams(_ message: String) -> RPCError { RPCError(code: Code.invalidParams, message: message) }
    /// -32603: an internal error.
    public static func internalError(_ message: String) -> RPCError { RPCError(code: Code.internalError, message: message) }
    /// -32700: the body is not JSON.
    public static func parseError(_ message: String = "Parse error") -> RPCError {
        RPCError(code: Code.parseError, message: message)
    }
    /// -1: a general failure.
    public static func miscError(_ message: String) -> RPCError { RPCError(code: Code.miscError, message: message) }
    /// -3: a parameter of the wrong JSON type.
    public static func typeError(_ message: String) -> RPCError { RPCError(code: Code.typeError, message: message) }
    /// -5: invalid address or key.
    public static func invalidAddressOrKey(_ message: String) -> RPCError {
        RPCError(code: Code.invalidAddressOrKey, message: message)
    }
    /// -7: out of memory.
    public static func outOfMemory(_ message: String) -> RPCError { RPCError(code: Code.outOfMemory, message: message) }
    /// -8: invalid, missing or duplicate parameter.
    public static func invalidParameter(_ message: String) -> RPCError {
        RPCError(code: Code.invalidParameter, message: message)
    }
    /// -20: database error.
    public static func databaseError(_ message: String) -> RPCError { RPCError(code: Code.databaseError, message: message) }
    /// -22: raw data that does not decode.
    public static func deserializationError(_ message: String) -> RPCError {
        RPCError(code: Code.deserializationError, message: message)
    }
    /// -25: general error submitting a transaction or block.
    public static func verifyError(_ message: String) -> RPCError { RPCError(code: Code.verifyError, message: message) }
    /// -26: rejected by network rules.
    public static func verifyRejected(_ message: String) -> RPCError {
        RPCError(code: Code.verifyRejected, message: message)
    }
    /// -27: already in the chain.
    public static func verifyAlreadyInChain(_ message: String) -> RPCError {
        RPCError(code: Code.verifyAlreadyInChain, message: message)
    }
    /// -28: the node is still starting.
    public static func inWarmup(_ message: String) -> RPCError { RPCError(code: Code.inWarmup, message: message) }
    /// -9: no peers.
    public static func clientNotConnected(_ message: String) -> RPCError {
        RPCError(code: Code.clientNotConnected, message: message)
    }
    /// -10: initial block download in progress.
    public static func clientInInitialDownload(_ message: String) -> RPCError {
        RPCError(code: Code.clientInInitialDownload, message: message)
    }
    /// -23: node already added.
    public static func clientNodeAlreadyAdded(_ message: String = "Error: Node already added") -> RPCError {
        RPCError(code: Code.clientNodeAlreadyAdded, message: message)
    }
    /// -24: node not added.
    public static func clientNodeNotConnected(_ message: String = "Node not found in connected nodes") -> RPCError {
        RPCError(code: Code.clientNodeNotConnected, message: message)
    }

    public static func clientNodeNotAdded(_ message: String = "Error: Node has not been added.") -> RPCError {
        RPCError(code: Code.clientNodeNotAdded, message: message)
    }
    /// -4: wallet failure.
    public static func walletError(_ message: String) -> RPCError { RPCError(code: Code.walletError, message: message) }
    /// -6: insufficient funds.
    public static func walletInsufficientFunds(_ message: String = "Insufficient funds") -> RPCError {
        RPCError(code: Code.walletInsufficientFunds, message: message)
    }
    /// -5: invalid address.
    public static func walletInvalidAddress(_ message: String = "Invalid address") -> RPCError {
        RPCError(code: Code.walletInvalidAddress, message: message)
    }
    /// -12: keypool ran out.
    public static func walletKeypoolRanOut(_ message: String = "Error: Keypool ran out, please call keypoolrefill first")
        -> RPCError {
        RPCError(code: Code.walletKeypoolRanOut, message: message)
    }
    /// -13: wallet locked.
    public static func walletUnlockNeeded(
        _ message: String = "Error: Please enter the wallet passphrase with walletpassphrase first."
    ) -> RPCError {
        RPCError(code: Code.walletUnlockNeeded, message: message)
    }
}
