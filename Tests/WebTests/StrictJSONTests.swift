import Services
import Testing
import Web

/// One value per key (issue #13): `{"amount":"100.00","amount":"5000000.00"}` is refused, not judged as 100.00.
@Suite struct StrictJSONTests {
    @Test(arguments: [
        #"{"amount":"100.00","amount":"5000000.00"}"#, #"{"a":1,"b":{"c":2,"c":3}}"#, #"{"x":[{"k":1,"k":1}]}"#,
        #"{"amount":"1","\u0061mount":"2"}"#,
    ])
    func repeatedKeysAreFound(json: String) throws {
        #expect(try StrictJSON.duplicateKey(in: Array(json.utf8)) != nil)
        #expect(throws: AppError.self) { try StrictJSON.requireUniqueKeys(Array(json.utf8)) }
    }

    @Test(arguments: [
        #"{"type":"hello","terminal":"T01"}"#, #"{"a":{"b":1},"b":{"a":2}}"#, #"[{"k":1},{"k":2}]"#, #"{"s":"\"k\":1,\"k\":2"}"#, "[]", "{}",
        #"{"a":"x,\"a\""}"#,
    ])
    func distinctKeysPass(json: String) throws {
        #expect(try StrictJSON.duplicateKey(in: Array(json.utf8)) == nil)
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: AppError.self) { try StrictJSON.duplicateKey(in: Array(deep.utf8)) }
    }

    /// Through the API: a submission with the amount twice is refused before the interceptor sees it.
    @Test func aSubmissionWithTheAmountTwiceIsRefused() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let twice = AuthzHarness.submission(amount: "100.00").replacingOccurrences(
                of: #""amount":"100.00""#, with: #""amount":"100.00","amount":"5000000.00""#)
            let reply = try await h.call(.post, "/api/v1/transactions", token: teller, body: twice)
            #expect(reply.status == .badRequest && reply.code == "request.duplicate_key")
            // A zero withdrawal is refused too: money moves in it.
            let zero = try await h.call(.post, "/api/v1/transactions", token: teller, body: AuthzHarness.submission(amount: "0.00"))
            #expect(zero.status == .badRequest && zero.code == "txn.bad_amount", "\(zero.code)")
        }
    }
}
