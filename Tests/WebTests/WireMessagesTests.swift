import Crypto
import Foundation
import Kernel
import Services
import Testing

@testable import Web

/// Issue #17, part 2: every WebSocket message comes from one encoder (`WireJSON`). What the clients rely on: a view's
/// JSON arrives byte for byte as its digest was taken, as the last member (the screen hashes what follows `"view":`);
/// a request snapshot is forwarded as the database wrote it; errors carry their zh/en meaning.
@Suite struct WireMessagesTests {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func aViewArrivesVerbatimAsTheLastMemberSoTheScreensDigestMatches() throws {
        // Not canonical on purpose (spaces, unsorted keys): whatever bytes were stored are the bytes sent.
        let view = #"{"title": "取款 / Withdrawal", "lines": [{"field": "amount", "value": "1/2"}]}"#
        let digest = SHA256Hash.sha256(of: Array(view.utf8)).hex
        let text = ToScreen.view(session: 7, version: 3, digest: digest, complete: true, viewJSON: view).text
        // What screen.js does: the text after the first `"view":`, without the closing brace.
        let start = try #require(text.range(of: #""view":"#))
        let sent = String(text[start.upperBound...].dropLast())
        #expect(sent == view)
        #expect(SHA256Hash.sha256(of: Array(sent.utf8)).hex == digest)
        let parsed = try Self.object(text)
        #expect(parsed["type"] as? String == "view" && parsed["version"] as? Int == 3 && parsed["complete"] as? Bool == true)
    }

    @Test func everyScreenMessageIsOneJSONObjectWithItsType() throws {
        let messages: [(ToScreen, String)] = [
            (.pairing(code: "123456", terminal: "T01", expiresIn: 300, screen: 4), "pairing"),
            (.paired(session: 1, teller: "王柜员", resumed: false), "paired"), (.state(.confirmed, version: 2), "state"),
            (.recorded(decision: .confirm, version: 2, digest: "ab"), "recorded"), (.signed(version: 2), "signed"),
            (.preview(version: 2, digest: "ab", pdf: "JVBERi0="), "preview"), (.receipt(path: "/r/abc", voucher: "V1"), "receipt"),
            (.cancelled(session: 1, rejected: true), "cancelled"), (.challenge(nonce: "n"), "challenge"),
            (.error(code: .badAnswer, message: "answer confirm or reject"), "error"),
        ]
        for (message, type) in messages {
            let parsed = try Self.object(message.text)
            #expect(parsed["type"] as? String == type)
        }
        #expect(try Self.object(ToScreen.state(.confirmed, version: 2).text)["state"] as? String == "confirmed")
        #expect(try Self.object(ToScreen.paired(session: 1, teller: "t", resumed: false).text)["resumed"] == nil)
        #expect(try Self.object(ToScreen.paired(session: 1, teller: "t", resumed: true).text)["resumed"] as? Bool == true)
        #expect(try Self.object(ToScreen.cancelled(session: 1, rejected: true).text)["reason"] as? String == "rejected")
        #expect(try Self.object(ToScreen.pairing(code: "1", terminal: "T", expiresIn: 5, screen: nil).text)["expires_in"] as? Int == 5)
        #expect(ToScreen.receipt(path: "/r/abc", voucher: "V1").text.contains(#""/r/abc""#), "slashes as they are")
    }

    @Test func errorsCarryTheirMeaningInBothLanguages() throws {
        let error = try Self.object(ToScreen.error(code: .badAnswer, message: "answer confirm or reject").text)
        let text = try #require(error["text"] as? [String: String])
        #expect(text["zh"]?.isEmpty == false && text["en"]?.isEmpty == false)
        let pushed = try Self.object(ToConsole.error(code: .sessionEnded, message: "signed out").text)
        #expect(pushed["code"] as? String == "auth.session_ended" && (pushed["text"] as? [String: String])?["en"] != nil)
    }

