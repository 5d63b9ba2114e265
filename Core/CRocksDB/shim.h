// Thin system-library wrapper: RocksDB's C API (Debian: librocksdb-dev).
#include <rocksdb/c.h>
