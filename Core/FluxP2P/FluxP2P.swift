// FluxP2P: the peer-to-peer wire protocol of Flux (fluxd's `src/protocol.{h,cpp}` and the payloads `main.cpp`
// reads), as values and as SwiftNIO codecs.
//
// - `P2PMessage` is one message; `encodePayload()` / `decode(command:payload:)` convert its payload.
// - `P2PFrame` adds and checks the 24-byte envelope (magic, command, length, checksum).
// - `P2PMessageDecoder` / `P2PMessageEncoder` run `P2PFrame` inside a channel pipeline
//   (`ByteToMessageHandler(P2PMessageDecoder(configuration:))`, `MessageToByteHandler(P2PMessageEncoder(...))`).
//
// The module imports NIOCore only: no sockets, no threads. Peers, handshakes and sync live in FluxNetwork.
