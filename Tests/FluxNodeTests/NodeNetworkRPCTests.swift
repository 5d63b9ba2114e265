import FluxJSON
import FluxNode
import FluxRPC
import Foundation
import Testing

/// fluxd's network control calls that FluxOS forwards: setban / listbanned / clearbanned, disconnectnode, ping, with
/// fluxd's results and error codes.
@Suite(.serialized) struct NodeNetworkRPCTests {
    /// The RPC error code and message of a call that must fail.
    func failure(_ rpc: RPCClient, _ method: String, _ params: [JSONValue]) async -> (Int, String)? {
        do {
            _ = try await rpc.call(method, params: params)
            return nil
        } catch let RPCClientError.rpc(error) {
            return (error.code, error.message)
        } catch {
            return (0, "\(error)")
        }
    }

    func peers(_ rpc: RPCClient) async -> [JSONValue] {
        (try? await rpc.call("getpeerinfo"))?.arrayValue ?? []
    }

    @Test func banDisconnectAndPingAsFluxd() async throws {
        try await withTestNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start(["-connect=127.0.0.1:\(a.p2pPort)"])
            let rpc = rpcClient(a)
            #expect(await eventually(20) { await peers(rpc).first?["version"]?.intValue ?? 0 > 0 })

            // getnettotals counts the wire bytes both ways (the handshake at least).
            let before = try await rpc.call("getnettotals")
            let sent = try #require(before["totalbytessent"]?.intValue)
            let received = try #require(before["totalbytesrecv"]?.intValue)
            #expect(sent >= 2 * 24 && received >= 2 * 24)
            let millis = try #require(before["timemillis"]?.intValue)
            #expect(abs(Int(millis) - Int(Date().timeIntervalSince1970 * 1000)) < 5000)

            // ping: every peer gets one (a 32-byte frame); the round trip shows as pingtime.
            #expect(try await rpc.call("ping") == .null)
            #expect(await eventually(10) { await peers(rpc).first?["pingtime"]?.doubleValue != nil })
            let after = try await rpc.call("getnettotals")
            #expect(try #require(after["totalbytessent"]?.intValue) >= sent + 32)
            #expect(try #require(after["totalbytesrecv"]?.intValue) >= received + 32)

            // disconnectnode by getpeerinfo's addr; an unknown one is -29.
            let first = try #require(await peers(rpc).first)
            let address = try #require(first["addr"]?.stringValue)
            #expect(try await rpc.call("disconnectnode", params: [.string(address)]) == .null)
            #expect(await eventually(10) { await !peers(rpc).contains { $0["id"] == first["id"] } })
            let unknown = await failure(rpc, "disconnectnode", ["10.1.2.3:16125"])
            #expect(unknown?.0 == -29 && unknown?.1 == "Node not found in connected nodes")

            // b redials (-connect); then a bans 127.0.0.1: b is cut off and stays out while the ban lasts.
            #expect(await eventually(20) { await !peers(rpc).isEmpty })
            #expect(try await rpc.call("setban", params: ["127.0.0.1", "add"]) == .null)
            #expect(await eventually(10) { await peers(rpc).isEmpty })
            try await Task.sleep(for: .seconds(2))
            #expect(await peers(rpc).isEmpty, "a banned host reconnected")
            let again = await failure(rpc, "setban", ["127.0.0.1", "add"])
            #expect(again?.0 == -23 && again?.1 == "Error: IP/Subnet already banned")
            #expect(try await rpc.call("setban", params: ["10.0.0.0/8", "add", 3600]) == .null)
            let until = Int(Date().timeIntervalSince1970) + 7200
            #expect(try await rpc.call("setban", params: ["192.168.7.7", "add", .int(until), true]) == .null)
            let banned = try await rpc.call("listbanned").arrayValue ?? []
            #expect(Set(banned.compactMap { $0["address"]?.stringValue }) == ["127.0.0.1", "10.0.0.0/8", "192.168.7.7"])
            #expect(banned.first { $0["address"] == "192.168.7.7" }?["banned_until"] == .int(until))

            // Removing: an entry that is not there fails as fluxd's; clearbanned empties the list and b comes back.
            #expect(try await rpc.call("setban", params: ["10.0.0.0/8", "remove"]) == .null)
            let missing = await failure(rpc, "setban", ["10.0.0.0/8", "remove"])
            #expect(missing?.0 == -1 && missing?.1 == "Error: Unban failed")
            #expect(try await rpc.call("clearbanned") == .null)
            #expect(try await rpc.call("listbanned") == .array([]))
            #expect(await eventually(30) { await !peers(rpc).isEmpty })

            // A subnet ban covers the hosts in it: b is cut off again, and 127.0.0.1 counts as already banned.
            #expect(try await rpc.call("setban", params: ["127.0.0.0/8", "add"]) == .null)
            #expect(await eventually(10) { await peers(rpc).isEmpty })
            let covered = await failure(rpc, "setban", ["127.0.0.1", "add"])
            #expect(covered?.0 == -23)
            #expect(try await rpc.call("clearbanned") == .null)

            // Malformed requests.
            let invalid = await failure(rpc, "setban", ["not-an-ip", "add"])
            #expect(invalid?.0 == -23 && invalid?.1 == "Error: Invalid IP/Subnet")
            let badCommand = await failure(rpc, "setban", ["127.0.0.1", "ban"])
            #expect(badCommand?.0 == -1 && badCommand?.1.hasPrefix("setban") == true)
            _ = b
        }
    }

    @Test func addnodeKeepsAListThatGetaddednodeinfoReports() async throws {
        try await withTestNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            let rpc = rpcClient(b)
            let target = "127.0.0.1:\(a.p2pPort)"
            #expect(try await rpc.call("getaddednodeinfo", params: [false]) == .array([]))
            #expect(try await rpc.call("addnode", params: [.string(target), "add"]) == .null)
            let twice = await failure(rpc, "addnode", [.string(target), "add"])
            #expect(twice?.0 == -23 && twice?.1 == "Error: Node already added")
            #expect(try await rpc.call("getaddednodeinfo", params: [false]) == .array([.object([("addednode", .string(target))])]))
            // With dns true: connected, outbound, at the address named.
            #expect(await eventually(20) {
                let info = try? await rpc.call("getaddednodeinfo", params: [true, .string(target)])
                return info?.arrayValue?.first?["connected"] == .bool(true)
            })
            let info = try await rpc.call("getaddednodeinfo", params: [true])
            #expect(info.arrayValue?.first?["addresses"]?.arrayValue?.first?["address"] == .string(target))
            #expect(info.arrayValue?.first?["addresses"]?.arrayValue?.first?["connected"] == "outbound")
            let unknown = await failure(rpc, "getaddednodeinfo", [true, "127.0.0.1:9"])
            #expect(unknown?.0 == -24 && unknown?.1 == "Error: Node has not been added.")

            // An added node is kept connected: after a disconnect it is dialled again.
            #expect(try await rpc.call("disconnectnode", params: [.string(target)]) == .null)
            #expect(await eventually(20) {
                let peers = (try? await rpc.call("getpeerinfo"))?.arrayValue ?? []
                return peers.contains { $0["addr"] == .string(target) && $0["version"]?.intValue ?? 0 > 0 }
            })

            // Removing takes it off the list (the connection stays, as in fluxd); a second remove is -24.
            #expect(try await rpc.call("addnode", params: [.string(target), "remove"]) == .null)
            #expect(try await rpc.call("getaddednodeinfo", params: [false]) == .array([]))
            let removed = await failure(rpc, "addnode", [.string(target), "remove"])
            #expect(removed?.0 == -24)
            let bad = await failure(rpc, "addnode", [.string(target), "connect"])
            #expect(bad?.0 == -1 && bad?.1.hasPrefix("addnode") == true)
        }
    }
}
