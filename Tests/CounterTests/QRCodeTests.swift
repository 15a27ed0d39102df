import Counter
import Foundation
import Testing

/// Our QR encoder against an independent decoder: zbarimg (Debian's zbar-tools) must read back exactly what was
/// encoded, for every version we produce.
@Suite struct QRCodeTests {
    /// The code as a PGM image: 4 pixels per module, a 4-module quiet zone.
    static func pgm(_ code: QRCode) -> Data {
        let scale = 4
        let side = (code.size + 8) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<code.size {
            for x in 0..<code.size where code[x, y] {
                for dy in 0..<scale { for dx in 0..<scale { pixels[((y + 4) * scale + dy) * side + (x + 4) * scale + dx] = 0 } }
            }
        }
        return Data("P5\n\(side) \(side)\n255\n".utf8) + Data(pixels)
    }

    static func decode(_ code: QRCode) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).pgm")
        try pgm(code).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--raw", "-q", "-Sbinary", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: [
        "K7MX-4Q2P",  // version 1
        "http://127.0.0.1:8080/f/cash-withdrawal",  // a branch poster
        "https://counter.example-bank.cn/r/7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a",  // a receipt link
        String(repeating: "开户", count: 20),  // UTF-8, 120 bytes
        String(repeating: "x", count: 213),  // the most we take
    ])
    func zbarReadsBackWhatWasEncoded(text: String) throws {
        let code = try QRCode.encode(text)
        #expect(code.size == 17 + 4 * code.version)
        #expect(try Self.decode(code) == text, "version \(code.version)")
    }

    @Test func everyVersionOneToTenDecodes() throws {
        // The largest payload of each version, so each block structure and the version-information areas are used.
        let capacities = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]
        for (index, bytes) in capacities.enumerated() {
            let text = String((0..<bytes).map { Character(UnicodeScalar(UInt8(65 + ($0 * 7 + index) % 26))) })
            let code = try QRCode.encode(text)
            #expect(code.version == index + 1, "\(bytes) bytes")
            #expect(try Self.decode(code) == text, "version \(index + 1)")
        }
        #expect(throws: QRCode.TooLong.self) { try QRCode.encode(String(repeating: "x", count: 214)) }
    }
}
