extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits per byte: how digests and tags are written everywhere in the service.
    /// (`String(format: "%02x")` per byte costs a Foundation format call each; this is on the pre-fill hot path.)
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
