import FluxPrimitives
import Testing

/// Bech32 (BIP 173) and fluxd's shielded payment address encodings, as `z_validateaddress` reads them.
@Suite struct ShieldedPaymentAddressTests {
    @Test func bech32AcceptsBIP173VectorsAndRefusesBrokenOnes() throws {
        for valid in ["A12UEL5L", "a12uel5l",
                      "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
                      "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
                      "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"] {
            let decoded = try #require(Bech32.decode(valid), "\(valid)")
            #expect(Bech32.encode(hrp: decoded.hrp, data: decoded.data) == valid.lowercased())
        }
        for invalid in ["pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "A1G7SGD8", "10a06t8",
                        "1qzzfhee", "A12uEL5L", "a12uel5m"] {
            #expect(Bech32.decode(invalid) == nil, "\(invalid)")
        }
    }

    @Test func sproutAddressesDecodeOnTheirNetworkOnly() throws {
        // A mainnet Sprout address from fluxd's own tests (prefix 0x169A, "zc").
        let text = "zcMuhvq8sEkHALuSU2i4NbNQxshSAYrpCExec45ZjtivYPbuiFPwk6WHy4SvsbeZ4siy1WheuRGjtaJmoD1J8bFqNXhsG6U"
        let address = try #require(ShieldedPaymentAddress(text, encoding: .mainnet))
        guard case let .sprout(a, b) = address else { Issue.record("not sprout"); return }
        #expect(a.count == 32 && b.count == 32)
        #expect(address.encoded(.mainnet) == text)
        #expect(ShieldedPaymentAddress(text, encoding: .regtest) == nil)
        #expect(ShieldedPaymentAddress(String(text.dropLast()) + "V", encoding: .mainnet) == nil)
    }

    @Test func saplingAddressesRoundTripUnderEachNetworksPrefix() throws {
        let d = (0..<11).map { UInt8($0 * 7) }, pk = (0..<32).map { UInt8(255 - $0) }
        for encoding in [ShieldedPaymentAddress.Encoding.mainnet, .testnet, .regtest] {
            let text = ShieldedPaymentAddress.sapling(diversifier: d, transmissionKey: pk).encoded(encoding)
            #expect(text.hasPrefix(encoding.saplingHRP + "1"))
            #expect(text.count == encoding.saplingHRP.count + 1 + 69 + 6)
            #expect(ShieldedPaymentAddress(text, encoding: encoding) == .sapling(diversifier: d, transmissionKey: pk))
            // Another network's prefix, a changed character or a wrong length is refused.
            let other: ShieldedPaymentAddress.Encoding = encoding == .mainnet ? .regtest : .mainnet
            #expect(ShieldedPaymentAddress(text, encoding: other) == nil)
            var chars = Array(text)
            chars[chars.count - 10] = chars[chars.count - 10] == "q" ? "p" : "q"
            #expect(ShieldedPaymentAddress(String(chars), encoding: encoding) == nil)
            let short = Bech32.encode(hrp: encoding.saplingHRP, data: Bech32.convertBits(d + pk.dropLast(), from: 8, to: 5, pad: true)!)
            #expect(ShieldedPaymentAddress(short, encoding: encoding) == nil)
        }
        // Zcash's published Sapling address (HRP "zs") decodes to 43 bytes under that prefix.
        let zcash = ShieldedPaymentAddress.Encoding(sproutPrefix: [0x16, 0x9a], saplingHRP: "zs")
        let published = "zs1z7rejlpsa98s2rrrfkwmaxu53e4ue0ulcrw0h4x5g8jl04tak0d3mm47vdtahatqrlkngh9slya"
        let decoded = try #require(ShieldedPaymentAddress(published, encoding: zcash))
        #expect(decoded.encoded(zcash) == published)
    }
}
