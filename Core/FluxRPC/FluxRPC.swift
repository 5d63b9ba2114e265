// FluxRPC: bitcoind-compatible JSON-RPC over HTTP/1.1.
//
// - `RPCMethodRegistry`: named handlers with categories and help text; the built-in `help` method.
// - `RPCServer`: HTTP on SwiftNIO with Basic authentication (user/password and a cookie file), `-rpcallowip`
//   subnets, body limits, batches, keep-alive, and bitcoind's status codes; handlers run in Swift tasks, never on
//   the event loop.
// - `RPCClient`, `RPCClientConfiguration`, `RPCCommandLineTool`: the client side used by `flux-cli`.
