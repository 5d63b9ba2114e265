import CFluxPlugin
import Foundation
import Testing
@testable import FluxPluginHost

/// Loading and checking plugin images: every refusal names the file and the field that differs.
@Suite struct PluginImageTests {
    func refusal(_ defines: [String]) throws -> String {
        let path = try TestPlugins.build(defines)
        do {
            _ = try PluginImage.load(path: path, imagesDirectory: TestPlugins.imagesDirectory())
            return "loaded"
        } catch {
            #expect(error.path == path)
            return error.reason
        }
    }

    @Test func loadsTheCExamplePluginIntoAContentAddressedCopy() throws {
        let path = TestPlugins.builtProduct("FluxPluginChainStats")
        let images = TestPlugins.imagesDirectory()
        let image = try PluginImage.load(path: path, imagesDirectory: images)
        #expect(image.info.name == "chainstats")
        #expect(image.info.version == "1.0.0")
        #expect(image.info.toolchain == "c")
        #expect(image.info.has(FLUX_CAP_STATEFUL) && image.info.has(FLUX_CAP_RPC))
        #expect(image.info.isInline && !image.info.isConsensus)
        #expect(image.sha256.count == 64)
        #expect(image.imagePath == images + "/" + image.sha256 + ".so")
        #expect(FileManager.default.contentsEqual(atPath: path, andPath: image.imagePath))
        // Pinned correctly, it loads again from the same copy.
        let again = try PluginImage.load(path: path, pinnedSHA256: image.sha256.uppercased(), imagesDirectory: images)
        #expect(again.imagePath == image.imagePath)
    }

    @Test func aRebuiltPluginAtTheSamePathIsANewImage() throws {
        let images = TestPlugins.imagesDirectory()
        let first = try TestPlugins.build(["NAME=\"first\""])
        let second = try TestPlugins.build(["NAME=\"second\""])
        let stable = FileManager.default.temporaryDirectory.appendingPathComponent("libstable-\(UUID().uuidString).so").path
        try FileManager.default.copyItem(atPath: first, toPath: stable)
        let a = try PluginImage.load(path: stable, imagesDirectory: images)
        try FileManager.default.removeItem(atPath: stable)
        try FileManager.default.copyItem(atPath: second, toPath: stable)
        let b = try PluginImage.load(path: stable, imagesDirectory: images)
        #expect(a.info.name == "first")
        #expect(b.info.name == "second")
        #expect(a.imagePath != b.imagePath)
    }

    @Test func refusesAWrongPinAMissingFileAndNonPlugins() throws {
        let path = try TestPlugins.build()
        let wrongPin = String(repeating: "ab", count: 32)
        #expect(throws: PluginLoadError.self) {
            try PluginImage.load(path: path, pinnedSHA256: wrongPin, imagesDirectory: TestPlugins.imagesDirectory())
        }
        do {
            _ = try PluginImage.load(path: path, pinnedSHA256: wrongPin, imagesDirectory: TestPlugins.imagesDirectory())
            Issue.record("a wrong pin was accepted")
        } catch {
            #expect(error.reason.contains("pins \(wrongPin)"))
        }
        do {
            _ = try PluginImage.load(path: path + ".missing", imagesDirectory: TestPlugins.imagesDirectory())
            Issue.record("a missing file was loaded")
        } catch {
            #expect(error.reason.contains("cannot read"))
        }
        let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("garbage-\(UUID().uuidString).so").path
        try Data("not an ELF file".utf8).write(to: URL(fileURLWithPath: garbage))
        do {
            _ = try PluginImage.load(path: garbage, imagesDirectory: TestPlugins.imagesDirectory())
            Issue.record("garbage loaded")
        } catch {
            #expect(error.reason.hasPrefix("dlopen failed"))
        }
        #expect(try refusal(["NO_ENTRY"]).contains("no exported symbol flux_plugin_entry"))
    }

    @Test func eachDescriptorMismatchNamesItsField() throws {
        #expect(try refusal([]) == "loaded")
        #expect(try refusal(["ABI_MAJOR=2"]).hasPrefix("descriptor.abi_major is 2"))
        #expect(try refusal(["MINOR_REQUIRED=9"]).hasPrefix("descriptor.abi_minor_required is 9"))
        #expect(try refusal(["POINTER_SIZE=4"]).hasPrefix("descriptor.pointer_size is 4"))
        #expect(try refusal(["SIZE_DELTA_EXTRA=-8"]).hasPrefix("descriptor.struct_size is 104"))
        #expect(try refusal(["TAIL=1"]).contains("non-zero fields this host"))
        #expect(try refusal(["CAPS=0x800"]).contains("capabilities has bits 0x800"))   // 0x400 is ABI 1.1 PoN
        #expect(try refusal(["NAME=\"Bad-Name\""]).contains("descriptor.name \"Bad-Name\""))
        #expect(try refusal(["TOOLCHAIN=\"swift-5.9\""]).contains("descriptor.toolchain is swift-5.9"))
        #expect(try refusal(["CAPS=FLUX_CAP_JUDGE_BLOCKS"]).contains("consensus_version is 0"))
        #expect(try refusal(["NO_BLOCK_CALLBACK"]).contains("callbacks.block_connected"))
    }

    @Test func aLargerDescriptorWithAZeroTailIsAccepted() throws {
        // TAIL=0 but the size claims 8 more bytes: the unknown tail is zero, so a newer plugin still loads.
        #expect(try refusal(["SIZE_DELTA_EXTRA=8"]) == "loaded")
    }
}
