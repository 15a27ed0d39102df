import Foundation
import Kernel
import Testing

@Suite struct CanonicalJSONTests {
    @Test func sortsKeysAndDropsWhitespace() {
        let value: CanonicalJSON = ["b": 1, "a": [true, nil, "x"], "中": ["z": 0, "y": -5]]
        #expect(value.canonicalText == #"{"a":[true,null,"x"],"b":1,"中":{"y":-5,"z":0}}"#)
    }

    @Test func escapesOnlyWhatMustBeEscaped() {
        let value: CanonicalJSON = ["text": .string("引号\"\\/\n\u{01}é")]
        #expect(value.canonicalText == #"{"text":"引号\"\\/\n\u0001é"}"#)
    }

    /// The one hex decoder: two digits per byte, either case, and nothing else.
    @Test func hexIsDecodedStrictly() {
        #expect([UInt8](hex: "00ff10Ab") == [0x00, 0xFF, 0x10, 0xAB])
        #expect([UInt8](hex: "") == [])
        for bad in ["0", "0g", "+f", " 0f", "0f ", "ｆｆ"] { #expect([UInt8](hex: bad) == nil, "\(bad)") }
        #expect(SHA256Hash(hex: String(repeating: "ab", count: 32))?.bytes == [UInt8](repeating: 0xAB, count: 32))
        #expect(SHA256Hash(hex: String(repeating: "ab", count: 31) + "zz") == nil)
    }
}

/// A timestamp in JSON is its integer count of microseconds — the format of every checkpoint file written so far
/// (a file from before the Kernel module must still read) and of the API's `*_us` fields.
@Suite struct TimestampJSONTests {
    @Test func aTimestampIsWrittenAndReadAsItsMicroseconds() throws {
        struct Holder: Codable, Equatable { let at: Timestamp }
        let written = String(decoding: try JSONEncoder().encode(Holder(at: Timestamp(microsecondsSinceEpoch: 1_764_800_000_123_456))), as: UTF8.self)
        #expect(written == #"{"at":1764800000123456}"#)
        let read = try JSONDecoder().decode(Holder.self, from: Data(#"{"at":1764800000000001}"#.utf8))
        #expect(read.at.microsecondsSinceEpoch == 1_764_800_000_000_001)
    }
}
