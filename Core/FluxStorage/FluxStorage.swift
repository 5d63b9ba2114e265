// FluxStorage: the node's chain storage on RocksDB.
//
// Layers, bottom up:
// - `Database`: the one place that calls RocksDB's C API (open, get, atomic batch write, prefix scan, close);
//   turns error pointers into `StorageError`, frees what C allocated, and has a fault-injection hook for tests.
// - `ChainStore`: typed records over the column families (block index, blocks, undo data, UTXO set, meta, plugin
//   namespaces), with a storage format version, written through one atomic `ChainBatch` per commit.
// - `UTXOCache`: the in-memory coin cache in front of `ChainStore` that block connection works against.
//
// Depends only on FluxPrimitives (wire formats) and CRocksDB: storage knows nothing of P2P or consensus.
// Choices and on-disk layout: docs/STORAGE.md.
