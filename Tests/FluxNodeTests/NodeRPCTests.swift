import FluxChain
import FluxChainFixtures
import FluxConsensus
import FluxJSON
import FluxMining
import FluxNode
import FluxPrimitives
import FluxRPC
import FluxTestSupport
import Foundation
import Testing

/// The node's JSON-RPC as bitcoind/fluxd clients use it, over real HTTP on loopback.
@Suite(.serialized) struct NodeRPCTests {
    @Test func blockchainCallsAfterGenerate() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-upgradeheight=acadia:5"])
            let rpc = rpcClient(node)
            let hashes = try await rpc.call("generate", params: [12])
            #expect(hashes.arrayValue?.count == 12)
            #expect(try await rpc.call("getblockcount") == .int(12))
            let best = try await rpc.call("getbestblockhash")
            #expect(try await rpc.call("getblockhash", params: [12]) == best)
            #expect(hashes.arrayValue?.last == best)

            // getchaintips: the active tip (FluxOS reads status, height, branchlen), with fluxd's minheight.
            let tips = try await rpc.call("getchaintips")
            #expect(tips.arrayValue?.count == 1)
            #expect(tips.arrayValue?.first?["hash"] == best)
            #expect(tips.arrayValue?.first?["status"] == "active")
            #expect(tips.arrayValue?.first?["branchlen"] == .int(0))
            #expect(try await rpc.call("getchaintips", params: [10]) == tips)
            // getnetworksolps / getnetworkhashps (fluxd's older name) agree with the chain's figure.
            let solps = try await rpc.call("getnetworksolps", params: [5, -1])
            #expect(solps == .int(node.chain.networkSolutionsPerSecond(lookup: 5, height: -1)))
            #expect(try await rpc.call("getnetworkhashps", params: [5]) == solps)
            // getinfo's version is fluxd's numeric CLIENT_VERSION; FluxOS passes minheight when it is above 7020050.
            let summary = try await rpc.call("getinfo")
            #expect(summary["version"] == .int(9_000_650))
            #expect(summary["blocks"] == .int(12))
            #expect(summary["connections"] == .int(0))

            let info = try await rpc.call("getblockchaininfo")
            #expect(info["chain"] == "regtest")
            #expect(info["blocks"] == .int(12))
            #expect(info["bestblockhash"] == best)

