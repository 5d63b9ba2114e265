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
        .library(name: "FluxPrimitives", targets: ["FluxPrimitives"]),
        .library(name: "FluxEquihash", targets: ["FluxEquihash"]),
        .library(name: "FluxConsensus", targets: ["FluxConsensus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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

        // Executables.
        .executableTarget(name: "flux-util",
                          dependencies: ["FluxPrimitives", "FluxEquihash", "FluxConsensus", "FluxJSON",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Core/flux-util", swiftSettings: strict),
        .executableTarget(name: "fluxd",
                          dependencies: ["FluxPrimitives", "FluxEquihash", "FluxConsensus", "FluxJSON",
                                         "FluxOptions", "FluxMining", "FluxChain", "FluxStorage"],
                          path: "Core/fluxd", swiftSettings: strict),
        .executableTarget(name: "flux-bench",
                          dependencies: ["FluxPrimitives", "FluxEquihash", "FluxConsensus", "CSodium",
                                         "FluxStorage", "CRocksDB"],
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
    ],
    swiftLanguageModes: [.v6]
)
