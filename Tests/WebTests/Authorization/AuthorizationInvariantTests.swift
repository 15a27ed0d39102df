import Accounts
import Audit
import Foundation
import PostgresNIO
import Services
import Storage
import Testing
import Web

/// The invariants the database enforces, and the guards in front of them.
@Suite struct AuthorizationInvariantTests {
    @Test func fiftyOfficersClaimingAtOnceAlwaysMakeExactlyOneWinner() async throws {
        try await AuthzHarness.run(extraOfficers: 50) { h in
            let officers = (0..<50).map { UserIdentity(id: "pool\($0)", displayName: "pool\($0)", branch: "AC01", role: .officer) }
            for officer in officers { _ = try await h.services.officers.setPresence("online", user: officer, terminal: nil) }
            let teller = try await h.login("teller1")
            for round in 0..<100 {
                // A new transaction each round: central pool (nobody assigned: the harness officers are offline).
                let submission = AuthzHarness.submission(amount: "\(1_500_000 + round).00")
                let transaction = try await h.submit(teller, submission)
                let request = try await h.services.tellers.request(
                    transaction: transaction, mode: .central,
                    material: ["id_scan", "voucher_image", "teller_screen"].map { .init(kind: $0, mediaType: "image/png", bytes: [1, 2, 3]) },
                    local: nil, user: UserIdentity(id: "teller1", displayName: "t", branch: "BR001", role: .teller), terminal: nil)
                // Assignment is random among the online officers; release it to the whole pool for the race.
                try await h.db.with(h.db.owner) { db in
                    try await db.read { try await $0.query("UPDATE authz_requests SET assigned_to = NULL WHERE id = \(request.id)") }
                }
                let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for officer in officers {
                        group.addTask {
                            do {
                                _ = try await h.services.officers.claim(request.id, user: officer, terminal: nil)
                                return true
                            } catch let error as AuthorizationError where error.code == .alreadyClaimed || error.code == .notPending {
                                return false
                            }
                        }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(winners == 1, "round \(round): \(winners) winners")
            }
            let claims = try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'authz.claimed'", in: h.db)
            #expect(claims == 100)
        }
    }

    @Test func theDatabaseRefusesTheMakerAsCheckerEvenFromTheApplicationRole() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "60000.00"))
            let request = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "cross-terminal", material: [AuthzHarness.idScan, AuthzHarness.voucherImage])
            try await h.db.with(h.db.app) { db in
                await #expect(throws: (any Error).self) {
                    try await db.read {
                        try await $0.query(
                            "UPDATE authz_requests SET state = 'claimed', claimed_by = 'teller1', claimed_at = now(), lease_until = now() + interval '1 minute' WHERE id = \(request.id)"
                        )
                    }
                }
                await #expect(throws: (any Error).self) {
                    try await db.read {
                        try await $0.query(
                            """
                            INSERT INTO authz_decisions (request_id, officer_id, teller_id, decision, payload_digest, material_digest, claimed_at, decided_at)
                            SELECT id, 'teller1', 'teller1', 'approve', payload_digest, material_digest, now(), now() FROM authz_requests WHERE id = \(request.id)
                            """)
                    }
                }
                // Nor can anyone decide without a claim, or write a request's approvals by hand.
                await #expect(throws: (any Error).self) {
                    try await db.read {
                        try await $0.query(
                            """
                            INSERT INTO authz_decisions (request_id, officer_id, teller_id, decision, payload_digest, material_digest, claimed_at, decided_at)
                            SELECT id, 'super1', teller_id, 'approve', payload_digest, material_digest, now(), now() FROM authz_requests WHERE id = \(request.id)
                            """)
                    }
                }
                await #expect(throws: (any Error).self) {
                    try await db.read { try await $0.query("UPDATE authz_requests SET state = 'approved', approvals = 1 WHERE id = \(request.id)") }
                }
            }
            let state = try await WebHarness.count("SELECT count(*)::int FROM authz_requests WHERE state = 'pending' AND approvals = 0", in: h.db)
            #expect(state == 1)
        }
    }

    @Test func officersBelowTheLevelOrLimitCannotClaimAndPausedOfficersAreNeverOffered() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let low = try await h.login("super3")  // level 1, CNY 100k
            let high = try await h.login("super1")  // level 2, CNY 1M
            try await h.presence(low, "online")
            try await h.presence(high, "paused")
            // CNY 250k: level 2 — above super3's level and limit.
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "250000.00"))
            let request = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "cross-terminal", material: [AuthzHarness.idScan, AuthzHarness.voucherImage])
            let refused = try await h.claim(low, request.id)
            #expect(refused.status == .forbidden && refused.code == "storage.refused")
            // Paused: not offered, not in the queue, cannot claim.
            let feed = try await h.db.with(h.db.owner) { db in
                try await db.read { tx in
                    var offered: [String] = []
                    for try await text in try await tx.query("SELECT snapshot ->> 'offered_to' FROM authz_feed WHERE request_id = \(request.id)")
                        .decode(String.self)
                    {
                        offered.append(text)
                    }
                    return offered
                }
            }
            #expect(feed == ["[]"])
            let queue = try await h.call(.get, "/api/v1/authz/queue", token: high)
            #expect((queue.json["requests"] as? [Any])?.isEmpty == true && queue.json["presence"] as? String == "paused")
            #expect(try await h.claim(high, request.id).status == .forbidden)
            try await h.presence(high, "online")
            #expect(try await h.claim(high, request.id).status == .ok)
        }
    }

    @Test func aCentralRequestIsAssignedOnlyToAnOnlineEligibleCentreOfficer() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            try await h.presence(try await h.login("officer1"), "online")
            try await h.presence(try await h.login("super1"), "online")
            // CNY 1.5M: central only, level 3. officer2 is offline, super1 is no centre officer.
            let first = try await h.submit(teller, AuthzHarness.submission(amount: "1500000.00"))
            let material = [AuthzHarness.idScan, AuthzHarness.voucherImage, AuthzHarness.tellerScreen]
            let firstRequest = try await h.requestAuthorization(teller, transaction: first, mode: "central", material: material)
            #expect(try await h.assignedTo(firstRequest.id) == "officer1")

            // The application role writing a request by itself cannot name anyone else.
            let second = try await h.submit(teller, AuthzHarness.submission(amount: "1500000.00", account: "6222020200112233446"))
            let database = h.database
            let record = try #require(try await database.read { try await AuthorizationStore.transaction(second, in: $0) })
            for officer in ["officer2", "super1", "teller1"] {
                let new = AuthorizationStore.NewRequest(
                    transaction: record, previousID: nil, version: 1, level: 3, officers: 2, modes: ["central"], mode: "central",
                    materialDigest: .zero, materialJSON: "[]", unclaimedSeconds: 45, leaseSeconds: 120, tellerWaitSeconds: 600, at: h.time.now())
                let event = try AuditLog.Append(
                    AuditEvent(actor: "teller1", branch: "BR001", action: "authz.requested", subject: "authz:test", payload: [:]))
                let id = AuthorizationStore.requestID(9_000_000 + Int64(officer.count))
                await #expect {
                    try await database.statement { tx in
                        try await AuthorizationStore.insertRequest(new, id: id, assignedTo: officer, material: [], event: event, in: tx)
                    }
                } throws: { error in
                    (error as? StorageError)?.constraint == "authz_assigned_available"
                }
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM authz_requests WHERE transaction_id = '\(second)'", in: h.db) == 0)
            // Through the API the service picks for it: the one online centre officer.
            let secondRequest = try await h.requestAuthorization(teller, transaction: second, mode: "central", material: material)
            #expect(try await h.assignedTo(secondRequest.id) == "officer1")
            try await h.auditVerifies()
        }
    }

    @Test func aCommitWithAChangedPayloadIsRefusedAndAnApprovalCommitsOnce() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let supervisor = try await h.login("super1")
            try await h.presence(supervisor, "online")
            let submission = AuthzHarness.submission(amount: "80000.00")
            let transaction = try await h.submit(teller, submission)
            let request = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "cross-terminal", material: [AuthzHarness.idScan, AuthzHarness.voucherImage])
            #expect(try await h.claim(supervisor, request.id).status == .ok)
            #expect(try await h.decide(supervisor, request, "approve").status == .ok)
            let tampered = try await h.commit(
                teller, transaction: transaction, AuthzHarness.submission(amount: "80000.00", account: "6222029999999999999"))
            #expect(tampered.status == .conflict && tampered.code == "txn.payload_changed")
            let bigger = try await h.commit(teller, transaction: transaction, AuthzHarness.submission(amount: "800000.00"))
            #expect(bigger.code == "txn.payload_changed")
            #expect(try await h.commit(teller, transaction: transaction, submission).status == .ok)
            #expect(try await h.commit(teller, transaction: transaction, submission).code == "txn.already_committed")
            // And underneath: the database will not commit the transaction again, nor with another digest.
            try await h.db.with(h.db.app) { db in
                await #expect(throws: (any Error).self) {
                    try await db.read { try await $0.query("UPDATE teller_transactions SET state = 'committed' WHERE id = \(transaction)") }
                }
                await #expect(throws: (any Error).self) {
                    try await db.read { try await $0.query("UPDATE authz_requests SET state = 'committed' WHERE id = \(request.id)") }
                }
            }
            try await h.auditVerifies()
        }
    }

    @Test func badInputIsRefusedClearlyAndChangesNothing() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let officer = try await h.login("officer1")
            let cases: [(String, String, String)] = [
                (AuthzHarness.submission(code: "cash-teleport", amount: "1.00"), "txn.unknown_code", "unknown code"),
                (AuthzHarness.submission(amount: "1,000.00"), "txn.bad_amount", "comma"),
                (AuthzHarness.submission(amount: "10.001"), "txn.bad_amount", "three decimals"),
                (AuthzHarness.submission(amount: "-5.00"), "txn.bad_amount", "negative"),
                (AuthzHarness.submission(amount: "1e6"), "txn.bad_amount", "exponent"),
                (#"{"code":"cash-withdrawal","amount":50000}"#, "request.invalid", "number, fields missing"),
            ]
            for (body, code, label) in cases {
                let reply = try await h.call(.post, "/api/v1/transactions", token: teller, body: body)
                #expect(reply.status == .badRequest && reply.code == code, "\(label): \(reply.status) \(reply.code)")
            }
            #expect(
                try await h.call(.post, "/api/v1/transactions", token: officer, body: AuthzHarness.submission(amount: "1.00")).code
                    == "auth.forbidden")
            #expect(try await WebHarness.count("SELECT count(*)::int FROM teller_transactions", in: h.db) == 0)

            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "60000.00"))
            let big = String(repeating: "A", count: 800_000)
            let oversize = try await h.call(
                .post, "/api/v1/transactions/\(transaction)/authorization", token: teller,
                body: #"{"mode":"cross-terminal","material":[{"kind":"id_scan","media_type":"image/png","data":"\#(big)"}]}"#)
            #expect(oversize.status == .contentTooLarge && oversize.code == "authz.material_too_large", "\(oversize.code)")
            let missing = try await h.call(
                .post, "/api/v1/transactions/\(transaction)/authorization", token: teller, body: #"{"mode":"cross-terminal","material":[]}"#)
            #expect(missing.status == .badRequest && missing.code == "authz.material_missing")
            let badMode = try await h.call(
                .post, "/api/v1/transactions/\(transaction)/authorization", token: teller, body: #"{"mode":"telepathy","material":[]}"#)
            #expect(badMode.code == "authz.bad_mode")
            #expect(try await WebHarness.count("SELECT count(*)::int FROM authz_requests", in: h.db) == 0)
            let request = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "cross-terminal", material: [AuthzHarness.idScan, AuthzHarness.voucherImage])
            // Tellers cannot authorize; an unknown request is 404.
            #expect(try await h.claim(teller, request.id).code == "auth.forbidden")
            #expect(try await h.claim(officer, "R0000000000000999").status == .notFound)
            #expect(try await WebHarness.count("SELECT count(*)::int FROM authz_requests WHERE state = 'pending'", in: h.db) == 1)
        }
    }
}
