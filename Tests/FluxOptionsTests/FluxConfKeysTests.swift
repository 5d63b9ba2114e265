import FluxConsensus
import FluxOptions
import Foundation
import Testing

/// The remaining plain keys of a stock FluxNode's flux.conf: the five `zmqpub*` addresses (and bitcoind's `*hwm`),
/// `server`, `daemon`, `logtimestamps`, `experimentalfeatures`, next to `bind`, `rpcallowip`, `maxconnections` and
/// repeated `addnode`.
@Suite struct FluxConfKeysTests {
    @Test func stockFluxNodeKeysAreUnderstood() throws {
        var options = NodeOptions()
        try options.merge(configuration: """
            server=1
            daemon=1
            logtimestamps=1
            experimentalfeatures=1
            bind=0.0.0.0
            rpcallowip=127.0.0.1
            rpcallowip=172.18.0.0/16
            rpcallowip=10.0.0.0/255.0.0.0
            maxconnections=256
            addnode=seed1.example:16125
            addnode=seed2.example:16125
            zmqpubhashblock=tcp://127.0.0.1:28332
            zmqpubhashtx=tcp://127.0.0.1:28332
            zmqpubrawblock=tcp://127.0.0.1:28333
            zmqpubrawtx=tcp://127.0.0.1:28333
            zmqpubsequence=tcp://127.0.0.1:28334
            zmqpubrawtxhwm=2000
            """, path: "flux.conf")
        #expect(options.flag("server") && options.flag("daemon") && options.flag("logtimestamps"))
        #expect(options.flag("experimentalfeatures"))
        #expect(options.string("bind") == "0.0.0.0")
        #expect(options.all("rpcallowip") == ["127.0.0.1", "172.18.0.0/16", "10.0.0.0/255.0.0.0"])
        #expect(options.int("maxconnections") == 256)
        #expect(options.all("addnode") == ["seed1.example:16125", "seed2.example:16125"])
        #expect(options.string("zmqpubhashblock") == "tcp://127.0.0.1:28332")
        #expect(options.string("zmqpubsequence") == "tcp://127.0.0.1:28334")
        #expect(options.int("zmqpubrawtxhwm") == 2000)
    }

    @Test func malformedValuesAndUnknownTopicsAreNamed() {
        for (line, name) in [("server=yes", "server"), ("daemon=2", "daemon"), ("logtimestamps=true", "logtimestamps"),
                             ("zmqpubhashblock=", "zmqpubhashblock"), ("zmqpubhashtxhwm=-1", "zmqpubhashtxhwm"),
                             ("zmqpubnosuchtopic=tcp://127.0.0.1:1", "zmqpubnosuchtopic")] {
            var options = NodeOptions()
            #expect { try options.merge(configuration: line, path: "flux.conf") } throws: { error in
                "\(error)".contains(name) && "\(error)".contains("flux.conf:1")
            }
        }
    }

    @Test func negatedFlagsTurnServerAndTimestampsOff() throws {
        let options = try NodeOptions(arguments: ["-noserver", "-nologtimestamps", "-nodaemon"])
        #expect(options.string("server") == "0")
        #expect(options.string("logtimestamps") == "0")
        #expect(options.string("daemon") == "0")
    }
}
