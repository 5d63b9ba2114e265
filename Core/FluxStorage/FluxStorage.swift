// FluxStorage: the node's RocksDB-backed chain storage (block index, blocks, undo data, UTXO set, plugin data).
// Depends only on FluxPrimitives and the CRocksDB module map; knows nothing of P2P or consensus.
