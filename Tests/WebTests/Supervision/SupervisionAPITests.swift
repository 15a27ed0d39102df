import Foundation
import Storage
import TestSupport
import Testing

/// Issue #18, part 4: post-transaction supervision through the API. Three transactions go through the whole counter
/// (one approved locally by a supervisor); the auditor finds them by each filter, pages through them, opens one's
/// evidence (customer's view and strokes, voucher, authorization timeline, audit events each verified where they
/// stand — and not after the trail is tampered with), draws samples of the day, and runs a finding through its steps
/// with the branch's supervisor. Only the database's functions write samples and findings.
@Suite struct SupervisionAPITests {
    /// A transaction of `amount` yuan taken through the counter to its sealed voucher; the 50,000 one is approved at
    /// the teller's terminal by super3. Returns the transaction id.
    static func committed(_ api: TestAPI, port: Int, amount: String) async throws -> String {
        let values = ["account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": amount]
        let (screen, teller, session) = try await CounterReceiptTests.signed(api, port: port, form: "cash-withdrawal", values)
        defer { screen.close() }
        let booked = try await api.call(.post, "/api/v1/counter/sessions/\(session)/transaction", token: teller, body: "{}")
        let transaction = try #require(booked.json["transaction"] as? String, "\(booked.code)")
        if booked.json["authorization_required"] as? Bool == true {
            let local = try await api.call(
                .post, "/api/v1/transactions/\(transaction)/authorization", token: teller,
                body:
                    #"{"mode":"local","material":[\#(AuthzHarness.idScan),\#(AuthzHarness.voucherImage)],"supervisor":{"user":"super3","password":"\#(WebHarness.password)","decision":"approve"}}"#
            )
            #expect(local.json["state"] as? String == "approved", "\(local.code)")
        }
        #expect(try await api.call(.post, "/api/v1/counter/sessions/\(session)/commit", token: teller).status == .ok)
        let issued = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
        #expect(issued.json["voucher"] is String, "\(issued.code)")
        return transaction
    }

