import FluxPrimitives
import Foundation
import FluxJSON
import Logging
import NIOHTTP1
import Testing
@testable import FluxRPC

/// The JSON-RPC layer without sockets: request parsing, batches, named parameters, status codes, help.
struct RPCDispatcherTests {
    static func registry() -> RPCMethodRegistry {
        let registry = RPCMethodRegistry()
        registry.register("echo", category: "test", help: "echo ( value )\nReturns its parameters.",
                          arguments: ["first", "second"]) { request throws(RPCError) in
            .array(request.params)
        }
        registry.register("fail", category: "test", help: "fail\nAlways fails.") { _ throws(RPCError) in
            throw RPCError(code: RPCError.Code.invalidParameter, message: "bad parameter")
        }
        return registry
    }

    static func respond(_ body: String) async -> (status: HTTPResponseStatus, reply: JSONValue) {
        let dispatcher = RPCDispatcher(registry: registry(), workers: 2, logger: Logger(label: "test"))
        let (status, text) = await dispatcher.respond(to: Array(body.utf8), peer: "127.0.0.1")
        return (status, (try? JSONValue(parsing: text)) ?? .null)
    }

    @Test func singleCallEchoesTheIdAndUsesBitcoindKeyOrder() async {
        let (status, reply) = await Self.respond(#"{"jsonrpc":"1.0","id":"x7","method":"echo","params":[1,"a"]}"#)
        #expect(status == .ok)
        #expect(reply.serialized() == #"{"result":[1,"a"],"error":null,"id":"x7"}"#)
    }

    @Test func errorsMapToBitcoindStatusCodes() async {
        let unknown = await Self.respond(#"{"id":1,"method":"nosuch"}"#)
        #expect(unknown.status == .notFound)
        #expect(unknown.reply["error"]?["code"] == .int(-32601))
        let failing = await Self.respond(#"{"id":2,"method":"fail"}"#)
        #expect(failing.status == .internalServerError)
        #expect(failing.reply["error"]?["code"] == .int(-8))
        #expect(failing.reply["id"] == .int(2))
        let notJSON = await Self.respond("{\"method\":")
        #expect(notJSON.status == .internalServerError)
        #expect(notJSON.reply["error"]?["code"] == .int(-32700))
        let noMethod = await Self.respond(#"{"id":3}"#)
        #expect(noMethod.status == .badRequest)
        #expect(noMethod.reply["error"]?["code"] == .int(-32600))
        #expect(noMethod.reply["id"] == .int(3))
        let badParams = await Self.respond(#"{"id":4,"method":"echo","params":5}"#)
        #expect(badParams.status == .badRequest)
        let scalar = await Self.respond("17")
        #expect(scalar.status == .internalServerError)
    }

    @Test func batchesAnswerEveryElementWithStatus200() async {
        let (status, reply) = await Self.respond(#"[{"id":1,"method":"echo","params":[1]},{"id":2,"method":"nosuch"},7]"#)
        #expect(status == .ok)
        let items = reply.arrayValue ?? []
        #expect(items.count == 3)
        #expect(items[0]["result"] == .array([.int(1)]))
        #expect(items[1]["error"]?["code"] == .int(-32601))
        #expect(items[2]["error"]?["code"] == .int(-32600))
    }

    @Test func namedParametersMapToPositions() async {
        let named = await Self.respond(#"{"id":1,"method":"echo","params":{"second":"b"}}"#)
        #expect(named.reply["result"] == .array([.null, "b"]))
        let both = await Self.respond(#"{"id":1,"method":"echo","params":{"second":"b","first":"a"}}"#)
        #expect(both.reply["result"] == .array(["a", "b"]))
        let unknown = await Self.respond(#"{"id":1,"method":"echo","params":{"third":1}}"#)
        #expect(unknown.reply["error"]?["code"] == .int(-8))
        let refused = await Self.respond(#"{"id":1,"method":"fail","params":{"x":1}}"#)
        #expect(refused.reply["error"]?["code"] == .int(-32602))
    }

    @Test func helpListsMethodsByCategoryAndShowsOne() async {
        let listing = await Self.respond(#"{"id":1,"method":"help"}"#)
        let text = listing.reply["result"]?.stringValue ?? ""
        #expect(text.contains("echo ( value )"))
        #expect(text.contains("fail"))
        // fluxd lists every command for an empty name too (FluxOS's default) and for null.
        let empty = await Self.respond(#"{"id":1,"method":"help","params":[""]}"#)
        #expect(empty.reply["result"]?.stringValue == text)
        let null = await Self.respond(#"{"id":1,"method":"help","params":[null]}"#)
        #expect(null.reply["result"]?.stringValue == text)
        let one = await Self.respond(#"{"id":1,"method":"help","params":["echo"]}"#)
        #expect(one.reply["result"]?.stringValue == "echo ( value )\nReturns its parameters.")
    }
}

/// `-rpcallowip` subnets, the cookie file and the client's HTTP parsing.
struct RPCSupportTests {
    @Test func subnetsInEveryFormBitcoindAccepts() throws {
        let cidr = try #require(IPSubnet("192.168.0.0/16"))
        #expect(cidr.contains("192.168.44.3"))
        #expect(!cidr.contains("192.169.0.1"))
        let mask = try #require(IPSubnet("10.1.0.0/255.255.0.0"))
        #expect(mask.contains("10.1.200.1"))
        #expect(!mask.contains("10.2.0.1"))
        let single = try #require(IPSubnet("10.0.0.5"))
        #expect(single.contains("10.0.0.5"))
        #expect(!single.contains("10.0.0.6"))
        let v6 = try #require(IPSubnet("fd00::/8"))
        #expect(v6.contains("fd12::1"))
        #expect(!v6.contains("fe80::1"))
        #expect(IPSubnet("10.0.0.0/33") == nil)
        #expect(IPSubnet("not an address") == nil)
        #expect(IPSubnet.isLoopback("127.0.0.1"))
        #expect(IPSubnet.isLoopback("::1"))
        #expect(!IPSubnet.isLoopback("10.0.0.1"))
    }

    @Test func cookieIsWrittenPrivateAndReadBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cookie-\(UUID().uuidString)").path
        defer { unlink(path) }
        let cookie = RPCCookie.generate()
        #expect(cookie.hasPrefix("__cookie__:"))
        #expect(cookie.count == "__cookie__:".count + 64)
        try RPCCookie.write(cookie, to: path)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let read = try RPCCookie.read(from: path)
        #expect(read.user + ":" + read.password == cookie)
        #expect(throws: RPCClientError.cookieUnreadable(path: path + ".missing")) { try RPCCookie.read(from: path + ".missing") }
    }

    @Test func clientParsesContentLengthAndChunkedReplies() throws {
        let plain = Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello-extra".utf8)
        let a = try RPCClient.parseResponse(plain)
        #expect(a.status == 200)
        #expect(String(decoding: a.body, as: UTF8.self) == "hello")
        let chunked = Array("HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n".utf8)
        let b = try RPCClient.parseResponse(chunked)
        #expect(b.status == 401)
        #expect(String(decoding: b.body, as: UTF8.self) == "abcde")
        #expect(throws: RPCClientError.self) { try RPCClient.parseResponse(Array("garbage".utf8)) }
        #expect(throws: RPCClientError.self) { try RPCClient.parseResponse([]) }
        #expect(throws: RPCClientError.self) {
            try RPCClient.parseResponse(Array("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort".utf8))
        }
    }
}
