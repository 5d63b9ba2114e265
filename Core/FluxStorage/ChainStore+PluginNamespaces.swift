extension ChainStore {
    /// The names of every plugin namespace that holds at least one key, in key order (one seek per namespace, so
    /// the cost does not grow with the namespaces' sizes). A key that does not parse as a namespace prefix
    /// (length byte longer than the key, or a name that is not UTF-8) throws a `StorageError` naming it.
    public func pluginNamespaces() throws(StorageError) -> [String] {
        var names: [String] = []
        var from: [UInt8] = []
        while true {
            var next: [UInt8]?
            do {
                try database.scan(.plugins, prefix: [], from: from) { key, _ in
                    next = key
                    return false
                }
            } catch let error as StorageError { throw error } catch { throw StorageError("\(error)") }
            guard let key = next else { return names }
            let length = Int(key[0])
            guard key.count > length, let name = String(validating: key[1...length], as: UTF8.self) else {
                throw StorageError("corrupt plugin key \(key.prefix(64).map { String($0, radix: 16) }): "
                                   + "no namespace of \(length) bytes")
            }
            names.append(name)
            guard let successor = Self.prefixSuccessor(Array(key[0...length])) else { return names }
            from = successor
        }
    }

    /// Records the deletion of every key of the plugin namespace `namespace` in `batch` (the host's records
    /// included), read from the committed store. Returns how many keys were recorded.
    @discardableResult
    public func clearPluginNamespace(_ namespace: String, into batch: inout ChainBatch) throws(StorageError) -> Int {
        var keys: [[UInt8]] = []
        do {
            try pluginScan(namespace: namespace, prefix: []) { key, _ in
                keys.append(key)
                return true
            }
        } catch let error as StorageError { throw error } catch { throw StorageError("\(error)") }
        for key in keys { batch.deletePlugin(namespace: namespace, key: key) }
        return keys.count
    }

    /// The smallest byte string greater than every string starting with `prefix`; nil when there is none
    /// (all bytes 0xff).
    static func prefixSuccessor(_ prefix: [UInt8]) -> [UInt8]? {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xff {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return nil
    }
}
