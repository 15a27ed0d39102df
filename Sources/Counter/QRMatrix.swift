/// The module grid while a QR code is built: function patterns, data placement, masks and their penalties, format
/// and version information. Coordinates are (x: column, y: row).
struct QRMatrix {
    let version: Int
    let size: Int
    var dark: [Bool]
    var isFunction: [Bool]

    init(version: Int) {
        self.version = version
        self.size = 17 + 4 * version
        self.dark = Array(repeating: false, count: size * size)
        self.isFunction = Array(repeating: false, count: size * size)
    }

    mutating func setFunction(_ x: Int, _ y: Int, _ value: Bool) {
        dark[y * size + x] = value
        isFunction[y * size + x] = true
    }

    mutating func drawFunctionPatterns() {
        for i in 0..<size {
            setFunction(6, i, i % 2 == 0)
            setFunction(i, 6, i % 2 == 0)
        }
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] { drawFinder(x, y) }
        let centres = QRCode.alignment[version - 1]
        for cx in centres {
            for cy in centres {
                let nearFinder = (cx == 6 && cy == 6) || (cx == 6 && cy == centres.last!) || (cx == centres.last! && cy == 6)
                if !nearFinder { drawAlignment(cx, cy) }
            }
        }
        drawFormat(mask: 0)  // reserves the areas; redrawn once the mask is chosen
        drawVersion()
    }

    /// The 7×7 finder with its light separator ring.
    mutating func drawFinder(_ cx: Int, _ cy: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let (x, y) = (cx + dx, cy + dy)
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let ring = max(abs(dx), abs(dy))
                setFunction(x, y, ring != 2 && ring != 4)
            }
        }
    }

    mutating func drawAlignment(_ cx: Int, _ cy: Int) {
        for dy in -2...2 { for dx in -2...2 { setFunction(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) } }
    }

    /// Level M (bits 00) and the mask, BCH(15,5)-protected, twice; plus the always-dark module.
    mutating func drawFormat(mask: Int) {
        let data = 0b00 << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { setFunction(8, i, bit(i)) }
        setFunction(8, 7, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(7, 8, bit(8))
        for i in 9..<15 { setFunction(14 - i, 8, bit(i)) }
        for i in 0..<8 { setFunction(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { setFunction(8, size - 15 + i, bit(i)) }
        setFunction(8, size - 8, true)
    }

    /// Versions 7 and up carry their number, BCH(18,6)-protected, beside two finders.
    mutating func drawVersion() {
        guard version >= 7 else { return }
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version << 12 | remainder
        for i in 0..<18 {
            let value = (bits >> i) & 1 == 1
            let (a, b) = (size - 11 + i % 3, i / 3)
            setFunction(a, b, value)
            setFunction(b, a, value)
        }
    }

    /// Codewords into the free modules, two columns at a time in a zigzag from the bottom right; column 6 (the
    /// vertical timing pattern) is skipped. Modules left over are the remainder bits (light).
    mutating func place(_ codewords: [UInt8]) {
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in [right, right - 1] where !isFunction[y * size + x] {
                    if index < codewords.count * 8 {
                        dark[y * size + x] = (codewords[index >> 3] >> (7 - index & 7)) & 1 == 1
                        index += 1
                    }
                }
            }
            right -= 2
        }
    }

    static func maskBit(_ mask: Int, _ x: Int, _ y: Int) -> Bool {
        switch mask {
        case 0: (x + y) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (x + y) % 3 == 0
        case 4: (x / 3 + y / 2) % 2 == 0
        case 5: x * y % 2 + x * y % 3 == 0
        case 6: (x * y % 2 + x * y % 3) % 2 == 0
        default: ((x + y) % 2 + x * y % 3) % 2 == 0
        }
    }

    func masked(_ mask: Int) -> QRMatrix {
        var copy = self
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && Self.maskBit(mask, x, y) { copy.dark[y * size + x].toggle() }
        }
        copy.drawFormat(mask: mask)
        return copy
    }

    /// The standard's four penalty rules; the mask with the lowest score is used.
    func penalty() -> Int {
        var score = 0
        let finderLike: [[Bool]] = [
            [true, false, true, true, true, false, true, false, false, false, false],
            [false, false, false, false, true, false, true, true, true, false, true],
        ]
        for line in 0..<size {
            for horizontal in [true, false] {
                let cells = (0..<size).map { horizontal ? dark[line * size + $0] : dark[$0 * size + line] }
                var run = 1
                for i in 1..<size {
                    if cells[i] == cells[i - 1] {
                        run += 1
                    } else {
                        if run >= 5 { score += run - 2 }
                        run = 1
                    }
                }
                if run >= 5 { score += run - 2 }
                for start in 0...(size - 11) where finderLike.contains(where: { Array(cells[start..<start + 11]) == $0 }) { score += 40 }
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let value = dark[y * size + x]
                if dark[y * size + x + 1] == value && dark[(y + 1) * size + x] == value && dark[(y + 1) * size + x + 1] == value { score += 3 }
            }
        }
        let darkCount = dark.filter { $0 }.count
        score += abs(darkCount * 20 - size * size * 10) / (size * size) * 10
        return score
    }
}

extension QRCode {
    /// An SVG with a 4-module quiet zone, one path for all dark modules.
    public func svg(moduleSize: Int = 4) -> String {
        let side = (size + 8) * moduleSize
        var path = ""
        for y in 0..<size {
            for x in 0..<size where self[x, y] { path += "M\(x + 4) \(y + 4)h1v1h-1z" }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(side)" height="\(side)" viewBox="0 0 \(size + 8) \(size + 8)" \
            shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }
}
