// swift-tools-version:6.0
//
// The Flux full node: a minimal core (Core/), the plugin SDK (SDK/) and plugins (Plugins/).
// Module dependencies point one way: formats <- consensus <- chain state <- services <- executables.

import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// Release builds of the hot paths (Equihash, hashing) keep their safety checks; `-Ounchecked` is never used.
let package = Package(
    name: "FluxNode",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "flux-util", targets: ["flux-util"]),
        .executable(name: "fluxd", targets: ["fluxd"]),
        .executable(name: "flux-bench", targets: ["flux-bench"]),
        .executable(name: "flux-cli", targets: ["flux-cli"]),
        .library(name: "FluxPrimitives", targets: ["FluxPrimitives"]),
        .library(name: "FluxEquihash", targets: ["FluxEquihash"]),
        .library(name: "FluxConsensus", targets: ["FluxConsensus"]),
        // What out-of-tree plugins depend on: the C ABI and the Swift helpers (no node, NIO or RocksDB).
        .library(name: "FluxPluginSDK", targets: ["FluxPluginSDK"]),
        // Example plugins, built as shared objects for plugins.toml.
        .library(name: "FluxPluginChainStats", type: .dynamic, targets: ["ChainStatsPlugin"]),
        .library(name: "FluxPluginAddressIndex", type: .dynamic, targets: ["AddressIndexPlugin"]),
        // The FluxNode tiers (Cumulus, Nimbus, Stratus): node list, payments, Proof-of-Node producers.
        .library(name: "FluxPluginFluxNodes", type: .dynamic, targets: ["FluxNodesPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Thin wrappers over Debian's system libraries. Never exposed as products.
        .systemLibrary(name: "CSodium", path: "Core/CSodium", pkgConfig: "libsodium",
                       providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CSecp256k1", path: "Core/CSecp256k1", pkgConfig: "libsecp256k1",
                       providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CRocksDB", path: "Core/CRocksDB", pkgConfig: "rocksdb",
                       providers: [.apt(["librocksdb-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Core/COpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        // libzmq without pkgConfig: its .pc file adds Kerberos include flags SwiftPM refuses with a warning;
        // zmq.h is in /usr/include and the module map links libzmq.
        .systemLibrary(name: "CZeroMQ", path: "Core/CZeroMQ", providers: [.apt(["libzmq3-dev"])]),

        // Plugin SDK: the C ABI header (the only contract between core and plugins) and Swift helpers over it.
        .target(name: "CFluxPlugin", path: "SDK/CFluxPlugin", publicHeadersPath: "include"),
        .target(name: "FluxPluginSDK", dependencies: ["CFluxPlugin"], path: "SDK/FluxPluginSDK", swiftSettings: strict),
        // The plugin host: plugins.toml, loading and checking images, calling plugins through the C ABI.
        .target(name: "FluxPluginHost", dependencies: ["CFluxPlugin", "FluxPrimitives", .product(name: "Logging", package: "swift-log"),
                                                     .product(name: "TOMLKit", package: "TOMLKit")],
                path: "Core/FluxPluginHost", swiftSettings: strict),
        // Example plugins (Plugins/): each builds against the SDK only.
        .target(name: "ChainStatsPlugin", dependencies: ["CFluxPlugin"], path: "Plugins/ChainStats"),
        .target(name: "AddressIndexPlugin", dependencies: ["FluxPluginSDK", "FluxPrimitives", "FluxJSON"],
                path: "Plugins/AddressIndex", swiftSettings: strict),
        // The deterministic FluxNode list as a pure library (no host, storage engine or consensus module): used by
        // the fluxnodes plugin and by the benchmark.
        .target(name: "FluxNodeModel", dependencies: ["FluxPrimitives", "FluxScript"],
                path: "Plugins/FluxNodes/Model", swiftSettings: strict),
        .target(name: "FluxNodesPlugin", dependencies: ["FluxPluginSDK", "FluxNodeModel", "FluxPrimitives", "FluxScript", "FluxJSON"],
                path: "Plugins/FluxNodes/Plugin", swiftSettings: strict),

        // Wire formats: bytes in, typed values out. No storage, no networking.
        .target(name: "FluxPrimitives", dependencies: ["CSodium", "COpenSSL"],
                path: "Core/FluxPrimitives", swiftSettings: strict),
        // Equihash verifier and solver, with its own BLAKE2b (explicit mid-state). Depends on nothing.
        .target(name: "FluxEquihash", path: "Core/FluxEquihash", swiftSettings: strict),
        // Chain parameters, network upgrades, subsidy, proof-of-work checks of headers.
        .target(name: "FluxConsensus", dependencies: ["FluxPrimitives", "FluxEquihash", "CSecp256k1"],
                path: "Core/FluxConsensus", swiftSettings: strict),
        // Keys over libsecp256k1, signature hashes (legacy, ZIP 143, ZIP 243) and the script interpreter.
        .target(name: "FluxScript", dependencies: ["FluxPrimitives", "FluxEquihash", "CSecp256k1"],
                path: "Core/FluxScript", swiftSettings: strict),
        // JSON shapes of fluxd's RPC results (decoderawtransaction, getblock) for formats.
        .target(name: "FluxJSON", dependencies: ["FluxPrimitives"],
                path: "Core/FluxJSON", swiftSettings: strict),

        // fluxd's options from the command line and flux.conf.
        .target(name: "FluxOptions", dependencies: ["FluxConsensus"],
                path: "Core/FluxOptions", swiftSettings: strict),
        // Block templates and the built-in Equihash miner for test networks.
        .target(name: "FluxMining", dependencies: ["FluxConsensus", "FluxEquihash", "FluxPrimitives"],
                path: "Core/FluxMining", swiftSettings: strict),
        // RocksDB storage: column families, block index, blocks, undo data, UTXO set and cache, plugin namespaces.
        .target(name: "FluxStorage", dependencies: ["FluxPrimitives", "CRocksDB"],
                path: "Core/FluxStorage", swiftSettings: strict),

        // Chain state: block index, validation against the UTXO set, reorgs, crash-safe commits.
        .target(name: "FluxChain", dependencies: ["FluxConsensus", "FluxPrimitives", "FluxScript", "FluxStorage"],
                path: "Core/FluxChain", swiftSettings: strict),

        // P2P message formats and framing (NIOCore only; tested with EmbeddedChannel).
        .target(name: "FluxP2P", dependencies: ["FluxPrimitives", .product(name: "NIOCore", package: "swift-nio")],
                path: "Core/FluxP2P", swiftSettings: strict),
        // Transaction memory pool: full transaction rules plus relay policy.
        .target(name: "FluxMempool", dependencies: ["FluxChain", "FluxConsensus", "FluxScript", "FluxPrimitives", "FluxStorage"],
                path: "Core/FluxMempool", swiftSettings: strict),
        // Transparent wallet with keys in the node's database.
        .target(name: "FluxWallet", dependencies: ["FluxChain", "FluxConsensus", "FluxScript", "FluxPrimitives", "FluxStorage"],
                path: "Core/FluxWallet", swiftSettings: strict),
        // Peers, handshake, headers-first sync, relay (sockets on NIOPosix).
        .target(name: "FluxNetwork", dependencies: ["FluxP2P", "FluxChain", "FluxMempool", "FluxConsensus", "FluxPrimitives",
                                                    .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), .product(name: "Logging", package: "swift-log")],
                path: "Core/FluxNetwork", swiftSettings: strict),
        // HTTP JSON-RPC server and client: framing, authentication, method registry, bitcoind error shapes.
        .target(name: "FluxRPC", dependencies: ["FluxJSON", "FluxPrimitives", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "Logging", package: "swift-log")],
                path: "Core/FluxRPC", swiftSettings: strict),
        // ZeroMQ notifications (-zmqpub*): chain and mempool events published on libzmq PUB sockets.
        .target(name: "FluxZMQ", dependencies: ["CZeroMQ", "FluxChain", "FluxPrimitives", .product(name: "Logging", package: "swift-log")],
                path: "Core/FluxZMQ", swiftSettings: strict),
        // The node: wires chain, mempool, wallet, network and RPC methods together; metrics.
        .target(name: "FluxNode", dependencies: ["FluxChain", "FluxMempool", "FluxWallet", "FluxNetwork", "FluxRPC", "FluxJSON",
                                                 "FluxMining", "FluxOptions", "FluxConsensus", "FluxPrimitives", "FluxScript",
                                                 "FluxStorage", "FluxEquihash", "FluxPluginHost", "FluxZMQ", .product(name: "Logging", package: "swift-log"), .product(name: "Prometheus", package: "swift-prometheus"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
                path: "Core/FluxNode", swiftSettings: strict),

        // Executables.
        .executableTarget(name: "flux-util",
                          dependencies: ["FluxPrimitives", "FluxEquihash", "FluxConsensus", "FluxJSON", "FluxScript",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Core/flux-util", swiftSettings: strict),
        .executableTarget(name: "fluxd",
                          dependencies: ["FluxPrimitives", "FluxConsensus", "FluxOptions", "FluxChain", "FluxNode", "FluxPluginHost",
                                         .product(name: "Logging", package: "swift-log")],
                          path: "Core/fluxd", swiftSettings: strict),
        .executableTarget(name: "flux-cli", dependencies: ["FluxRPC", "FluxJSON", "FluxOptions"],
                          path: "Core/flux-cli", swiftSettings: strict),
        .executableTarget(name: "flux-bench",
                          dependencies: ["FluxPrimitives", "FluxEquihash", "FluxConsensus", "CSodium",
                                         "FluxStorage", "CRocksDB", "FluxChain", "FluxChainFixtures", "FluxScript", "FluxNode", "FluxOptions", "FluxPluginHost",
                                         "FluxNodeModel", "FluxP2P", .product(name: "NIOCore", package: "swift-nio"),
                                         .product(name: "Logging", package: "swift-log")],
                          path: "Core/flux-bench", swiftSettings: strict),

        // Tests.
        .target(name: "FluxTestSupport", dependencies: ["FluxPrimitives"],
                path: "Tests/FluxTestSupport", swiftSettings: strict),
        .testTarget(name: "FluxPrimitivesTests", dependencies: ["FluxPrimitives", "FluxTestSupport"],
                    path: "Tests/FluxPrimitivesTests", swiftSettings: strict),
        .testTarget(name: "FluxEquihashTests", dependencies: ["FluxEquihash", "FluxTestSupport"],
                    path: "Tests/FluxEquihashTests", swiftSettings: strict),
        .testTarget(name: "FluxConsensusTests",
                    dependencies: ["FluxConsensus", "FluxPrimitives", "FluxEquihash", "FluxTestSupport"],
                    path: "Tests/FluxConsensusTests", exclude: ["difficulty_model.py"], swiftSettings: strict),
        .testTarget(name: "FluxScriptTests", dependencies: ["FluxScript", "FluxPrimitives", "FluxTestSupport"],
                    path: "Tests/FluxScriptTests", swiftSettings: strict),
        .testTarget(name: "FluxUtilTests", dependencies: ["FluxJSON", "FluxPrimitives", "FluxTestSupport", "flux-util"],
                    path: "Tests/FluxUtilTests", swiftSettings: strict),
        .testTarget(name: "FluxOptionsTests", dependencies: ["FluxOptions", "FluxConsensus"],
                    path: "Tests/FluxOptionsTests", swiftSettings: strict),
        .testTarget(name: "FluxMiningTests",
                    dependencies: ["FluxMining", "FluxConsensus", "FluxPrimitives", "FluxEquihash"],
                    path: "Tests/FluxMiningTests", swiftSettings: strict),
        .testTarget(name: "FluxStorageTests", dependencies: ["FluxStorage", "FluxPrimitives", "FluxTestSupport"],
                    path: "Tests/FluxStorageTests", swiftSettings: strict),
        .target(name: "FluxChainFixtures",
                dependencies: ["FluxChain", "FluxConsensus", "FluxPrimitives", "FluxScript", "FluxMining", "FluxEquihash"],
                path: "Tests/FluxChainFixtures", swiftSettings: strict),
        .testTarget(name: "FluxChainTests",
                    dependencies: ["FluxChain", "FluxConsensus", "FluxPrimitives", "FluxScript", "FluxStorage",
                                   "FluxMining", "FluxEquihash", "FluxTestSupport", "FluxChainFixtures", "fluxd"],
                    path: "Tests/FluxChainTests", swiftSettings: strict),
        .testTarget(name: "FluxP2PTests", dependencies: ["FluxP2P", "FluxPrimitives", "FluxTestSupport", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio")],
                    path: "Tests/FluxP2PTests", swiftSettings: strict),
        .testTarget(name: "FluxMempoolTests", dependencies: ["FluxMempool", "FluxChain", "FluxChainFixtures", "FluxConsensus", "FluxNodeModel",
                                                            "FluxScript", "FluxPrimitives", "FluxStorage", "FluxTestSupport"],
                    path: "Tests/FluxMempoolTests", swiftSettings: strict),
        .testTarget(name: "FluxWalletTests", dependencies: ["FluxWallet", "FluxChain", "FluxChainFixtures", "FluxConsensus",
                                                           "FluxScript", "FluxPrimitives", "FluxStorage", "FluxTestSupport"],
                    path: "Tests/FluxWalletTests", swiftSettings: strict),
        .testTarget(name: "FluxRPCTests", dependencies: ["FluxRPC", "FluxJSON", "FluxPrimitives", "FluxTestSupport", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "Logging", package: "swift-log")],
                    path: "Tests/FluxRPCTests", swiftSettings: strict),
        .testTarget(name: "FluxNetworkTests", dependencies: ["FluxNetwork", "FluxP2P", "FluxChain", "FluxChainFixtures", "FluxStorage",
                                                            "FluxMempool", "FluxConsensus", "FluxPrimitives", "FluxTestSupport",
                                                            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                                                            .product(name: "Logging", package: "swift-log")],
                    path: "Tests/FluxNetworkTests", swiftSettings: strict),
        .testTarget(name: "FluxNodeModelTests", dependencies: ["FluxNodeModel", "FluxPrimitives", "FluxScript"],
                    path: "Tests/FluxNodeModelTests", exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(name: "FluxPluginHostTests", dependencies: ["FluxPluginHost", "CFluxPlugin", "FluxConsensus", "FluxChainFixtures", "FluxPrimitives", .product(name: "Logging", package: "swift-log")],
                    path: "Tests/FluxPluginHostTests", swiftSettings: strict),
        .testTarget(name: "FluxZMQTests", dependencies: ["FluxZMQ", "CZeroMQ", "FluxChain", "FluxChainFixtures", "FluxPrimitives", "FluxTestSupport"],
                    path: "Tests/FluxZMQTests", swiftSettings: strict),
        .testTarget(name: "FluxNodeTests", dependencies: ["FluxNode", "FluxZMQ", "FluxRPC", "FluxJSON", "FluxChain", "FluxChainFixtures",
                                                         "FluxConsensus", "FluxPrimitives", "FluxStorage", "FluxTestSupport", "FluxMining", "FluxScript", "FluxNodeModel", "fluxd", "flux-cli"],
                    path: "Tests/FluxNodeTests", swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