            // getblock at the three verbosities agree with each other and with the stored block.
            let raw = try #require(try await rpc.call("getblock", params: [best, 0]).stringValue)
            let block = try Block(serialized: try #require(Hex.decode(raw)))
            #expect(block.hash.description == best.stringValue)
            let v1 = try await rpc.call("getblock", params: [best, 1])
            #expect(v1["height"] == .int(12))
            #expect(v1["tx"]?.arrayValue?.first == .string(block.transactions[0].txid.description))
            let v2 = try await rpc.call("getblock", params: [best, 2])
            #expect(v2["tx"]?.arrayValue?.first?["txid"] == .string(block.transactions[0].txid.description))
            let header = try await rpc.call("getblockheader", params: [best])
            #expect(header["height"] == .int(12))
            #expect(header["previousblockhash"] == .string(block.header.previousBlockHash.description))
            let headerHex = try #require(try await rpc.call("getblockheader", params: [best, false]).stringValue)
            #expect(headerHex == Hex.encode(block.header.serialized))

            // The coinbase output is in the UTXO set; gettxoutsetinfo covers it.
            let out = try await rpc.call("gettxout", params: [.string(block.transactions[0].txid.description), 0])
            #expect(out["confirmations"] == .int(1))
            #expect(out["coinbase"] == .bool(true))
            let set = try await rpc.call("gettxoutsetinfo")
            #expect(set["height"] == .int(12))
            #expect(set["hash_serialized"]?.stringValue?.count == 64)

            // invalidateblock / reconsiderblock move the tip back and forth.
            _ = try await rpc.call("invalidateblock", params: [best])
            #expect(try await rpc.call("getblockcount") == .int(11))
            _ = try await rpc.call("reconsiderblock", params: [best])
            #expect(try await rpc.call("getbestblockhash") == best)
            #expect(try await rpc.call("verifychain") == .bool(true))
        }
    }

    @Test func walletSendsAndTheTransactionIsMined() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-upgradeheight=acadia:5"])
            let rpc = rpcClient(node)
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            #expect(try await rpc.call("validateaddress", params: [.string(address)])["ismine"] == .bool(true))
            _ = try await rpc.call("generatetoaddress", params: [101, .string(address)])
            let balance = try #require(try await rpc.call("getbalance").doubleValue)
            #expect(balance > 0)

            let other = try await nodes.start(["-upgradeheight=acadia:5"])
            let otherAddress = try #require(try await rpcClient(other).call("getnewaddress").stringValue)
            let txid = try await rpc.call("sendtoaddress", params: [.string(otherAddress), .double(12.5)])
            let pool = try #require(try await rpc.call("getrawmempool").arrayValue)
            #expect(pool == [txid])
            #expect(try await rpc.call("getmempoolinfo")["size"] == .int(1))
            let rawTx = try #require(try await rpc.call("getrawtransaction", params: [txid]).stringValue)
            let decoded = try await rpc.call("decoderawtransaction", params: [.string(rawTx)])
            #expect(decoded["txid"] == txid)
            #expect(decoded["version"] == .int(4))
            // Sending it again while it is pooled just returns its id (as bitcoind/zcashd do).
            #expect(try await rpc.call("sendrawtransaction", params: [.string(rawTx)]) == txid)

            _ = try await rpc.call("generate", params: [1])
            #expect(try await rpc.call("getrawmempool").arrayValue?.isEmpty == true)
            let verbose = try await rpc.call("getrawtransaction", params: [txid, 1])
            #expect(verbose["confirmations"] == .int(1))
            #expect(await rpcErrorCode { try await rpc.call("sendrawtransaction", params: [.string(rawTx)]) }
                    == RPCError.Code.verifyAlreadyInChain)
            let paid = try #require(verbose["vout"]?.arrayValue?.first {
                $0["scriptPubKey"]?["addresses"]?.arrayValue?.contains(.string(otherAddress)) == true
            })
            #expect(paid["value"]?.doubleValue == 12.5)

            // The receiving wallet's key round-trips through dumpprivkey / importprivkey.
            let wif = try #require(try await rpcClient(other).call("dumpprivkey", params: [.string(otherAddress)]).stringValue)
            _ = try await rpc.call("importprivkey", params: [.string(wif), "", false])
            #expect(try await rpc.call("validateaddress", params: [.string(otherAddress)])["ismine"] == .bool(true))
        }
    }

    @Test func refusesBadCredentialsAndMalformedRequests() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-rpcuser=alice", "-rpcpassword=secret"])
            var config = RPCClientConfiguration()
            config.port = node.rpcPorts[0]
            config.user = "alice"
            config.password = "wrong"
            let wrong = RPCClient(configuration: config)
            #expect(await rpcFailure { try await wrong.call("getblockcount") } == .http(status: 401, body: ""))
            config.password = "secret"
            let client = RPCClient(configuration: config)
            #expect(try await client.call("getblockcount") == .int(0))
            // The cookie works alongside the configured password.
            #expect(try await rpcClient(node).call("getblockcount") == .int(0))

            #expect(await rpcErrorCode { try await client.call("nosuchmethod") } == RPCError.Code.methodNotFound)
            let typeCode = await rpcErrorCode { try await client.call("getblockhash", params: ["not a number"]) }
            let typeFailure = await rpcFailure { try await client.call("getblockhash", params: ["not a number"]) }
            #expect(typeCode == RPCError.Code.typeError || typeCode == RPCError.Code.invalidParameter,
                    "\(String(describing: typeFailure))")
            #expect(await rpcErrorCode { try await client.call("getblockhash", params: [99]) } == RPCError.Code.invalidParameter)

            // Malformed JSON and an oversized body get HTTP errors; the server keeps answering.
            let auth = "Authorization: Basic " + Data("alice:secret".utf8).base64EncodedString()
            let bad = try await rawHTTP(port: node.rpcPorts[0], "POST / HTTP/1.1\r\nHost: x\r\n\(auth)\r\nContent-Length: 9\r\n\r\n{\"method\"")
            #expect(bad.hasPrefix("HTTP/1.1 500"))
            #expect(bad.contains("-32700"))
            let huge = try await rawHTTP(port: node.rpcPorts[0],
                                   "POST / HTTP/1.1\r\nHost: x\r\n\(auth)\r\nContent-Length: 999999999\r\n\r\n{}")
            #expect(huge.hasPrefix("HTTP/1.1 413"))
            #expect(try await client.call("getblockcount") == .int(0))
        }
    }

    @Test func prometheusMetricsReportHeightPeersAndValidation() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-metricsport=0"])
            _ = try node.mineBlocks(3, to: burnScript)
            let port = try #require(node.metricsPort)
            let text = try await rawHTTP(port: port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(text.hasPrefix("HTTP/1.1 200"))
            #expect(text.contains("\nflux_block_height 3.0\n"))
            #expect(text.contains("\nflux_peers 0.0\n"))
            #expect(text.contains("\nflux_blocks_connected_total 3.0\n"))
            #expect(text.contains("flux_block_validation_seconds_total"))
            #expect(try await rawHTTP(port: port, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n").hasPrefix("HTTP/1.1 404"))
        }
    }

    @Test func fluxCliCallsTheNodeWithItsCookie() async throws {
        try await withTestNodes { nodes in
            let dir = ChainBuilderDirectory.make()
            let node = try await nodes.start(directory: dir)
            let port = String(node.rpcPorts[0])
            let count = try await runTool("flux-cli", ["-regtest", "-datadir=\(dir)", "-rpcport=\(port)", "getblockcount"])
            #expect(count.status == 0)
            #expect(count.stdout == "0\n")
            let generated = try await runTool("flux-cli", ["-regtest", "-datadir=\(dir)", "-rpcport=\(port)", "generate", "2"])
            #expect(generated.status == 0)
            #expect(node.chain.height == 2)
            let hash = try await runTool("flux-cli", ["-regtest", "-datadir=\(dir)", "-rpcport=\(port)", "getblockhash", "2"])
            #expect(hash.stdout == node.chain.tip.hash.description + "\n")
            let header = try await runTool("flux-cli", ["-regtest", "-datadir=\(dir)", "-rpcport=\(port)", "getblockheader",
                                                  node.chain.tip.hash.description])
            #expect(header.status == 0)
            #expect(header.stdout.contains("\"height\": 2"))
            let unknown = try await runTool("flux-cli", ["-regtest", "-datadir=\(dir)", "-rpcport=\(port)", "nosuchmethod"])
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("error code: -32601"))
            let usage = try await runTool("flux-cli", ["-regtest", "-bogusoption", "getblockcount"])
            #expect(usage.status == 2)
            #expect(usage.stderr.contains("bogusoption"))
            let noNode = try await runTool("flux-cli", ["-regtest", "-datadir=\(dir)", "-rpcport=1", "-rpcpassword=x", "-rpcuser=u",
                                                  "getblockcount"])
            #expect(noNode.status == 1)
            #expect(noNode.stderr.contains("Could not connect"))
        }
    }
}

