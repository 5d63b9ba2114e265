// FluxWallet: a transparent (P2PKH) key store and coin tracker over the active chain.
//
// `Wallet` keeps its keys, the coins paying them, spent marks, transactions it sent that are not yet mined,
// and the hash of the last block it processed in the chain store's plugin namespace "wallet" (see
// `WalletRecord` for the key layout). It follows the chain as a `ChainObserver` and signs transactions with
// `FluxScript`. Shielded (Sapling) notes are not supported. Keys are stored unencrypted (as WIF text):
// wallet encryption (`encryptwallet`, `walletpassphrase`) is not implemented.
