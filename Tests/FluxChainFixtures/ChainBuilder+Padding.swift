import FluxPrimitives

extension ChainBuilder {
    /// A valid block on `parent` of about `bytes` bytes: its coinbase carries extra zero-value `OP_RETURN`
    /// outputs of up to 10,000 bytes each (consensus does not limit output scripts). Before Acadia a transaction,
    /// so this block, stays under 100,000 bytes; from Acadia on, blocks may reach 2,000,000 bytes. For tests and
    /// benchmarks that need large blocks to serve.
    public mutating func paddedBlock(on parent: Hash256, bytes: Int) -> Block {
        var outputs: [TxOut] = []
        var left = bytes
        while left > 0 {
            let size = min(left, 10_000)
            outputs.append(TxOut(value: .zero, scriptPubKey: Script([0x6A] + [UInt8](repeating: 0x55, count: size - 1))))
            left -= size + 12
        }
        return block(on: parent, extraOutputs: outputs)
    }
}
