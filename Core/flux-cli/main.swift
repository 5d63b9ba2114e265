import FluxJSON
import FluxOptions
import FluxRPC
import Foundation

// flux-cli: calls a running node's JSON-RPC, as bitcoin-cli / flux-cli do.
//
//   flux-cli [options] METHOD [PARAM ...]
//
// Options are fluxd's (`-datadir`, `-conf`, `-regtest`, `-testnet`, `-rpcconnect`, `-rpcport`, `-rpcuser`,
// `-rpcpassword`, `-rpcclienttimeout`, `-stdin`), read from the command line and `flux.conf` as fluxd reads them.
// Without `-rpcpassword` the node's cookie file in the data folder is used. Parameters that are JSON (numbers,
// true/false/null, arrays, objects) are sent as JSON, except 64-digit hex strings (hashes), which stay strings;
// everything else is sent as a string. `-stdin` reads further parameters, one per line, from standard input.
//
// Exit status: 0 success; 1 the call failed (connection, authentication or an RPC error, printed on stderr);
// 2 usage error.

let usage = """
    Usage: flux-cli [options] <command> [params]
      -regtest / -testnet          choose the network (default mainnet)
      -datadir=DIR -conf=FILE      data folder (for the cookie) and configuration file
      -rpcconnect=HOST -rpcport=N  server address (default 127.0.0.1 and the network's RPC port)
      -rpcuser=U -rpcpassword=P    credentials (default: the cookie file in the data folder)
      -rpcclienttimeout=S          seconds to wait for a reply (default 900, 0 = forever)
      -stdin                       read extra parameters from standard input, one per line
    Try "flux-cli help" for the node's commands.
    """

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

/// A command-line parameter as JSON: JSON values as themselves, anything else (and hashes) as strings.
func parameter(_ text: String) -> JSONValue {
    let isHash = text.count == 64 && text.allSatisfy(\.isHexDigit)
    if !isHash, let value = try? JSONValue(parsing: text) { return value }
    return .string(text)
}

let arguments = Array(CommandLine.arguments.dropFirst())
let optionArguments = Array(arguments.prefix { $0.hasPrefix("-") && $0.count > 1 })
var rest = Array(arguments.dropFirst(optionArguments.count))
if optionArguments.contains(where: { $0 == "-help" || $0 == "--help" || $0 == "-h" || $0 == "-?" }) {
    print(usage)
    exit(0)
}
let configuration: NodeConfiguration
do {
    configuration = try NodeConfiguration(options: try NodeOptions(arguments: optionArguments))
} catch {
    fail("Error: \(error)\n\n\(usage)", status: 2)
}
let options = configuration.options
if options.flag("stdin") {
    while let line = readLine() { rest.append(line) }
}
guard let method = rest.first else { fail("Error: no command given\n\n\(usage)", status: 2) }

var client = RPCClientConfiguration()
client.host = options.string("rpcconnect") ?? "127.0.0.1"
client.port = options.int("rpcport") ?? configuration.params.defaultRPCPort
client.user = options.string("rpcuser")
client.password = options.string("rpcpassword")
client.cookieFile = configuration.dataDirectory.appendingPathComponent(".cookie").path
if let timeout = options.int("rpcclienttimeout") { client.timeoutSeconds = timeout }

do {
    let result = try RPCClient(configuration: client).call(method, params: rest.dropFirst().map(parameter))
    switch result {
    case .null: break
    case .string(let s): print(s)
    default: print(result.pretty())
    }
} catch {
    fail("\(error)", status: 1)
}
