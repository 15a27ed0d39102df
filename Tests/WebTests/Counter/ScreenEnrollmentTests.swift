import Crypto
import Foundation
import NIOCore
import Storage
import TestSupport
import Testing

/// Issue #14, part 2: the customer screen is an enrolled device. Only a supervisor of the branch enrolls one, for a
/// registered terminal of the branch; only a screen holding the enrolled key connects; only the screen enrolled for
/// the teller's own terminal pairs, and guesses are cut off; every answer and signature carries a statement signed
/// by that key for exactly what is recorded.
@Suite struct ScreenEnrollmentTests {
    static func send(_ screen: ScreenClient, _ type: String, version: Int, digest: String, statement: String) {
        screen.send(#"{"type":"\#(type)","version":\#(version),"digest":"\#(digest)",\#(statement)}"#)
    }

    @Test func onlyABranchSupervisorEnrollsAScreenForARegisteredTerminalOfTheBranch() async throws {
        try await CounterSessionTests.run { api, db, port in
            let key = P256.Signing.PrivateKey().publicKey.derRepresentation.base64EncodedString()
            func enroll(_ token: String, _ terminal: String, _ key: String) async throws -> TestAPI.Reply {
                try await api.call(.post, "/api/v1/counter/screens", token: token, body: #"{"terminal":"\#(terminal)","public_key":"\#(key)"}"#)
            }
            let teller = try await api.login("teller1", terminal: "T01")
            #expect(try await enroll(teller, "T01", key).code == "auth.forbidden")
            let super2 = try await api.login("super2", terminal: "T01")
            // BR002 has T01–T04: T07 is BR001's.
            #expect(try await enroll(super2, "T07", key).code == "counter.unknown_terminal")
            let super1 = try await api.login("super1", terminal: "T01")
            #expect(try await enroll(super1, "T99", key).code == "counter.unknown_terminal")
            let notP256 = P384.Signing.PrivateKey().publicKey.derRepresentation.base64EncodedString()
            #expect(try await enroll(super1, "T01", notP256).code == "counter.bad_screen_key")
            #expect(try await enroll(super1, "T01", "bm90IGEga2V5").code == "counter.bad_screen_key")

            let first = try await enroll(super1, "T01", key)
            #expect(first.status == .created && first.json["terminal"] as? String == "T01" && first.json["branch"] as? String == "BR001")
            #expect(try await enroll(super1, "T02", key).code == "counter.screen_key_used")
            // A second screen for T01 replaces the first.
            let second = try await enroll(super1, "T01", P256.Signing.PrivateKey().publicKey.derRepresentation.base64EncodedString())
            #expect(second.json["replaced"] as? Int == first.json["id"] as? Int)
            let listed = try await api.call(.get, "/api/v1/counter/terminals", token: super1)
            let terminals = try #require(try JSONSerialization.jsonObject(with: listed.body) as? [[String: Any]])
            #expect(terminals.count == 8)
            #expect((terminals.first { $0["terminal"] as? String == "T01" }?["screen"] as? [String: Any])?["id"] as? Int == second.json["id"] as? Int)
            #expect(terminals.first { $0["terminal"] as? String == "T02" }?["screen"] as? [String: Any] == nil)
            #expect(try await api.call(.get, "/api/v1/counter/terminals", token: teller).code == "auth.forbidden")

            // Another branch's supervisor cannot remove it; the branch's can, once.
            let id = try #require(second.json["id"] as? Int)
            #expect(try await api.call(.delete, "/api/v1/counter/screens/\(id)", token: super2).code == "counter.no_screen_device")
            #expect(try await api.call(.delete, "/api/v1/counter/screens/\(id)", token: super1).status == .noContent)
            #expect(try await api.call(.delete, "/api/v1/counter/screens/\(id)", token: super1).code == "counter.no_screen_device")
            let actions = try await api.auditActions(prefix: "counter.screen")
            #expect(
                actions == ["counter.screen_enrolled", "counter.screen_removed", "counter.screen_enrolled", "counter.screen_removed"], "\(actions)")
            try await api.auditVerifies(chain: "BR001")
        }
    }

    /// Hostile input to the new endpoints gets a 4xx with a code, and the service stays up.
    @Test func hostileInputToTheScreenEndpointsIsRefused() async throws {
        try await CounterSessionTests.run { api, _, _ in
            let supervisor = try await api.login("super1", terminal: "T01")
            let key = P256.Signing.PrivateKey().publicKey.derRepresentation.base64EncodedString()
            let cases: [(String, String)] = [
                (#"{"terminal":"T01","public_key":"\#(String(repeating: "A", count: 100_000))"}"#, "counter.bad_screen_key"),
                (#"{"terminal":"T01","terminal":"T02","public_key":"\#(key)"}"#, "request.duplicate_key"),
                (#"{"terminal":"\#(String(repeating: "T", count: 65))","public_key":"\#(key)"}"#, "auth.invalid_terminal"),
                (#"{"terminal":"T01/../../x","public_key":"\#(key)"}"#, "auth.invalid_terminal"),
                (#"{"terminal":{"a":[[[[[[[[]]]]]]]]},"public_key":"\#(key)"}"#, "request.invalid"),
            ]
            for (body, code) in cases {
                let reply = try await api.call(.post, "/api/v1/counter/screens", token: supervisor, body: body)
                #expect((400..<500).contains(reply.status.code) && reply.code == code, "\(reply.status) \(reply.code)")
            }
            #expect(try await api.call(.delete, "/api/v1/counter/screens/not-a-number", token: supervisor).code == "counter.no_screen_device")
            // Another teller's session is not theirs to cancel, nor to find.
            let other = try await api.login("teller2", terminal: "T01")
            #expect(try await api.call(.post, "/api/v1/counter/sessions/1/cancel", token: other).code == "counter.no_session")
            #expect(try await api.call(.get, "/api/v1/counter/terminals", token: nil).status == .unauthorized)
            #expect(try await api.call(.get, "/api/v1/counter/sessions", token: supervisor).body == Data("[]".utf8))
        }
    }

    @Test func aTellerSignsInOnlyAtARegisteredTerminalOfTheirBranch() async throws {
        try await CounterSessionTests.run { api, _, _ in
            let cases: [(user: String, terminal: String?, expected: String)] = [
                ("teller1", "T99", "auth.unregistered_terminal"), ("teller1", nil, "auth.unregistered_terminal"),
                // T05 is BR001's, not BR002's.
                ("teller2", "T05", "auth.unregistered_terminal"), ("teller2", "T01", "created"), ("teller1", "T05", "created"),
            ]
            for (user, terminal, expected) in cases {
                let at = terminal.map { #","terminal":"\#($0)""# } ?? ""
                let reply = try await api.call(
                    .post, "/api/v1/sessions", token: nil, body: #"{"user":"\#(user)","password":"\#(WebHarness.password)"\#(at)}"#)
                let outcome = reply.status == .created ? "created" : reply.code
                #expect(outcome == expected, "\(user) at \(terminal ?? "no terminal")")
                if reply.status != .created {
                    // The consoles show what the code means in their language (the error catalogue).
                    let text = (reply.json["error"] as? [String: Any])?["text"] as? [String: String]
                    #expect(text?["zh"] == "柜员须在本网点登记的终端登录" && text?["en"]?.isEmpty == false)
                }
            }
        }
    }

    @Test func onlyTheEnrolledKeyConnectsAndOnlyTheTellersOwnTerminalPairs() async throws {
        try await CounterSessionTests.run { api, _, port in
            let device = try await ScreenClient.enroll(api, terminal: "T01")
            // Holding the id is not holding the key.
            let impostor = ScreenClient(port: port, device: device, proveWith: P256.Signing.PrivateKey())
            defer { impostor.close() }
            #expect(try await impostor.next("error")["code"] as? String == "counter.screen_not_enrolled")
            #expect(impostor.messages.allSatisfy { $0["type"] as? String != "pairing" })
            let unknown = ScreenClient(port: port, device: .init(id: 999, key: P256.Signing.PrivateKey()))
            defer { unknown.close() }
            #expect(try await unknown.next("error")["code"] as? String == "counter.screen_not_enrolled")

            let screen = ScreenClient(port: port, device: device)
            defer { screen.close() }
            let code = try #require(try await screen.next("pairing")["code"] as? String)
            // BR002's teller at BR002's T01 does not reach BR001's T01 screen.
            let foreign = try await api.login("teller2", terminal: "T01")
            #expect(try await api.call(.post, "/api/v1/counter/sessions", token: foreign, body: #"{"code":"\#(code)"}"#).code == "counter.no_screen")
            let elsewhere = try await api.login("teller1", terminal: "T03")
            #expect(
                try await api.call(.post, "/api/v1/counter/sessions", token: elsewhere, body: #"{"code":"\#(code)"}"#).code == "counter.no_screen")
            let teller = try await api.login("teller1", terminal: "T01")
            #expect(try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#).status == .created)
        }
    }

    @Test func pairingGuessesAreAuditedAndCutOff() async throws {
        try await CounterSessionTests.run { api, _, port in
            let screen = try await ScreenClient.enrolled(api, port: port, terminal: "T01")
            defer { screen.close() }
            let code = try #require(try await screen.next("pairing")["code"] as? String)
            let teller = try await api.login("teller1", terminal: "T01")
            let wrong = (0..<6).map { String(format: "%06d", (Int(code)! + 1 + $0) % 1_000_000) }
            for guess in wrong.prefix(5) {
                #expect(
                    try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(guess)"}"#).code == "counter.bad_pairing"
                )
            }
            // Locked: even the code that was right is refused, and the screen shows a new one.
            let locked = try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#)
            #expect(locked.status == .tooManyRequests && locked.code == "counter.pairing_locked")
            let renewed = try #require(try await screen.next("pairing", after: 1)["code"] as? String)
            #expect(
                try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(renewed)"}"#).code
                    == "counter.pairing_locked")
            let actions = try await api.auditActions(prefix: "counter.pairing")
            #expect(actions == Array(repeating: "counter.pairing_failed", count: 5) + ["counter.pairing_locked"], "\(actions)")
        }
    }

    @Test func everyAnswerAndSignatureNeedsTheScreensStatementForExactlyIt() async throws {
        try await CounterSessionTests.run { api, db, port in
            let other = try await ScreenClient.enroll(api, terminal: "T02")
            let screen = try await ScreenClient.enrolled(api, port: port, terminal: "T01")
            defer { screen.close() }
            let code = try #require(try await screen.next("pairing")["code"] as? String)
            let teller = try await api.login("teller1", terminal: "T01")
            let session = try #require(
                try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#).json["session"] as? Int)
            _ = try await api.call(
                .put, "/api/v1/counter/sessions/\(session)/draft", token: teller,
                body: CounterSessionTests.draft(CounterSessionTests.complete(amount: "800")))
            let digest = try #require(try await screen.view(version: 1)["digest"] as? String)

            screen.send(#"{"type":"confirm","version":1,"digest":"\#(digest)"}"#)
            #expect(try await screen.next("error")["code"] as? String == "counter.statement_required")
            Self.send(
                screen, "confirm", version: 1, digest: digest, statement: screen.statement(.confirm, version: 1, digest: digest, key: other.key))
            #expect(try await screen.next("error", after: 1)["code"] as? String == "counter.bad_statement")
            Self.send(screen, "confirm", version: 1, digest: digest, statement: screen.statement(.reject, version: 1, digest: digest))
            #expect(try await screen.next("error", after: 2)["code"] as? String == "counter.statement_mismatch")
            Self.send(screen, "confirm", version: 1, digest: digest, statement: screen.statement(.confirm, version: 1, digest: digest, session: 99))
            #expect(try await screen.next("error", after: 3)["code"] as? String == "counter.statement_mismatch")
            let late = Date().addingTimeInterval(-600)
            Self.send(screen, "confirm", version: 1, digest: digest, statement: screen.statement(.confirm, version: 1, digest: digest, at: late))
            #expect(try await screen.next("error", after: 4)["code"] as? String == "counter.statement_time")
            // The teller changes the draft: the statement for version 1, replayed for version 2, is refused.
            _ = try await api.call(
                .put, "/api/v1/counter/sessions/\(session)/draft", token: teller,
                body: CounterSessionTests.draft(CounterSessionTests.complete(amount: "900")))
            let digest2 = try #require(try await screen.view(version: 2)["digest"] as? String)
            let old = screen.statement(.confirm, version: 1, digest: digest)
            Self.send(screen, "confirm", version: 2, digest: digest2, statement: old)
            #expect(try await screen.next("error", after: 5)["code"] as? String == "counter.statement_mismatch")
            screen.answer("confirm", version: 2, digest: digest2)
            _ = try await screen.next("recorded")

            // The signature's statement names the strokes' digest in the one canonical encoding.
            let strokes = CounterReceiptTests.zigzag
            let otherPoints: [(Double, Double)] = (0..<40).map { (i: Int) -> (Double, Double) in (0.1 + Double(i) * 0.02, i % 2 == 0 ? 0.2 : 0.8) }
            let otherStrokes = CounterSessionTests.strokes(otherPoints)
            let forOther = screen.signatureStatement(version: 2, digest: digest2, strokes: otherStrokes)
            screen.send(#"{"type":"signature","version":2,"digest":"\#(digest2)","strokes":\#(strokes),\#(forOther)}"#)
            #expect(try await screen.next("error", after: 6)["code"] as? String == "counter.statement_mismatch")
            let byOtherKey = screen.signatureStatement(version: 2, digest: digest2, strokes: strokes, key: other.key)
            screen.send(#"{"type":"signature","version":2,"digest":"\#(digest2)","strokes":\#(strokes),\#(byOtherKey)}"#)
            #expect(try await screen.next("error", after: 7)["code"] as? String == "counter.bad_statement")
            screen.send(#"{"type":"signature","version":2,"digest":"\#(digest2)","strokes":\#(strokes)}"#)
            #expect(try await screen.next("error", after: 8)["code"] as? String == "counter.statement_required")
            screen.sign(version: 2, digest: digest2, strokes: strokes)
            #expect(try await screen.next("signed")["version"] as? Int == 2)
            // Every refusal is audited.
            #expect(try await api.auditActions(prefix: "counter.statement") == Array(repeating: "counter.statement_refused", count: 9))

            // What is stored checks out later with the enrolled public key alone.
            let stored = try await db.with(db.owner) { database in
                try await database.read { tx in
                    try await tx.query(
                        """
                        SELECT s.statement, s.statement_signature, d.public_key FROM counter_signatures s
                        JOIN counter_sessions c ON c.id = s.session_id JOIN screen_devices d ON d.id = c.device_id
                        """
                    ).collect().map { try $0.decode((String, ByteBuffer, ByteBuffer).self) }
                }
            }
            let (text, signature, key) = try #require(stored.first)
            let publicKey = try P256.Signing.PublicKey(derRepresentation: Array(key.readableBytesView))
            let ecdsa = try P256.Signing.ECDSASignature(rawRepresentation: Array(signature.readableBytesView))
            #expect(publicKey.isValidSignature(ecdsa, for: Data(text.utf8)))
            #expect(text.contains(#""decision":"sign""#) && text.contains(digest2))
        }
    }

    @Test func aRemovedScreenIsCutOffAtOnce() async throws {
        try await CounterSessionTests.run { api, _, port in
            let screen = try await ScreenClient.enrolled(api, port: port, terminal: "T03")
            defer { screen.close() }
            _ = try await screen.next("pairing")
            let supervisor = try await api.login("super1", terminal: "T03")
            #expect(try await api.call(.delete, "/api/v1/counter/screens/\(screen.device.id)", token: supervisor).status == .noContent)
            #expect(try await screen.next("error")["code"] as? String == "counter.screen_not_enrolled")
            let again = ScreenClient(port: port, device: screen.device)
            defer { again.close() }
            #expect(try await again.next("error")["code"] as? String == "counter.screen_not_enrolled")
        }
    }
}
