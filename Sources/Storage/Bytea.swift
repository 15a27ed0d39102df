import NIOCore

// PostgresNIO binds `[UInt8]` as a `"char"[]` array; `bytea` columns need a ByteBuffer.
extension Array where Element == UInt8 {
    var bytea: ByteBuffer { ByteBuffer(bytes: self) }
}

extension ByteBuffer {
    var byteArray: [UInt8] { Array(readableBytesView) }
}