/// The RPC error code `call` fails with, or nil when it succeeds or fails otherwise.
func rpcErrorCode(_ call: () async throws -> JSONValue) async -> Int? {
    do {
        _ = try await call()
        return nil
    } catch {
        if case let RPCClientError.rpc(e)? = error as? RPCClientError { return e.code }
        return nil
    }
}

/// The client error `call` fails with, or nil when it succeeds.
func rpcFailure(_ call: () async throws -> JSONValue) async -> RPCClientError? {
    do {
        _ = try await call()
        return nil
    } catch {
        return error as? RPCClientError
    }
}

enum ChainBuilderDirectory {
    static func make() -> String {
        TestScratch.directory("flux-node")
    }
}

/// Sends `request` on a new loopback connection and returns everything the server sent until it closed (or until
/// one whole reply with a Content-Length has arrived). The socket work runs off the Swift concurrency pool.
func rawHTTP(port: Int, _ request: String) async throws -> String {
    let fd = try connectLoopback(port: port)
    return await onOwnThread { exchangeHTTP(fd, request) }
}

private func exchangeHTTP(_ fd: Int32, _ request: String) -> String {
    defer { close(fd) }
    let bytes = Array(request.utf8)
    _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        result += buffer[0..<n]
        // Keep-alive replies do not close: stop once a whole reply with a Content-Length has arrived.
        if let text = String(bytes: result, encoding: .utf8), let end = text.range(of: "\r\n\r\n"),
           let lengthLine = text[..<end.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
           let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)),
           text.utf8.distance(from: end.upperBound.samePosition(in: text.utf8)!, to: text.utf8.endIndex) >= length {
            break
        }
    }
    return String(decoding: result, as: UTF8.self)
}

/// Runs an executable built next to the test bundle, waiting for it off the Swift concurrency pool (the tool may
/// call a node served by this process).
func runTool(_ name: String, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
    let result = await onOwnThread { Result { try runToolBlocking(name, arguments) } }
    return try result.get()
}

/// Where the executable `name` of this package was built: next to the test bundle.
func toolURL(_ name: String) -> URL {
    var dir = Bundle.main.bundleURL
    if dir.pathExtension != "xctest" { dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }
    let candidates = [dir.deletingLastPathComponent(), dir].map { $0.appendingPathComponent(name) }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
}

