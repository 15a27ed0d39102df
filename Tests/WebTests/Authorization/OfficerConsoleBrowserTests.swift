import Foundation
import PostgresNIO
import Storage
import TestSupport
import Testing

/// The officer console in a real headless Chromium (Tests/Browser/officer_console.py drives it with Selenium): an
/// officer signs in, a teller's request appears live, the officer claims, views material and approves, and the
/// teller commits. Here we check what the database says happened. Screenshots: test-artifacts/officer-console/.
@Suite struct OfficerConsoleBrowserTests {
    struct Outcome: Decodable {
        let request: String
        let transaction: String
    }

    @Test func anOfficerSeesARequestArriveLiveClaimsItAndApprovesIt() async throws {
        let run = try await BrowserCheck.run(
            "officer_console.py",
            arguments: [
                "--password", WebHarness.password, "--officer", "officer1", "--teller", "teller1", "--artifacts",
                Repository.artifacts("officer-console"),
            ])
        let db = run.db
        let outcome = try JSONDecoder().decode(Outcome.self, from: Data(run.lastLine.utf8))

        try await db.with(db.owner) { database in
            try await database.read { tx in
                let decisions = try await tx.query(
                    "SELECT officer_id, decision FROM authz_decisions WHERE request_id = \(outcome.request)"
                ).collect().map { try $0.decode((String, String).self) }
                #expect(decisions.map(\.0) == ["officer1"] && decisions.map(\.1) == ["approve"])
                let states = try await tx.query(
                    """
                    SELECT r.state, t.state FROM authz_requests r JOIN teller_transactions t ON t.id = r.transaction_id
                    WHERE r.id = \(outcome.request) AND t.id = \(outcome.transaction)
                    """
                ).collect().map { try $0.decode((String, String).self) }
                #expect(states.first?.0 == "committed" && states.first?.1 == "committed")
                // The console's steps are on the trail as the officer's: presence, claim, decision.
                let actions = try await tx.query(
                    "SELECT action FROM audit_events WHERE actor = 'officer1' ORDER BY at, seq"
                ).collect().map { try $0.decode(String.self) }
                #expect(actions.contains("authz.presence") && actions.contains("authz.claimed") && actions.contains("authz.approved"), "\(actions)")
            }
        }
        let report = try await db.with(db.app) { try await AuditVerification.verify($0) }
        #expect(report.isIntact, "\(report.breaks)")
    }

    /// Issue #15 (Tests/Browser/officer_history.py, on a tablet): the officer sees why a request needs authorization
    /// and what came before it — the rejected first attempt, a return, the account's recent transactions — and is
    /// told at once when the teller withdraws the request they hold.
    @Test func anOfficerSeesWhyAndWhatCameBeforeAndIsToldOfAWithdrawal() async throws {
        struct Outcome: Decodable {
            let first: String
            let second: String
            let withdrawn: String
        }
        let run = try await BrowserCheck.run(
            "officer_history.py", arguments: ["--password", WebHarness.password, "--artifacts", Repository.artifacts("officer-history")])
        let db = run.db
        let outcome = try JSONDecoder().decode(Outcome.self, from: Data(run.lastLine.utf8))
        try await db.with(db.owner) { database in
            try await database.read { tx in
                let states = try await tx.query(
                    "SELECT id, state FROM teller_transactions WHERE id IN (\(outcome.first), \(outcome.second)) ORDER BY id"
                ).collect().map { try $0.decode((String, String).self) }
                #expect(states.map(\.1) == ["abandoned", "abandoned"])
                let requests = try await tx.query(
                    "SELECT state FROM authz_requests WHERE transaction_id = \(outcome.second) ORDER BY version"
                ).collect().map { try $0.decode(String.self) }
                #expect(requests == ["returned", "withdrawn"])
                // The officer's return is on the trail as theirs; no decision on the withdrawn version.
                let decided = try await WebHarness.count(
                    "SELECT count(*)::int FROM authz_decisions WHERE request_id = '\(outcome.withdrawn)'", in: db)
                #expect(decided == 0)
            }
        }
    }
}
