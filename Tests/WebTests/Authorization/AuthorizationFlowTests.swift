import Foundation
import Storage
import Testing

/// Each mode end to end through the HTTP API and the WebSocket feed.
@Suite struct AuthorizationFlowTests {
    /// Issue #15: after a return the teller sends what the officer asked for, not every file again: the kinds
    /// not sent again are carried over from the returned version, byte for byte.
    @Test func aResubmissionKeepsTheMaterialNotSentAgain() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let supervisor = try await h.login("super1", terminal: "TAB-1")
            try await h.presence(supervisor, "online")
            let submission = AuthzHarness.submission(amount: "60000.00")
            let transaction = try await h.submit(teller, submission)
            let first = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "cross-terminal", material: [AuthzHarness.idScan, AuthzHarness.voucherImage])
            #expect(try await h.claim(supervisor, first.id).status == .ok)
            #expect(try await h.decide(supervisor, first, "return", reason: "rescan the ID").status == .ok)
            let resubmitted = try await h.call(
                .post, "/api/v1/authz/requests/\(first.id)/resubmit", token: teller,
                body: #"{"material":[{"kind":"id_scan","media_type":"image/png","data":"bmV3IHNjYW4="}]}"#)
            #expect(resubmitted.status == .created, "\(resubmitted.code)")
            let second = try resubmitted.decode(RequestSnapshot.self)
            #expect(Set(second.material.map(\.kind)) == ["id_scan", "voucher_image"])
            let kept = second.material.first { $0.kind == "voucher_image" }?.sha256
            #expect(kept != nil && kept == first.material.first { $0.kind == "voucher_image" }?.sha256)
            #expect(second.material.first { $0.kind == "id_scan" }?.sha256 != first.material.first { $0.kind == "id_scan" }?.sha256)
            #expect(try await h.claim(supervisor, second.id).status == .ok)
            let image = try await h.call(.get, "/api/v1/authz/requests/\(second.id)/material/voucher_image", token: supervisor)
            #expect(image.status == .ok && image.body.base64EncodedString() == "iVBORw0KGgoAAAA=")
        }
    }

    @Test func crossTerminalRequestIsPushedClaimedApprovedAndCommittedOnce() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let supervisor = try await h.login("super1", terminal: "TAB-1")
            try await h.presence(supervisor, "online")
            let officerFeed = try await FeedListener.connect(port: h.client.port!, token: supervisor)
            let tellerFeed = try await FeedListener.connect(port: h.client.port!, token: teller)
            defer { officerFeed.close(); tellerFeed.close() }

            let submission = AuthzHarness.submission(amount: "60000.00")
            let transaction = try await h.submit(teller, submission)
            let request = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "cross-terminal", material: [AuthzHarness.idScan, AuthzHarness.voucherImage])
            #expect(request.state == .pending && request.level == 1 && request.scope == "cross-terminal")

            let offer = try await officerFeed.next { $0.id == request.id && $0.state == .pending }
            #expect(offer.offeredTo?.contains("super1") == true)
            #expect(offer.amountMinor == 6_000_000)

            let claimed = try await h.claim(supervisor, request.id)
            #expect(claimed.status == .ok)
            // The claimant sees the business fields and the material; the material is what was uploaded.
            let view = try await h.call(.get, "/api/v1/authz/requests/\(request.id)", token: supervisor)
            #expect(
                ((view.json["transaction_payload"] as? [String: any Sendable])?["fields"] as? [String: String])?["account"] == "6222020200112233445")
            let scan = try await h.call(.get, "/api/v1/authz/requests/\(request.id)/material/id_scan", token: supervisor)
            #expect(scan.status == .ok && scan.body.base64EncodedString() == "iVBORw0KGgo=")

            #expect(try await h.decide(supervisor, request, "approve").status == .ok)
            let approved = try await tellerFeed.next { $0.id == request.id && $0.state == .approved }
            #expect(approved.approvals == 1)

            let committed = try await h.commit(teller, transaction: transaction, submission)
            #expect(committed.status == .ok, "\(committed.code)")
            let again = try await h.commit(teller, transaction: transaction, submission)
            #expect(again.status == .conflict && again.code == "txn.already_committed")

            #expect(try await h.auditActions(subject: "txn:\(transaction)") == ["authz.intercepted", "txn.committed"])
            #expect(try await h.auditActions(subject: "authz:\(request.id)") == ["authz.requested", "authz.claimed", "authz.approved"])
            try await h.auditVerifies()
        }
    }

    @Test func centralDualAuthorizationNeedsTwoDifferentOfficers() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let one = try await h.login("officer1")
            let two = try await h.login("officer2")
            try await h.presence(one, "online")
            try await h.presence(two, "online")
            let feeds = [
                "officer1": try await FeedListener.connect(port: h.client.port!, token: one),
                "officer2": try await FeedListener.connect(port: h.client.port!, token: two),
            ]
            let tokens = ["officer1": one, "officer2": two]
            defer { feeds.values.forEach { $0.close() } }

            let submission = AuthzHarness.submission(amount: "1200000.00")
            let transaction = try await h.submit(teller, submission)
            let request = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "central",
                material: [AuthzHarness.idScan, AuthzHarness.voucherImage, AuthzHarness.tellerScreen])
            #expect(request.officers == 2 && request.level == 3)
            // Assigned at random to one online officer; only that officer is offered it, and the teller is not told
            // who (背对背); an auditor sees it.
            #expect(request.assignedTo == nil && request.offeredTo == nil)
            let tellerView = try await h.call(.get, "/api/v1/authz/requests/\(request.id)", token: teller)
            #expect((tellerView.json["request"] as? [String: Any])?["assigned_to"] == nil)
            let audited = try await h.call(.get, "/api/v1/authz/requests/\(request.id)", token: try await h.login("auditor1"))
            let first = try #require((audited.json["request"] as? [String: Any])?["assigned_to"] as? String)
            let second = first == "officer1" ? "officer2" : "officer1"
            try await feeds[first]!.next { $0.id == request.id && $0.offeredTo == [first] }
            #expect(try await h.claim(tokens[second]!, request.id).code == "storage.refused")

            #expect(try await h.claim(tokens[first]!, request.id).status == .ok)
            let half = try await h.decide(tokens[first]!, request, "approve")
            #expect(half.json["state"] as? String == "pending" && half.json["approvals"] as? Int == 1)
            #expect(half.json["assigned_to"] as? String == second)
            // The first approver cannot take the second place.
            #expect(try await h.claim(tokens[first]!, request.id).status == .forbidden)
            try await feeds[second]!.next { $0.id == request.id && $0.state == .pending && $0.approvals == 1 }
            #expect(try await h.claim(tokens[second]!, request.id).status == .ok)
            #expect(try await h.decide(tokens[second]!, request, "approve").json["state"] as? String == "approved")
            #expect(try await h.commit(teller, transaction: transaction, submission).status == .ok)
            #expect(
                try await h.auditActions(subject: "authz:\(request.id)") == [
                    "authz.requested", "authz.claimed", "authz.first_approval", "authz.claimed", "authz.approved",
                ])
            try await h.auditVerifies()
        }
    }

    @Test func localModeIsDecidedAtOnceWithTheSupervisorsOwnCredentials() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let submission = AuthzHarness.submission(code: "customer-info-change", amount: "0")
            let transaction = try await h.submit(teller, submission)
            let wrong = try await h.call(
                .post, "/api/v1/transactions/\(transaction)/authorization", token: teller,
                body: #"{"mode":"local","material":[\#(AuthzHarness.idScan)],"supervisor":{"user":"super1","password":"nope","decision":"approve"}}"#)
            #expect(wrong.status == .unauthorized && wrong.code == "authz.local_credentials")
            #expect(try await h.auditActions(subject: "user:super1").contains("authz.local_credentials_failed"))
            let reply = try await h.call(
                .post, "/api/v1/transactions/\(transaction)/authorization", token: teller,
                body:
                    #"{"mode":"local","material":[\#(AuthzHarness.idScan)],"supervisor":{"user":"super1","password":"\#(WebHarness.password)","decision":"approve"}}"#
            )
            #expect(reply.status == .created, "\(reply.code)")
            #expect(reply.json["state"] as? String == "approved")
            #expect(try await h.commit(teller, transaction: transaction, submission).status == .ok)
            try await h.auditVerifies()
        }
    }

    /// Issue #14: foreign-currency amounts meet their own bands. A USD 80,000 withdrawal needs level 2 and a
    /// USD 9,999,999 outward remittance central dual authorization; the database agreed with both (it refuses a
    /// transaction whose requirement is not what the rules in force say).
    @Test func foreignCurrencyAmountsNeedAuthorization() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            for (code, amount, level, officers) in [("cash-withdrawal", "80000.00", 2, 1), ("outward-remittance", "9999999.00", 3, 2)] {
                let reply = try await h.call(
                    .post, "/api/v1/transactions", token: teller, body: AuthzHarness.submission(code: code, amount: amount, currency: "USD"))
                #expect(reply.status == .created && reply.json["authorization_required"] as? Bool == true, "\(code)")
                let requirement = reply.json["requirement"] as? [String: Any]
                #expect(requirement?["level"] as? Int == level && requirement?["officers"] as? Int == officers, "\(code): \(reply.json)")
            }
        }
    }

    /// Issue #14: a rejection is final. The same transaction gets no new request in any mode (the API and the
    /// database refuse it) and cannot be committed; a new transaction names the one it replaces, once.
    @Test func aRejectedTransactionIsFinishedAndANewOneReplacesIt() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let submission = AuthzHarness.submission(code: "customer-info-change", amount: "0")
            let transaction = try await h.submit(teller, submission)
            func local(_ decision: String, on id: String) async throws -> AuthzHarness.Reply {
                try await h.call(
                    .post, "/api/v1/transactions/\(id)/authorization", token: teller,
                    body:
                        #"{"mode":"local","material":[\#(AuthzHarness.idScan)],"supervisor":{"user":"super1","password":"\#(WebHarness.password)","decision":"\#(decision)","reason":"签名与预留印鉴不符"}}"#
                )
            }
            let rejected = try await local("reject", on: transaction)
            #expect(rejected.status == .created && rejected.json["state"] as? String == "rejected", "\(rejected.code)")
            for mode in ["local", "cross-terminal", "central"] {
                let again =
                    mode == "local"
                    ? try await local("approve", on: transaction)
                    : try await h.call(
                        .post, "/api/v1/transactions/\(transaction)/authorization", token: teller,
                        body: #"{"mode":"\#(mode)","material":[\#(AuthzHarness.idScan)]}"#)
                #expect(again.status == .conflict && again.code == "txn.finished", "\(mode): \(again.code)")
            }
            #expect(try await h.commit(teller, transaction: transaction, submission).status == .conflict)
            #expect(try await WebHarness.count("SELECT count(*)::int FROM teller_transactions WHERE state = 'abandoned'", in: h.db) == 1)
            // The application role cannot ask again either: the transaction is no longer open.
            try await h.db.with(h.db.app) { db in
                await #expect(throws: StorageError.self) {
                    try await db.read {
                        try await $0.query(
                            """
                            INSERT INTO authz_requests (id, transaction_id, version, branch_code, teller_id, terminal, code, amount_minor, currency,
                                level, officers_required, modes, mode, scope, payload_digest, material_digest, material, state, unclaimed_seconds,
                                lease_seconds, created_at, offered_at, teller_deadline)
                            SELECT 'R9000000000000001', id, 2, branch_code, teller_id, terminal, code, amount_minor, currency,
                                (requirement ->> 'level')::smallint, (requirement ->> 'officers')::smallint,
                                ARRAY(SELECT jsonb_array_elements_text(requirement -> 'modes')), 'cross-terminal', 'cross-terminal',
                                payload_digest, sha256(''::bytea), '[]'::jsonb, 'pending', 60, 120, submitted_at, submitted_at,
                                submitted_at + interval '5 minutes'
                            FROM teller_transactions WHERE id = \(transaction)
                            """)
                    }
                }
            }
            // A new transaction, linked to the rejected one; it is a transaction like any other.
            let replacing = #"{"replaces":"\#(transaction)","# + submission.dropFirst()
            let next = try await h.call(.post, "/api/v1/transactions", token: teller, body: replacing)
            #expect(next.status == .created, "\(next.code)")
            let newID = try #require(next.json["transaction"] as? String)
            #expect(try await local("approve", on: newID).json["state"] as? String == "approved")
            let twice = try await h.call(.post, "/api/v1/transactions", token: teller, body: replacing)
            #expect(twice.status == .conflict && twice.code == "txn.cannot_replace", "\(twice.code)")
            let open = try await h.submit(teller, submission)
            let replacingOpen = try await h.call(
                .post, "/api/v1/transactions", token: teller, body: #"{"replaces":"\#(open)","# + submission.dropFirst())
            #expect(replacingOpen.status == .conflict && replacingOpen.code == "txn.cannot_replace", "\(replacingOpen.code)")
            let linked = try await WebHarness.count(
                "SELECT count(*)::int FROM teller_transactions WHERE id = '\(newID)' AND replaces = '\(transaction)'", in: h.db)
            #expect(linked == 1)
        }
    }

    /// The supervisor stands at the teller's terminal: a teller signed in elsewhere cannot have a transaction of
    /// another terminal decided locally, and the refusal costs no password check.
    @Test func localModeOnlyAtTheTerminalTheTransactionCameFrom() async throws {
        try await AuthzHarness.run { h in
            let submission = AuthzHarness.submission(code: "customer-info-change", amount: "0")
            let transaction = try await h.submit(try await h.login("teller1", terminal: "T01"), submission)
            let elsewhere = try await h.login("teller1", terminal: "T02")
            let reply = try await h.call(
                .post, "/api/v1/transactions/\(transaction)/authorization", token: elsewhere,
                body:
                    #"{"mode":"local","material":[\#(AuthzHarness.idScan)],"supervisor":{"user":"super1","password":"\#(WebHarness.password)","decision":"approve"}}"#
            )
            #expect(reply.status == .conflict && reply.code == "authz.local_terminal")
            #expect(try await WebHarness.count("SELECT count(*)::int FROM authz_requests", in: h.db) == 0)
        }
    }

    @Test func crossBranchReturnThenResubmitAsALinkedNewVersion() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let remote = try await h.login("super2", terminal: "SH-07")
            try await h.presence(remote, "online")
            let tellerFeed = try await FeedListener.connect(port: h.client.port!, token: teller)
            defer { tellerFeed.close() }
            // A high-risk customer: level 2, cross-branch or central only.
            let submission = AuthzHarness.submission(amount: "3000.00", risk: "high")
            let transaction = try await h.submit(teller, submission)
            let first = try await h.requestAuthorization(teller, transaction: transaction, mode: "cross-branch", material: [AuthzHarness.idScan])
            #expect(first.level == 2)
            #expect(try await h.claim(remote, first.id).status == .ok)
            let missingReason = try await h.decide(remote, first, "return")
            #expect(missingReason.code == "authz.reason_required")
            #expect(try await h.decide(remote, first, "return", reason: "ID scan unreadable; rescan").status == .ok)
            // The teller is told why, in the pushed snapshot itself.
            try await tellerFeed.next { $0.id == first.id && $0.state == .returned && $0.reason == "ID scan unreadable; rescan" }
            #expect(try await h.commit(teller, transaction: transaction, submission).code == "authz.not_approved")

            let resubmitted = try await h.call(
                .post, "/api/v1/authz/requests/\(first.id)/resubmit", token: teller,
                body: #"{"material":[{"kind":"id_scan","media_type":"image/png","data":"bmV3IHNjYW4="}]}"#)
            #expect(resubmitted.status == .created, "\(resubmitted.code)")
            let second = try resubmitted.decode(RequestSnapshot.self)
            #expect(second.version == 2 && second.previous == first.id && second.transaction == transaction)
            #expect(second.materialDigest != first.materialDigest && second.payloadDigest == first.payloadDigest)
            #expect(try await h.claim(remote, second.id).status == .ok)
            // Deciding on the old version's view is refused: the approval binds what the officer actually saw.
            #expect(try await h.decide(remote, first, "approve").code == "authz.no_claim")
            #expect(try await h.decide(remote, second, "approve").status == .ok)
            #expect(try await h.commit(teller, transaction: transaction, submission).status == .ok)
            #expect(try await h.auditActions(subject: "authz:\(second.id)") == ["authz.resubmitted", "authz.claimed", "authz.approved"])

            // The figures: one return and one approval by super2; BR001 had two versions, one returned, one approved.
            let stats = try await h.call(.get, "/api/v1/authz/statistics", token: try await h.login("auditor1")).decode(AuthorizationStatistics.self)
            let officer = try #require(stats.officers.first { $0.officer == "super2" })
            #expect(officer.decisions == 2 && officer.returns == 1 && officer.approvals == 1 && officer.meanDecisionLatencyMs != nil)
            let branch = try #require(stats.branches.first { $0.branch == "BR001" })
            #expect(branch.requests == 2 && branch.returned == 1 && branch.approved == 1 && branch.open == 0)
            #expect(try await h.call(.get, "/api/v1/authz/statistics", token: teller).status == .forbidden)
            try await h.auditVerifies()
        }
    }
}