private func runToolBlocking(_ name: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = toolURL(name)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Mining through getblocktemplate/submitblock as an external miner does, and the remaining wallet, network and
/// control calls.
@Suite(.serialized) struct NodeRPCMoreTests {
    @Test func externalMinerSolvesATemplateAndSubmitsIt() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start(["-upgradeheight=acadia:5"])
            let rpc = rpcClient(node)
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            _ = try await rpc.call("generatetoaddress", params: [101, .string(address)])
            // A parent and a child in the mempool: the template lists the child as depending on the parent.
            let parentTxid = try await rpc.call("sendtoaddress", params: [.string(address), 100])
            let parent = try Transaction(serialized: try bytes(try await rpc.call("getrawtransaction", params: [parentTxid])))
            let childTxid = try await rpc.call("sendtoaddress", params: [.string(address), 50])
            let child = try Transaction(serialized: try bytes(try await rpc.call("getrawtransaction", params: [childTxid])))
            // Only one coinbase is mature, so the child can only be paid from the parent's unconfirmed change.
            #expect(child.inputs.contains { $0.prevout.hash == parent.txid })

            let template = try await rpc.call("getblocktemplate")
            #expect(template["height"] == .int(102))
            let entries = try #require(template["transactions"]?.arrayValue)
            #expect(entries.count == 2)
            let parentIndex = try #require(entries.firstIndex { $0["hash"] == parentTxid })
            let childEntry = try #require(entries.first { $0["hash"] == childTxid })
            #expect(childEntry["depends"]?.arrayValue == [.int(parentIndex + 1)])
            // The same payee is reused by the next template call.
            let again = try await rpc.call("getblocktemplate")
            #expect(again["coinbasetxn"]?["data"] == template["coinbasetxn"]?["data"])

            // Build and solve the block from the template alone.
            var transactions = [try Transaction(serialized: try bytes(template["coinbasetxn"]?["data"]))]
            for e in entries { transactions.append(try Transaction(serialized: try bytes(e["data"]))) }
            let bits = try #require(UInt32(try text(template["bits"]), radix: 16))
            var block = Block(header: BlockHeader(
                version: Int32(try integer(template["version"])),
                previousBlockHash: try hash(template["previousblockhash"]),
                merkleRoot: .zero,
                finalSaplingRoot: try hash(template["finalsaplingroothash"]),
                time: UInt32(try integer(template["curtime"])), bits: bits,
                proof: .work(nonce: .zero, solution: [])), transactions: transactions)
            block.header.merkleRoot = block.computeMerkleRoot().root
            let solved = try #require(EquihashMiner(parameters: .zcash48_5).mine(block.header, target: .max, firstNonce: 1))
            block.header = solved.header
            #expect(try await rpc.call("submitblock", params: [.string(Hex.encode(block.serialized))]) == .null)
            #expect(node.chain.tip.hash == block.hash)
            #expect(try await rpc.call("getrawmempool").arrayValue?.isEmpty == true)
            #expect(try await rpc.call("submitblock", params: [.string(Hex.encode(block.serialized))]) == "duplicate")
            // A block with a broken merkle root is refused with the reason.
            var bad = block
            bad.header.previousBlockHash = block.hash
            bad.header.proof = .work(nonce: .zero, solution: [])
            let badSolved = try #require(EquihashMiner(parameters: .zcash48_5).mine(bad.header, target: .max, firstNonce: 7))
            bad.header = badSolved.header
            let verdict = try await rpc.call("submitblock", params: [.string(Hex.encode(bad.serialized))])
            #expect(verdict.stringValue?.isEmpty == false)
            #expect(node.chain.tip.hash == block.hash)
            let mining = try await rpc.call("getmininginfo")
            #expect(mining["blocks"] == .int(102))
        }
    }

    @Test func listUnspentAndSignRawTransaction() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start()
            let rpc = rpcClient(node)
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            _ = try await rpc.call("generatetoaddress", params: [101, .string(address)])
            let unspent = try #require(try await rpc.call("listunspent").arrayValue)
            #expect(unspent.count == 1)   // only the first coinbase is mature
            let coin = unspent[0]
            #expect(coin["address"] == .string(address))
            #expect(coin["confirmations"] == .int(101))
            // An unsigned spend of that coin, signed by the wallet, is accepted.
            let txid = try hash(coin["txid"])
            let amount = try #require(coin["amount"]?.doubleValue)
            let value = Amount(units: Int64((amount * 1e8).rounded()))
            let vout = UInt32(try integer(coin["vout"]))
            let unsigned = Transaction(version: 1, inputs: [TxIn(prevout: OutPoint(hash: txid, index: vout), scriptSig: [])],
                                       outputs: [TxOut(value: value - Amount(units: 10_000), scriptPubKey: burnScript)])
            let signed = try await rpc.call("signrawtransaction", params: [.string(Hex.encode(unsigned.serialized))])
            #expect(signed["complete"] == .bool(true))
            let sent = try await rpc.call("sendrawtransaction", params: [try #require(signed["hex"])])
            #expect(sent == .string(unsigned.txid.description) || sent.stringValue?.count == 64)
            #expect(try await rpc.call("getmempoolinfo")["size"] == .int(1))
        }
    }

    @Test func createRawTransactionSpendsChosenOutputs() async throws {
        try await withTestNodes { nodes in
            let node = try await nodes.start()
            let rpc = rpcClient(node)
            let address = try #require(try await rpc.call("getnewaddress").stringValue)
            _ = try await rpc.call("generatetoaddress", params: [102, .string(address)])
            let coins = try #require(try await rpc.call("listunspent").arrayValue)
            #expect(coins.count == 2)
            let inputs: [JSONValue] = coins.map { .object([("txid", $0["txid"]!), ("vout", $0["vout"]!)]) }
            let target = try #require(try await rpc.call("getnewaddress").stringValue)
            // Both 150-FLUX coinbases into one 299.99 output: exactly the inputs chosen, nothing added.
            let hex = try #require(try await rpc.call("createrawtransaction", params: [.array(inputs), .object([(target, .string("299.99"))])]).stringValue)
            let decoded = try await rpc.call("decoderawtransaction", params: [.string(hex)])
            #expect(decoded["vin"]?.arrayValue?.count == 2)
            #expect(decoded["vout"]?.arrayValue?.first?["valueZat"] == .int(29_999_000_000))
            let signed = try await rpc.call("signrawtransaction", params: [.string(hex)])
            #expect(signed["complete"] == .bool(true))
            let signedHex = try #require(signed["hex"])
            _ = try await rpc.call("sendrawtransaction", params: [signedHex])
            #expect(try await rpc.call("getmempoolinfo")["size"] == .int(1))
            // Malformed requests name what is wrong.
            #expect(await rpcErrorCode { try await rpc.call("createrawtransaction", params: [.array([.object([("txid", "zz"), ("vout", 0)])]), .object([])]) } == -8)
            #expect(await rpcErrorCode { try await rpc.call("createrawtransaction", params: [.array([]), .object([("notanaddress", 1)])]) } == -5)
            #expect(await rpcErrorCode { try await rpc.call("createrawtransaction", params: [.array(inputs + inputs), .object([])]) } == -8)
        }
    }

    @Test func networkCallsHelpAndStop() async throws {
        try await withTestNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            let rpc = rpcClient(a)
            _ = try await rpc.call("addnode", params: [.string("127.0.0.1:\(b.p2pPort)"), "onetry"])
            #expect(await eventually(30) { (try? await rpc.call("getconnectioncount")) == .int(1) })
            let peers = try #require(try await rpc.call("getpeerinfo").arrayValue)
            #expect(peers.count == 1)
            #expect(peers[0]["addr"] == .string("127.0.0.1:\(b.p2pPort)"))
            #expect(peers[0]["inbound"] == .bool(false))
            let info = try await rpc.call("getnetworkinfo")
            #expect(info["connections"] == .int(1))
            let help = try #require(try await rpc.call("help").stringValue)
            for name in ["getblockchaininfo", "getblocktemplate", "sendtoaddress", "getpeerinfo", "stop"] {
                #expect(help.contains(name), "help lists \(name)")
            }
            #expect(try await rpc.call("help", params: ["getblock"]).stringValue?.hasPrefix("getblock") == true)
            // stop: the node shuts down and waitForShutdown returns.
            _ = try await rpc.call("stop")
            await a.waitForShutdown()
            await a.stop()
            #expect(await rpcFailure { try await rpc.call("getblockcount") } != nil)
        }
    }
}

/// Test accessors for JSON members, failing with the member's absence.
private func text(_ v: JSONValue?) throws -> String { try #require(v?.stringValue) }
private func integer(_ v: JSONValue?) throws -> Int64 { try #require(v?.intValue) }
private func bytes(_ v: JSONValue?) throws -> [UInt8] { try #require(Hex.decode(try text(v))) }
private func hash(_ v: JSONValue?) throws -> Hash256 { try #require(Hash256(displayHex: try text(v))) }
