extension UInt8 {
    /// 0–9, A–Z, a–z: what user ids, terminal names and request ids are made of (with a few marks each allows).
    public var isASCIIAlphanumeric: Bool { (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
}
