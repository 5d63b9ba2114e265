import FluxRPC

extension Node {
    /// fluxd's shielded wallet calls (`z_*`, `zc*`) that FluxOS's RPC whitelist forwards. This node has a transparent
    /// wallet only, so each answers with error -1 naming the call and saying why, in fluxd's error envelope, rather
    /// than "Method not found", which FluxOS and operators' scripts would read as a broken daemon.
    static let shieldedWalletMethods = [
        "z_exportkey", "z_exportviewingkey", "z_exportwallet", "z_getbalance", "z_getmigrationstatus",
        "z_getnewaddress", "z_getoperationresult", "z_getoperationstatus", "z_gettotalbalance", "z_importkey",
        "z_importviewingkey", "z_importwallet", "z_listaddresses", "z_listoperationids", "z_listreceivedbyaddress",
        "z_listunspent", "z_mergetoaddress", "z_sendmany", "z_setmigration", "z_shieldcoinbase",
        "zcbenchmark", "zcrawjoinsplit", "zcrawkeygen", "zcrawreceive", "zcsamplejoinsplit",
    ]

    /// The error every shielded wallet call answers with.
    static func shieldedWalletUnsupported(_ name: String) -> RPCError {
        .miscError("\(name): the shielded (Sprout/Sapling) wallet is not part of this node, which keeps a transparent "
            + "wallet only; use fluxd for shielded funds")
    }

    func registerShieldedWalletMethods() {
        for name in Self.shieldedWalletMethods {
            method(name, "Wallet", """
                \(name)
                fluxd's shielded wallet call. Not supported: this node keeps a transparent wallet only, and answers
                error -1 saying so.
                """) { _ throws(RPCError) in
                throw Self.shieldedWalletUnsupported(name)
            }
        }
    }
}