    @Test func aRequestSnapshotIsForwardedAsTheDatabaseWroteIt() throws {
        let snapshot = #"{"id":"R1","state":"pending","z":1,"a":2}"#
        let live = ToConsole.request(snapshotJSON: snapshot, replay: false).text
        #expect(live == #"{"type":"request","request":"# + snapshot + "}")
        let replayed = try Self.object(ToConsole.request(snapshotJSON: snapshot, replay: true).text)
        #expect(replayed["replay"] as? Bool == true && (replayed["request"] as? [String: Any])?["id"] as? String == "R1")
        #expect(ToConsole.ready(user: "officer1", feedID: 42).text == #"{"feed_id":42,"type":"ready","user":"officer1"}"#)
        #expect(ToConsole.counter(session: 9).text == #"{"session":9,"type":"counter"}"#)
    }
}

/// What a screen or a console sends is decoded once at the socket; anything but a well-formed message of a known
/// type — repeated keys, a wrong type, a missing field, nesting, garbage — decodes to nothing (the socket answers
/// `counter.bad_answer` / `push.hello_required`), never to a half-filled message.
@Suite struct InboundMessagesTests {
    @Test func wellFormedMessagesDecodeToTheirCases() {
        guard case .hello(let device)? = StrictJSON.message(FromScreen.self, from: #"{"type":"hello","device":7}"#) else {
            Issue.record("hello")
            return
        }
        #expect(device == 7)
        guard
            case .answer(let decision, let version, _, _)? = StrictJSON.message(
                FromScreen.self, from: #"{"type":"reject","version":2,"digest":"ab","statement":"s","signature":"c2ln"}"#)
        else {
            Issue.record("answer")
            return
        }
        #expect(decision == .reject && version == 2)
        guard case .hello(let token, let after, let watches)? = StrictJSON.message(FromConsole.self, from: #"{"type":"hello","token":"t","after":5}"#)
        else {
            Issue.record("console hello")
            return
        }
        #expect(token == "t" && after == 5 && !watches)
        // The centre's dashboard watches the queue, and nothing else can be watched.
        guard case .hello(_, _, let dashboard)? = StrictJSON.message(FromConsole.self, from: #"{"type":"hello","token":"t","watch":"queue"}"#) else {
            Issue.record("dashboard hello")
            return
        }
        #expect(dashboard && ToConsole.queueChanged.text == #"{"type":"queue"}"#)
    }

    @Test(arguments: [
        #"{"type":"confirm","version":1,"version":2,"digest":"ab"}"#,  // a repeated key
        #"{"type":"sign","version":1,"digest":"ab"}"#,  // a signature's decision without its strokes
        #"{"type":"signature","version":1,"digest":"ab"}"#,
        #"{"type":"signature","version":1,"digest":"ab","strokes":[[{"x":"1","y":0,"t":0,"pressure":0}]]}"#,
        #"{"type":"confirm","version":"1","digest":"ab"}"#, #"{"type":"confirm","digest":"ab"}"#, #"{"type":"hello"}"#,
        #"{"type":"proof"}"#, #"{"type":"whatever","version":1,"digest":"ab"}"#, #"{"version":1,"digest":"ab"}"#,
        #"[{"type":"hello","device":1}]"#, #"{"type":{"type":"hello"},"device":1}"#, "not json", "",
        String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
    ])
    func hostileScreenMessagesDecodeToNothing(_ text: String) {
        #expect(StrictJSON.message(FromScreen.self, from: text) == nil)
    }

    @Test(arguments: [
        #"{"type":"hello","token":"a","token":"b"}"#, #"{"type":"bye","token":"a"}"#, #"{"type":"hello"}"#,
        #"{"type":"hello","token":7}"#, #"{"type":"hello","token":"a","after":"x"}"#, #"{"type":"hello","token":"a","watch":"everything"}"#,
        #"{"type":"hello","token":"a","watch":1}"#,
    ])
    func hostileConsoleMessagesDecodeToNothing(_ text: String) {
        #expect(StrictJSON.message(FromConsole.self, from: text) == nil)
    }
}
