import ArgumentParser
import FluxPrimitives
import FluxScript

/// `flux-util new-key`: a fresh secp256k1 key pair, printed as `WIF public-key-hex address` — for FluxNode operator
/// keys (fluxd's `createfluxnodekey`, offline) and local-network benchmark keys.
struct NewKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new-key",
        abstract: "Print a new private key (WIF), its compressed public key (hex) and its P2PKH address.")

    @OptionGroup var network: NetworkOption

    func run() throws {
        let params = try network.parameters()
        let key = PrivateKey.generate()
        let publicKey = key.publicKey(compressed: true).bytes
        let wif = WIF(secret: key.bytes, compressed: true).encoded(prefixes: params.base58Prefixes)
        let address = Address.pubKeyHash(Hashing.hash160(publicKey)).encoded(prefixes: params.base58Prefixes)
        print("\(wif) \(Hex.encode(publicKey)) \(address)")
    }
}
