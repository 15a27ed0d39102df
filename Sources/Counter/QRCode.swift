/// A QR code (ISO/IEC 18004) in byte mode at error-correction level M, versions 1–10 (up to 213 bytes): enough for
/// pre-fill codes, form links for branch posters and receipt links. Our own encoder, checked in the tests by an
/// independent decoder (zbarimg).
public struct QRCode: Sendable {
    public struct TooLong: Error, Sendable { public let bytes: Int }

    /// Modules per side (17 + 4 × version).
    public let size: Int
    public let version: Int
    /// Row-major; true is dark.
    public let modules: [Bool]

    public subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// Level M block structure per version: error-correction codewords per block, and (blocks, data codewords) groups.
    static let levelM: [(ec: Int, groups: [(blocks: Int, data: Int)])] = [
        (10, [(1, 16)]), (16, [(1, 28)]), (26, [(1, 44)]), (18, [(2, 32)]), (24, [(2, 43)]),
        (16, [(4, 27)]), (18, [(4, 31)]), (22, [(2, 38), (2, 39)]), (22, [(3, 36), (2, 37)]), (26, [(4, 43), (1, 44)]),
    ]

    /// Centre coordinates of the alignment patterns per version.
    static let alignment: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
    ]

    public static func encode(_ text: String) throws(TooLong) -> QRCode { try encode(Array(text.utf8)) }

    public static func encode(_ bytes: [UInt8]) throws(TooLong) -> QRCode {
        guard
            let version = (1...levelM.count).first(where: { version in
                let capacity = levelM[version - 1].groups.reduce(0) { $0 + $1.blocks * $1.data } * 8
                return 4 + countBits(version) + 8 * bytes.count <= capacity
            })
        else { throw TooLong(bytes: bytes.count) }
        let codewords = interleave(dataCodewords(bytes, version: version), version: version)
        var matrix = QRMatrix(version: version)
        matrix.drawFunctionPatterns()
        matrix.place(codewords)
        let mask = (0..<8).min { matrix.masked($0).penalty() < matrix.masked($1).penalty() }!
        var final = matrix.masked(mask)
        final.drawFormat(mask: mask)
        return QRCode(size: final.size, version: version, modules: final.dark)
    }

    /// The byte-mode character count takes 8 bits up to version 9, 16 from version 10.
    static func countBits(_ version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// Mode, count, bytes, terminator and padding, as codewords.
    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        let capacity = levelM[version - 1].groups.reduce(0) { $0 + $1.blocks * $1.data }
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) } }
        append(0b0100, 4)  // byte mode
        append(bytes.count, countBits(version))
        for byte in bytes { append(Int(byte), 8) }
        append(0, min(4, capacity * 8 - bits.count))
        while bits.count % 8 != 0 { bits.append(false) }
        var words = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while words.count < capacity {
            words.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return words
    }

    /// Splits into blocks, adds each block's Reed–Solomon codewords, and interleaves data then error correction.
    static func interleave(_ data: [UInt8], version: Int) -> [UInt8] {
        let (ecCount, groups) = levelM[version - 1]
        var blocks: [[UInt8]] = []
        var offset = 0
        for group in groups {
            for _ in 0..<group.blocks {
                blocks.append(Array(data[offset..<offset + group.data]))
                offset += group.data
            }
        }
        let generator = ReedSolomon.generator(degree: ecCount)
        let ec = blocks.map { ReedSolomon.remainder($0, generator: generator) }
        var out: [UInt8] = []
        for i in 0..<(blocks.map(\.count).max() ?? 0) { for block in blocks where i < block.count { out.append(block[i]) } }
        for i in 0..<ecCount { for block in ec { out.append(block[i]) } }
        return out
    }
}

/// Arithmetic in GF(256) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1, and Reed–Solomon remainders.
enum ReedSolomon {
    static let (exp, log): ([UInt8], [Int]) = {
        var exp = [UInt8](repeating: 0, count: 512)
        var log = [Int](repeating: 0, count: 256)
        var value = 1
        for i in 0..<255 {
            exp[i] = UInt8(value)
            log[value] = i
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        for i in 255..<512 { exp[i] = exp[i - 255] }
        return (exp, log)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        a == 0 || b == 0 ? 0 : exp[log[Int(a)] + log[Int(b)]]
    }

    /// ∏ (x − αⁱ) for i < degree, highest coefficient first (without the leading 1).
    static func generator(degree: Int) -> [UInt8] {
        var poly: [UInt8] = [1]
        for i in 0..<degree {
            var next = [UInt8](repeating: 0, count: poly.count + 1)
            for (j, coefficient) in poly.enumerated() {
                next[j] ^= coefficient
                next[j + 1] ^= multiply(coefficient, exp[i])
            }
            poly = next
        }
        return Array(poly.dropFirst())
    }

    static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ result[0]
            result.removeFirst()
            result.append(0)
            for (i, coefficient) in generator.enumerated() { result[i] ^= multiply(coefficient, factor) }
        }
        return result
    }
}
