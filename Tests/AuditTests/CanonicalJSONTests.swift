import Audit
import Testing

@Suite struct CanonicalJSONTests {
    @Test func sortsKeysAndDropsWhitespace() throws {
        let value = try CanonicalJSONParser.parse(#" { "b" : 1, "a" : [true, null, "x"], "中" : {"z":0,"y":-5} } "#)
        #expect(value.canonicalText == #"{"a":[true,null,"x"],"b":1,"中":{"y":-5,"z":0}}"#)
    }

    @Test func escapesOnlyWhatMustBeEscaped() {
        let value: CanonicalJSON = ["text": .string("引号\"\\/\n\u{01}é")]
        #expect(value.canonicalText == #"{"text":"引号\"\\/\n\u0001é"}"#)
    }

    @Test func parsesEscapesAndSurrogatePairs() throws {
        let value = try CanonicalJSONParser.parse(#"["\u5f20\u4e09", "\ud83d\ude00", "a\/b"]"#)
        #expect(value == .array(["张三", "😀", "a/b"]))
    }

    @Test func canonicalTextParsesBackToTheSameValue() throws {
        let value: CanonicalJSON = ["amount": "1000000.01", "count": 3, "nested": ["list": [1, 2, ["k": nil]]], "名字": "李四"]
        #expect(try CanonicalJSONParser.parse(value.canonicalText) == value)
    }

    @Test(arguments: ["1.5", "1e3", "[1,]", "{\"a\":1,\"a\":2}", "\"unterminated", "01", "-", "{\"a\" 1}", "[] []", "\"\u{01}\""])
    func refusesWhatTheTrailDoesNotCarry(text: String) {
        #expect(throws: CanonicalJSONParser.Failure.self) { try CanonicalJSONParser.parse(text) }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: CanonicalJSONParser.Failure.self) { try CanonicalJSONParser.parse(deep) }
    }
}
