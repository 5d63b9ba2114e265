/// Where and how an ``RPCServer`` listens, and who may call it.
public struct RPCServerConfiguration: Sendable {
    /// Addresses to listen on. Loopback on mainnet's RPC port by default; port 0 asks the system for a free port
    /// (``RPCServer/start()`` returns the ports actually bound).
    public var bind: [(host: String, port: Int)] = [("127.0.0.1", 16124)]
    /// Clients allowed besides loopback (which is always allowed): single addresses or subnets as `-rpcallowip`
    /// takes them (`192.168.0.0/16`, `10.1.2.3`, `192.168.1.0/255.255.255.0`, `fd00::/8`). Others get HTTP 403.
    public var allowIPs: [String] = []
    /// User name for HTTP Basic authentication (with ``password``).
    public var user: String?
    /// Password for HTTP Basic authentication (with ``user``).
    public var password: String?
    /// Path of the cookie file. When set, a random cookie `__cookie__:<64 hex>` is written there (mode 0600) on
    /// start and deleted on stop, and accepted as credentials alongside ``user``/``password``. When neither a
    /// password nor a cookie file is configured, a cookie is still generated (see ``RPCServer/cookie``).
    public var cookieFile: String?
    /// Largest request body accepted, in bytes; larger requests get HTTP 413 and the connection is closed
    /// without reading the rest.
    public var maxBodyBytes = 32 << 20
    /// How many handlers may run at once (bitcoind's `-rpcthreads`); further calls wait their turn.
    public var workerThreads = 4
    /// Delay before answering a request with wrong credentials, in milliseconds (bitcoind waits 250 ms to slow down
    /// password guessing). Requests without credentials are answered at once.
    public var authFailureDelayMilliseconds = 250
    /// How long a connection may take to deliver a complete request (headers and body), counted from when it
    /// opens or from the end of the previous reply on a kept-alive connection (fluxd's `-rpcservertimeout`,
    /// default 30 s). A connection that has not finished a request by then is closed; a call being handled is
    /// never cut.
    public var requestTimeout: Duration = .seconds(30)
    /// Connections open at once; past this a new connection is answered HTTP 503 and closed at once, so clients
    /// that hold connections open cannot exhaust the process's file descriptors. Default 512 (fluxd derives it
    /// from the descriptor limit, see `NodeConfiguration.rpcConfiguration`).
    public var maxConnections = 512
    /// Requests admitted beyond the ``workerThreads`` being handled (fluxd's `-rpcworkqueue`, default 16). A
    /// request that finds every worker busy and this many requests waiting is answered HTTP 503
    /// "Work queue depth exceeded", as bitcoind does.
    public var workQueueDepth = 16

    /// The defaults: loopback port 16124, no extra allowed addresses, no password.
    public init() {}
}