    static func ids(_ reply: TestAPI.Reply) -> [String] {
        ((reply.json["transactions"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
    }

    @Test func anAuditorFindsChecksSamplesAndRaisesFindings() async throws {
        try await CounterReceiptTests.run { api, db, port in
            var made: [String] = []
            for amount in ["800", "900", "50000"] { made.append(try await Self.committed(api, port: port, amount: amount)) }
            let (small, middle, approved) = (made[0], made[1], made[2])
            let auditor = try await api.login("auditor1")
            func search(_ query: String) async throws -> TestAPI.Reply {
                try await api.call(.get, "/api/v1/audit/transactions?\(query)", token: auditor)
            }

            // Today (the bank's day) by default, newest first; each filter narrows it.
            #expect(Self.ids(try await search("")) == made.reversed())
            let expectations: [(String, [String])] = [
                ("branch=BR001", made.reversed()), ("branch=BR002", []), ("teller=teller1", made.reversed()), ("teller=teller2", []),
                ("officer=super3", [approved]), ("officer=officer1", []), ("code=cash-withdrawal", made.reversed()), ("code=transfer", []),
                ("min_minor=85000&max_minor=95000", [middle]), ("min_minor=1000000", [approved]), ("currency=USD", []),
                ("state=committed", made.reversed()), ("state=abandoned", []),
            ]
            for (query, expected) in expectations { #expect(Self.ids(try await search(query)) == expected, "\(query)") }
            let rows = try #require(try await search("officer=super3").json["transactions"] as? [[String: Any]])
            #expect(rows.first?["officers"] as? [String] == ["super3"] && rows.first?["authorization"] as? String == "committed")
            #expect(rows.first?["amount_minor"] as? Int == 5_000_000 && (rows.first?["voucher"] as? String)?.hasPrefix("V") == true)
            // Pages: two, then the rest; the last page has no `next`.
            let first = try await search("limit=2")
            #expect(Self.ids(first) == [approved, middle])
            let next = try #require(first.json["next"] as? String)
            let second = try await search("limit=2&after=\(next)")
            #expect(Self.ids(second) == [small] && second.json["next"] == nil)
            // Another day has none of them.
            let today = try #require((rows.first?["submitted_at"] as? String).map { String($0.prefix(10)) })
            let day = try #require(ISO8601DateFormatter().date(from: today + "T12:00:00Z"))
            let yesterday = String(ISO8601DateFormatter().string(from: day.addingTimeInterval(-2 * 86_400)).prefix(10))
            #expect(Self.ids(try await search("from=\(yesterday)&to=\(yesterday)")).isEmpty)
            for bad in [
                "from=2026-13-01", "from=2026-12-05&to=2026-12-01", "from=2020-01-01&to=2026-01-01", "min_minor=-5", "state=lost",
                "limit=0", "after=garbage", "branch=%27%3B", "currency=usd",
            ] {
                let refused = try await search(bad)
                #expect(refused.status == .badRequest && refused.code == "supervision.bad_query", "\(bad): \(refused.status) \(refused.code)")
            }
            let teller = try await api.login("teller1")
            #expect(try await api.call(.get, "/api/v1/audit/transactions", token: teller).code == "supervision.forbidden")
            #expect(try await api.call(.get, "/api/v1/audit/transactions/\(approved)", token: teller).code == "supervision.forbidden")

            // The evidence page of the approved one.
            let page = try await api.call(.get, "/api/v1/audit/transactions/\(approved)", token: auditor)
            #expect(page.status == .ok && page.headers[.cacheControl] == "no-store")
            let facts = try #require(page.json["transaction"] as? [String: Any])
            #expect(facts["amount_minor"] as? Int == 5_000_000 && facts["state"] as? String == "committed" && facts["teller"] as? String == "teller1")
            let rule = try #require((facts["matched_rules"] as? [[String: Any]])?.first)
            #expect(rule["id"] as? String == "cash-withdrawal-band-1" && (rule["description"] as? String)?.contains("level 1") == true)
            let customer = try #require(page.json["customer"] as? [String: Any])
            let lines = try #require((customer["view"] as? [String: Any])?["lines"] as? [[String: Any]])
            #expect(
                lines.contains { ($0["value"] as? String)?.contains("50,000.00") == true || ($0["value"] as? String)?.contains("50000.00") == true })
            let strokes = try #require(customer["strokes"] as? [[[Double]]])
            #expect(!strokes.isEmpty && strokes.allSatisfy { $0.allSatisfy { $0.count == 4 } }, "each point is x, y, t, pressure")
            let voucher = try #require(page.json["voucher"] as? [String: Any])
            #expect(voucher["state"] as? String == "sealed")
            let pdf = try await api.call(.get, try #require(voucher["pdf"] as? String), token: auditor)
            #expect(pdf.status == .ok && pdf.body.starts(with: Data("%PDF".utf8)))
            // An auditor's reading of a voucher (another branch's customer's data) is in the trail.
            let voucherID = try #require(voucher["id"] as? String)
            #expect(try await api.auditActions(subject: "voucher:\(voucherID)").contains("voucher.read"))
            // Looked up by its voucher's or its request's id, whatever the dates searched.
            #expect(Self.ids(try await search("id=\(voucherID)&from=2020-01-01")) == [approved])
            let request = try #require((page.json["authorization"] as? [[String: Any]])?.first)
            #expect(request["mode"] as? String == "local" && request["state"] as? String == "committed")
            let decision = try #require((request["decisions"] as? [[String: Any]])?.first)
            #expect(decision["officer"] as? String == "super3" && decision["decision"] as? String == "approve")
            #expect((request["material"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["id_scan", "voucher_image"])
            let events = try #require(page.json["events"] as? [[String: Any]])
            let actions = events.compactMap { $0["action"] as? String }
            for action in [
                "counter.confirmed", "counter.signature_captured", "authz.requested", "authz.approved", "txn.committed", "voucher.rendered",
                "seal.used",
            ] {
                #expect(actions.contains(action), "\(action) in \(actions)")
            }
            #expect(page.json["chain_verified"] as? Bool == true && events.allSatisfy { $0["verified"] as? Bool == true })
            // The auditor's reading is itself in the trail.
            #expect(try await api.auditActions(subject: "txn:\(approved)").last == "evidence.viewed")
            #expect(
                try await api.call(.get, "/api/v1/audit/transactions/T0000000000000099", token: auditor).code == "supervision.transaction_not_found")
            #expect(try await api.call(.get, "/api/v1/audit/transactions/x", token: auditor).code == "supervision.transaction_not_found")

            let requestID = try #require((page.json["authorization"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(Self.ids(try await search("id=\(requestID)")) == [approved])
            #expect(try await search("id=X123").code == "supervision.bad_query")
            // A cursor from outside the range searched is not this search's (it would overflow the database's time).
            #expect(try await search("after=9223372036854775807-T0000000000000001").code == "supervision.bad_query")

            // Someone with the owner's role rewrites one of its events: the page says which one no longer holds.
            let committedSeq = try #require(events.first { $0["action"] as? String == "txn.committed" }?["seq"] as? Int)
            let chain = try #require(events.first { $0["action"] as? String == "txn.committed" }?["chain"] as? String)
            try await db.with(db.owner) { database in
                try await database.transaction { tx in
                    try await tx.execute(sql: "ALTER TABLE audit_events DISABLE TRIGGER USER")
                    try await tx.execute(
                        sql: "UPDATE audit_events SET payload = '{\"amount\":\"1.00\"}' WHERE chain_id = '\(chain)' AND seq = \(committedSeq)")
                    try await tx.execute(sql: "ALTER TABLE audit_events ENABLE TRIGGER USER")
                }
            }
            let tampered = try await api.call(.get, "/api/v1/audit/transactions/\(approved)", token: auditor)
            #expect(tampered.json["chain_verified"] as? Bool == false)
            let broken = (tampered.json["events"] as? [[String: Any]] ?? []).filter { $0["verified"] as? Bool == false }
            #expect(broken.compactMap { $0["action"] as? String } == ["txn.committed"], "\(broken)")

            // The same with a decision's event deleted: the records say it must be there.
            let approvedEvent = try #require(events.first { $0["action"] as? String == "authz.approved" })
            let (approvedChain, approvedSeq) = (try #require(approvedEvent["chain"] as? String), try #require(approvedEvent["seq"] as? Int))
            try await db.with(db.owner) { database in
                try await database.transaction { tx in
                    try await tx.execute(sql: "ALTER TABLE audit_events DISABLE TRIGGER USER")
                    try await tx.execute(
                        sql: "DELETE FROM audit_events WHERE chain_id = '\(approvedChain)' AND seq = \(approvedSeq)")
                    try await tx.execute(sql: "ALTER TABLE audit_events ENABLE TRIGGER USER")
                }
            }
            let deleted = try await api.call(.get, "/api/v1/audit/transactions/\(approved)", token: auditor)
            #expect(deleted.json["chain_verified"] as? Bool == false)
            #expect((deleted.json["problems"] as? [String])?.contains { $0.contains("decision event") } == true, "\(deleted.json["problems"] ?? "")")

            // Samples of the day: as many as asked (or the day has), kept as drawn; each reviewed once.
            func draw(_ body: String) async throws -> TestAPI.Reply { try await api.call(.post, "/api/v1/audit/samples", token: auditor, body: body) }
            let two = try await draw(#"{"day":"\#(today)","size":2,"password":"\#(WebHarness.password)"}"#)
            #expect(two.status == .created, "\(two.code)")
            let drawn = try #require(two.json["items"] as? [[String: Any]]).compactMap { $0["transaction"] as? String }
            #expect(drawn.count == 2 && Set(drawn).isSubset(of: made))
            #expect((try await draw(#"{"day":"\#(today)","size":10,"password":"\#(WebHarness.password)"}"#).json["items"] as? [Any])?.count == 3)
            #expect(
                (try await draw(#"{"day":"\#(today)","size":5,"branch":"BR002","password":"\#(WebHarness.password)"}"#).json["items"] as? [Any])?
                    .count == 0)
            #expect(try await draw(#"{"day":"\#(today)","size":0,"password":"\#(WebHarness.password)"}"#).code == "supervision.bad_query")
            #expect(try await draw(#"{"day":"yesterday","size":3,"password":"\#(WebHarness.password)"}"#).code == "supervision.bad_query")
            #expect(
                try await draw(#"{"day":"\#(today)","size":3,"branch":"NOPE","password":"\#(WebHarness.password)"}"#).code == "supervision.bad_query")
            #expect(
                try await api.call(
                    .post, "/api/v1/audit/samples", token: teller, body: #"{"day":"\#(today)","size":3,"password":"\#(WebHarness.password)"}"#
                ).code
                    == "supervision.forbidden")
            let sample = try #require(two.json["id"] as? Int)
            let review = try await api.call(
                .post, "/api/v1/audit/samples/\(sample)/reviewed", token: auditor,
                body: #"{"transaction":"\#(drawn[0])","password":"\#(WebHarness.password)"}"#)
            #expect(
                (review.json["items"] as? [[String: Any]])?.first { $0["transaction"] as? String == drawn[0] }?["reviewed_by"] as? String
                    == "auditor1")
            #expect(
                try await api.call(
                    .post, "/api/v1/audit/samples/\(sample)/reviewed", token: auditor,
                    body: #"{"transaction":"\#(drawn[0])","password":"\#(WebHarness.password)"}"#
                )
                .code == "supervision.sample_item")
            let notDrawn = try #require(made.first { !drawn.contains($0) })
            #expect(
                try await api.call(
                    .post, "/api/v1/audit/samples/\(sample)/reviewed", token: auditor,
                    body: #"{"transaction":"\#(notDrawn)","password":"\#(WebHarness.password)"}"#
                )
                .code == "supervision.sample_item")
            let listed = try #require(try await api.call(.get, "/api/v1/audit/samples", token: auditor).json["samples"] as? [[String: Any]])
            #expect(listed.count == 3 && listed.last?["id"] as? Int == sample)

            // A finding: raised by the auditor, answered by the branch's supervisor (not another branch's), returned,
            // answered again, closed; a closed finding takes no more steps.
            let raised = try await api.call(
                .post, "/api/v1/audit/findings", token: auditor,
                body: #"{"transaction":"\#(middle)","description":"凭证影像缺少客户签名页","password":"\#(WebHarness.password)"}"#)
            #expect(raised.status == .created && raised.json["state"] as? String == "raised" && raised.json["branch"] as? String == "BR001")
            let finding = try #require(raised.json["id"] as? Int)
            let (super1, super2) = (try await api.login("super1"), try await api.login("super2"))
            func step(_ path: String, _ token: String, _ text: String) async throws -> TestAPI.Reply {
                try await api.call(
                    .post, "/api/v1/audit/findings/\(finding)/\(path)", token: token,
                    body: #"{"text":"\#(text)","password":"\#(WebHarness.password)"}"#)
            }
            #expect(try await step("answer", super2, "not ours").code == "supervision.finding_not_found")
            #expect(try await step("return", auditor, "too early").code == "supervision.finding_state")
            #expect(try await step("answer", auditor, "I answer myself").code == "supervision.forbidden")
            #expect(try await step("answer", super1, "已补扫签名页").json["state"] as? String == "answered")
            #expect(try await step("answer", super1, "again").code == "supervision.finding_state")
            #expect(try await step("return", auditor, "请附影像编号").json["state"] as? String == "raised")
            #expect(try await step("answer", super1, "影像编号 IMG-7").json["state"] as? String == "answered")
            let closed = try await step("close", auditor, "已核实")
            #expect(closed.json["state"] as? String == "closed")
            #expect(
                (closed.json["history"] as? [[String: Any]])?.compactMap { $0["step"] as? String } == [
                    "raised", "answered", "returned", "answered", "closed",
                ])
            #expect(try await step("return", auditor, "reopen").code == "supervision.finding_state")
            #expect(try await step("answer", super1, "   ").code == "supervision.bad_query")
            #expect(
                try await api.call(
                    .post, "/api/v1/audit/findings", token: teller,
                    body: #"{"transaction":"\#(middle)","description":"x","password":"\#(WebHarness.password)"}"#
                ).code
                    == "supervision.forbidden")
            #expect(
                try await api.call(
                    .post, "/api/v1/audit/findings", token: auditor,
                    body: #"{"transaction":"T0000000000000099","description":"x","password":"\#(WebHarness.password)"}"#
                )
                .code == "supervision.transaction_not_found")
            func findings(_ token: String) async throws -> [Int] {
                ((try await api.call(.get, "/api/v1/audit/findings", token: token).json["findings"] as? [[String: Any]]) ?? []).compactMap {
                    $0["id"] as? Int
                }
            }
            let (seen1, seen2, seenAll) = (try await findings(super1), try await findings(super2), try await findings(auditor))
            #expect(seen1 == [finding] && seen2.isEmpty && seenAll == [finding])
            #expect(try await api.call(.get, "/api/v1/audit/findings?state=closed", token: auditor).json["findings"] as? [Any] != nil)
            #expect(try await api.call(.get, "/api/v1/audit/findings?state=lost", token: auditor).code == "supervision.bad_query")
            #expect(
                try await api.auditActions(subject: "finding:\(finding)")
                    == ["finding.raised", "finding.answered", "finding.returned", "finding.answered", "finding.closed"])
            // The finding is on its transaction's evidence page too.
            let withFinding = try await api.call(.get, "/api/v1/audit/transactions/\(middle)", token: auditor)
            #expect((withFinding.json["findings"] as? [[String: Any]])?.first?["id"] as? Int == finding)

            // A wrong password does not raise a finding (nor sign the auditor out); the supervisor who approved the
            // transaction does not answer for it; an auditor withdraws a finding not yet answered.
            let mistyped = try await api.call(
                .post, "/api/v1/audit/findings", token: auditor,
                body: #"{"transaction":"\#(approved)","description":"x","password":"wrong-password"}"#)
            #expect(mistyped.status == .forbidden && mistyped.code == "auth.password_not_confirmed", "\(mistyped.status) \(mistyped.code)")
            let onApproved = try await api.call(
                .post, "/api/v1/audit/findings", token: auditor,
                body: #"{"transaction":"\#(approved)","description":"授权材料不清晰","password":"\#(WebHarness.password)"}"#)
            let withdrawable = try #require(onApproved.json["id"] as? Int)
            let super3 = try await api.login("super3")
            let own = try await api.call(
                .post, "/api/v1/audit/findings/\(withdrawable)/answer", token: super3, body: #"{"text":"ok","password":"\#(WebHarness.password)"}"#)
            #expect(own.code == "supervision.own_decision")
            let withdrawn = try await api.call(
                .post, "/api/v1/audit/findings/\(withdrawable)/close", token: auditor, body: #"{"text":"登记有误","password":"\#(WebHarness.password)"}"#)
            #expect(withdrawn.json["state"] as? String == "closed")
            #expect((withdrawn.json["history"] as? [[String: Any]])?.last?["step"] as? String == "withdrawn")

            // A session row the service's role inserts itself does not act for anyone: the database wants the password.
            await #expect(throws: StorageError.self) {
                try await db.with(db.app) { database in
                    try await database.transaction { tx in
                        try await tx.execute(
                            sql:
                                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (sha256('forged'), 'auditor1', now(), now() + interval '1 hour')"
                        )
                        try await tx.query("SELECT audit_finding_raise('forged', 'a guess', '\(approved)', 'forged')").collect()
                    }
                }
            }

            // Only the functions write samples and findings: the service's own role cannot, directly.
            for statement in [
                "INSERT INTO audit_findings (transaction_id, branch_code, state, description, raised_by, raised_at) VALUES ('\(small)', 'BR001', 'raised', 'x', 'auditor1', now())",
                "UPDATE audit_findings SET state = 'raised'", "DELETE FROM audit_sample_items", "UPDATE audit_samples SET requested = 1",
            ] {
                await #expect(throws: StorageError.self, "\(statement)") {
                    try await db.with(db.app) { database in try await database.transaction { try await $0.execute(sql: statement) } }
                }
            }
            // Not even the owner rewrites a closed finding or a drawn sample.
            for statement in [
                "UPDATE audit_findings SET description = 'y'", "DELETE FROM audit_samples", "UPDATE audit_sample_items SET reviewed_at = NULL",
            ] {
                await #expect(throws: StorageError.self, "\(statement)") {
                    try await db.with(db.owner) { database in try await database.transaction { try await $0.execute(sql: statement) } }
                }
            }
        }
    }
}
