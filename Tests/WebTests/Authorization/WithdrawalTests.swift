import Foundation
import PostgresNIO
import Storage
import Testing

/// Issue #15: the teller withdraws a transaction waiting for authorization (the customer changed their mind), and
/// the officer judging a request sees why it needs authorization and what came before it.
@Suite struct WithdrawalTests {
    static let material = [AuthzHarness.idScan, AuthzHarness.voucherImage]

    func withdraw(_ h: AuthzHarness, _ token: String, _ transaction: String, reason: String = "客户取消交易") async throws -> AuthzHarness.Reply {
        try await h.call(.post, "/api/v1/transactions/\(transaction)/withdraw", token: token, body: #"{"reason":"\#(reason)"}"#)
    }

    @Test func theTellerWithdrawsARequestAnOfficerHoldsAndTheOfficerCannotDecideIt() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let supervisor = try await h.login("super1", terminal: "TAB-1")
            try await h.presence(supervisor, "online")
            let officerFeed = try await FeedListener.connect(port: h.client.port!, token: supervisor)
            defer { officerFeed.close() }
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "60000.00"))
            let request = try await h.requestAuthorization(teller, transaction: transaction, mode: "cross-terminal", material: Self.material)
            #expect(try await h.claim(supervisor, request.id).status == .ok)

            // No reason, another teller, and then the real withdrawal.
            let blank = try await withdraw(h, teller, transaction, reason: "  ")
            #expect(blank.status == .badRequest && blank.code == "txn.withdraw_reason")
            let stranger = try await withdraw(h, try await h.login("teller2", terminal: "T02"), transaction)
            #expect(stranger.status == .notFound && stranger.code == "txn.not_found")
            // Hostile bodies: too long, not a string, repeated, nested, an officer instead of the teller, no login.
            let long = try await withdraw(h, teller, transaction, reason: String(repeating: "长", count: 201))
            #expect(long.status == .badRequest && long.code == "txn.withdraw_reason")
            for body in [#"{"reason":7}"#, #"{"reason":"a","reason":"b"}"#, #"{"reason":{"reason":"a"}}"#, #"{}"#, "[]"] {
                let odd = try await h.call(.post, "/api/v1/transactions/\(transaction)/withdraw", token: teller, body: body)
                #expect(odd.status == .badRequest, "\(body): \(odd.status) \(odd.code)")
            }
            let officer = try await h.call(
                .post, "/api/v1/transactions/\(transaction)/withdraw", token: supervisor, body: #"{"reason":"x"}"#)
            #expect(officer.status == .forbidden && officer.code == "auth.forbidden", "\(officer.code)")
            let anonymous = try await h.call(.post, "/api/v1/transactions/\(transaction)/withdraw", token: nil, body: #"{"reason":"x"}"#)
            #expect(anonymous.status == .unauthorized)
            let unknown = try await withdraw(h, teller, "T9999999999999999")
            #expect(unknown.status == .notFound)
            let withdrawn = try await withdraw(h, teller, transaction)
            #expect(withdrawn.status == .ok, "\(withdrawn.code)")
            #expect((withdrawn.json["request"] as? [String: any Sendable])?["state"] as? String == "withdrawn")
            // The officer holding it is told through the feed, and can no longer decide it.
            let told = try await officerFeed.next { $0.id == request.id && $0.state == .withdrawn }
            #expect(told.claimedBy == nil)
            let decided = try await h.decide(supervisor, request, "approve")
            #expect(decided.status == .conflict && decided.code == "authz.withdrawn", "\(decided.code)")
            // Asked again (the first answer lost on the way): the same answer, and nothing recorded twice.
            let again = try await withdraw(h, teller, transaction)
            #expect(again.status == .ok && (again.json["request"] as? [String: any Sendable])?["state"] as? String == "withdrawn")
            let asked = try await h.call(
                .post, "/api/v1/transactions/\(transaction)/authorization", token: teller,
                body: #"{"mode":"cross-terminal","material":[\#(Self.material.joined(separator: ","))]}"#)
            #expect(asked.status == .conflict && asked.code == "txn.finished")

            #expect(
                try await WebHarness.count(
                    "SELECT count(*)::int FROM teller_transactions WHERE id = '\(transaction)' AND state = 'abandoned'", in: h.db) == 1)
            #expect(try await h.auditActions(subject: "txn:\(transaction)") == ["authz.intercepted", "txn.withdrawn"])
            // The branch's figures add up: the withdrawn request is counted as such, not as open.
            let stats = try await h.call(.get, "/api/v1/authz/statistics", token: try await h.login("auditor1"))
            let branch = (stats.json["branches"] as? [[String: any Sendable]])?.first { $0["branch"] as? String == "BR001" }
            #expect(branch?["withdrawn"] as? Int == 1 && branch?["open"] as? Int == 0 && branch?["requests"] as? Int == 1)
            try await h.auditVerifies()
        }
    }

    @Test func anApprovedTransactionCanBeWithdrawnButACommittedOneCannot() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let supervisor = try await h.login("super1", terminal: "TAB-1")
            try await h.presence(supervisor, "online")
            var approved: [String] = []
            for _ in 0..<2 {
                let submission = AuthzHarness.submission(amount: "60000.00")
                let transaction = try await h.submit(teller, submission)
                let request = try await h.requestAuthorization(teller, transaction: transaction, mode: "cross-terminal", material: Self.material)
                #expect(try await h.claim(supervisor, request.id).status == .ok)
                #expect(try await h.decide(supervisor, request, "approve").status == .ok)
                approved.append(transaction)
            }
            // The customer left after the approval: withdrawn, and it can no longer be committed.
            #expect(try await withdraw(h, teller, approved[0]).status == .ok)
            let late = try await h.commit(teller, transaction: approved[0], AuthzHarness.submission(amount: "60000.00"))
            #expect(late.status == .conflict && late.code == "txn.finished", "\(late.code)")
            #expect(try await h.commit(teller, transaction: approved[1], AuthzHarness.submission(amount: "60000.00")).status == .ok)
            let committed = try await withdraw(h, teller, approved[1])
            #expect(committed.status == .conflict && committed.code == "txn.already_committed")
        }
    }

    /// A withdrawal racing a commit of the same approved transaction (or a rejection of its request) ends one way
    /// or the other, never both and never in a deadlock: they take their locks in the same order.
    @Test func aWithdrawalRacingACommitOrARejectionEndsOneWay() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let supervisor = try await h.login("super1", terminal: "TAB-1")
            try await h.presence(supervisor, "online")
            let submission = AuthzHarness.submission(amount: "60000.00")
            for round in 0..<8 {
                let transaction = try await h.submit(teller, submission)
                let request = try await h.requestAuthorization(teller, transaction: transaction, mode: "cross-terminal", material: Self.material)
                #expect(try await h.claim(supervisor, request.id).status == .ok)
                let other: AuthzHarness.Reply
                let withdrawn: AuthzHarness.Reply
                if round % 2 == 0 {
                    #expect(try await h.decide(supervisor, request, "approve").status == .ok)
                    async let committing = h.commit(teller, transaction: transaction, submission)
                    async let withdrawing = withdraw(h, teller, transaction)
                    (other, withdrawn) = try await (committing, withdrawing)
                } else {
                    async let rejecting = h.decide(supervisor, request, "reject", reason: "不符")
                    async let withdrawing = withdraw(h, teller, transaction)
                    (other, withdrawn) = try await (rejecting, withdrawing)
                }
                #expect([other.status, withdrawn.status].filter { $0 == .ok }.count == 1, "\(other.code) \(withdrawn.code)")
                #expect(![other.status, withdrawn.status].contains(.internalServerError))
            }
            try await h.auditVerifies()
        }
    }

    /// The lock order itself: a commit holds the request and then wants the transaction. A withdrawal that arrives
    /// in between must wait for the request rather than take the transaction first — or PostgreSQL finds a
    /// deadlock and one of them fails. (Should the withdrawal not reach its lock within the pause, this passes
    /// without proving anything; it cannot fail for slowness.)
    @Test func aWithdrawalWaitsForTheRequestBeforeTakingTheTransaction() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "60000.00"))
            _ = try await h.requestAuthorization(teller, transaction: transaction, mode: "cross-terminal", material: Self.material)
            let withdrawal = try await h.db.with(h.db.app) { db in
                try await db.transaction { tx in
                    try await tx.query("SELECT id FROM authz_requests WHERE transaction_id = \(transaction) FOR UPDATE")
                    let withdrawing = Task { try await withdraw(h, teller, transaction) }
                    try await Task.sleep(for: .milliseconds(300))
                    try await tx.query("SELECT id FROM teller_transactions WHERE id = \(transaction) FOR UPDATE")
                    return withdrawing
                }
            }
            let answer = try await withdrawal.value
            #expect(answer.status == .ok, "\(answer.code)")
        }
    }

    /// The database holds it: the application role cannot abandon a transaction, withdraw a request, or withdraw
    /// another teller's transaction without going through the one path.
    @Test func theApplicationRoleCannotWithdrawAroundTheTeller() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "60000.00"))
            let request = try await h.requestAuthorization(teller, transaction: transaction, mode: "cross-terminal", material: Self.material)
            try await h.db.with(h.db.app) { db in
                func refusal(_ sql: String) async -> String? {
                    let error = await #expect(throws: StorageError.self) { try await db.read { try await $0.execute(sql: sql) } }
                    return error?.constraint
                }
                #expect(
                    await refusal("UPDATE teller_transactions SET state = 'abandoned' WHERE id = '\(transaction)'") == "txn_abandoned_for_a_reason")
                #expect(await refusal("UPDATE authz_requests SET state = 'withdrawn' WHERE id = '\(request.id)'") == "authz_withdrawn_by_teller")
                #expect(
                    await refusal(
                        "INSERT INTO txn_withdrawals (transaction_id, teller_id, reason, withdrawn_at) VALUES ('\(transaction)', 'teller2', 'x', now())"
                    ) == "txn_withdrawn_while_open")
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM authz_requests WHERE state = 'pending'", in: h.db) == 1)
        }
    }

    /// The officer sees the rules that matched (in the words of the rule set that judged it), every earlier version
    /// of the request with each decision and reason — also of the rejected transaction this one replaces — and the
    /// account's recent transactions with how they ended.
    @Test func theOfficerSeesTheRulesAndWhatCameBefore() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let supervisor = try await h.login("super1", terminal: "TAB-1")
            try await h.presence(supervisor, "online")
            let submission = AuthzHarness.submission(amount: "60000.00")
            // A transaction withdrawn earlier on the same account, one on another account.
            let left = try await h.submit(teller, submission)
            #expect(try await withdraw(h, teller, left, reason: "客户临时有事").status == .ok)
            _ = try await h.submit(teller, AuthzHarness.submission(amount: "60000.00", risk: "medium"))
            // Rejected, then submitted again as its replacement; returned once, then resubmitted.
            let first = try await h.submit(teller, submission)
            let rejected = try await h.requestAuthorization(teller, transaction: first, mode: "cross-terminal", material: Self.material)
            #expect(try await h.claim(supervisor, rejected.id).status == .ok)
            #expect(try await h.decide(supervisor, rejected, "reject", reason: "签名与预留不符").status == .ok)
            let replacing = String(submission.dropLast()) + #","replaces":"\#(first)"}"#
            let second = try await h.submit(teller, replacing)
            let returned = try await h.requestAuthorization(teller, transaction: second, mode: "cross-terminal", material: Self.material)
            #expect(try await h.claim(supervisor, returned.id).status == .ok)
            #expect(try await h.decide(supervisor, returned, "return", reason: "请补充授权书").status == .ok)
            let resubmitted = try await h.call(.post, "/api/v1/authz/requests/\(returned.id)/resubmit", token: teller, body: "{}")
            let current = try resubmitted.decode(RequestSnapshot.self)
            #expect(try await h.claim(supervisor, current.id).status == .ok)

            let view = try await h.call(.get, "/api/v1/authz/requests/\(current.id)", token: supervisor)
            let rules = try #require(view.json["rules"] as? [[String: any Sendable]])
            #expect(rules.map { $0["id"] as? String } == ["cash-withdrawal-band-1"])
            #expect((rules.first?["description"] as? String)?.hasPrefix("个人取款 5万–20万元") == true)
            let history = try #require(view.json["history"] as? [String: any Sendable])
            let versions = try #require(history["versions"] as? [[String: any Sendable]])
            #expect(versions.map { $0["request"] as? String } == [rejected.id, returned.id, current.id])
            #expect(versions.map { $0["state"] as? String } == ["rejected", "returned", "claimed"])
            let reasons = versions.map { (($0["decisions"] as? [[String: any Sendable]])?.first?["reason"] as? String) }
            #expect(reasons == ["签名与预留不符", "请补充授权书", nil])
            let account = try #require(history["account"] as? [[String: any Sendable]])
            // Newest first: the rejected transaction, then the withdrawn one; not the other account's, not this one.
            #expect(account.map { $0["transaction"] as? String } == [first, left])
            #expect(account.map { $0["reason"] as? String } == ["签名与预留不符", "客户临时有事"])
            #expect(account.map { $0["state"] as? String } == ["abandoned", "abandoned"])
            // Only the officer deciding it sees the history: not an auditor, not the teller (who would learn which
            // officers decided, and the account's other transactions).
            let auditor = try await h.call(.get, "/api/v1/authz/requests/\(current.id)", token: try await h.login("auditor1"))
            #expect(auditor.status == .ok && auditor.json["history"] == nil && auditor.json["rules"] != nil)
            let tellers = try await h.call(.get, "/api/v1/authz/requests/\(current.id)", token: teller)
            #expect(tellers.status == .ok && tellers.json["history"] == nil && tellers.json["transaction_payload"] != nil)
        }
    }
}
