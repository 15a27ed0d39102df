import Foundation
import Storage
import Testing

/// Issue #15: the counter's state is in the database, so no sticky routing is needed. Two instances on one
/// database: the customer screen on one, the teller on the other, the screen moving between them mid-flow (its
/// instance went away), and the voucher asked of either.
@Suite struct CounterInstancesTests {
    @Test func theTellerOnOneInstanceAndTheScreenOnAnotherServeACustomer() async throws {
        try await CounterReceiptTests.runWithRestart { first, db, firstPort, second in
            let screen = try await ScreenClient.enrolled(first, port: firstPort, terminal: "T01")
            defer { screen.close() }
            let code = try #require(try await screen.next("pairing")["code"] as? String)
            try await second { api, port in
                let teller = try await api.login("teller1", terminal: "T01")
                let paired = try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#)
                #expect(paired.status == .created, "\(paired.code)")
                #expect(paired.json["screen_connected"] as? Bool == true)
                let session = try #require(paired.json["session"] as? Int)
                // Paired through the other instance, the screen hears of it from the database.
                #expect(try await screen.next("paired")["session"] as? Int == session)
                // The teller's console, on this instance, is told of every change of the session through the push
                // channel — also of the customer's answer given on the screen's instance.
                let console = try await FeedListener.connect(port: port, token: teller)
                defer { console.close() }

                let values = CounterSessionTests.complete(amount: "800")
                let draft = try await api.call(
                    .put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: CounterSessionTests.draft(values))
                #expect(draft.json["version"] as? Int == 1, "\(draft.code)")
                let digest = try #require(try await screen.view(version: 1)["digest"] as? String)
                #expect(digest == draft.json["digest"] as? String)
                let before = console.counterChanges(Int64(session))
                screen.answer("confirm", version: 1, digest: digest)
                _ = try await screen.next("recorded")
                try await waitUntil(seconds: 15) { console.counterChanges(Int64(session)) > before }
                let seen = try await api.call(.get, "/api/v1/counter/sessions/\(session)", token: teller)
                #expect(seen.json["state"] as? String == "confirmed", "\(seen.json)")

                // The screen's instance goes away: it comes back on the teller's, where the customer was.
                screen.close()
                let back = ScreenClient(port: port, device: screen.device)
                defer { back.close() }
                let resumed = try await back.next("paired")
                #expect(resumed["session"] as? Int == session && resumed["resumed"] as? Bool == true)
                #expect(try await back.view(version: 1)["digest"] as? String == digest)
                #expect(try await back.next("state")["state"] as? String == "confirmed")
                back.sign(version: 1, digest: digest, strokes: CounterReceiptTests.zigzag)
                #expect(try await back.next("signed")["version"] as? Int == 1)

                #expect(try await api.call(.post, "/api/v1/counter/sessions/\(session)/transaction", token: teller, body: "{}").status == .created)
                // Booked is booked, whichever instance is asked to change it.
                let late = try await first.call(
                    .put, "/api/v1/counter/sessions/\(session)/draft", token: teller,
                    body: CounterSessionTests.draft(CounterSessionTests.complete(amount: "900")))
                #expect(late.status == .conflict && late.code == "counter.booked", "\(late.code)")
                #expect(try await first.call(.post, "/api/v1/counter/sessions/\(session)/cancel", token: teller).code == "counter.booked")
                // Nor does the database let a booked session be closed without its receipt (a cancellation that
                // raced the booking).
                let closing = await #expect(throws: StorageError.self) {
                    try await db.with(db.app) { database in
                        try await database.read { try await $0.execute(sql: "UPDATE counter_sessions SET closed_at = now() WHERE id = \(session)") }
                    }
                }
                #expect(closing?.constraint == "counter_session_booked")
                // Committed through one instance with the submission the other booked (read back from the database).
                let committed = try await first.call(.post, "/api/v1/counter/sessions/\(session)/commit", token: teller)
                #expect(committed.status == .ok, "\(committed.code)")
                let issued = try await first.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
                #expect(issued.status == .created, "\(issued.code)")
                // The receipt reaches the screen on the other instance, and then the next customer's code.
                #expect(try await back.next("receipt")["path"] as? String == issued.json["receipt"] as? String)
                let next = try #require(try await back.next("pairing")["code"] as? String)
                #expect(next != code)
                #expect(try await api.call(.get, "/api/v1/counter/sessions/\(session)", token: teller).code == "counter.no_session")
                #expect(String(decoding: try await api.call(.get, "/api/v1/counter/sessions", token: teller).body, as: UTF8.self) == "[]")
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM vouchers", in: db) == 1)
        }
    }
}
