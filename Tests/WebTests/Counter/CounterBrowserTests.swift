import Foundation
import PostgresNIO
import Storage
import TestSupport
import Testing
import Vouchers

/// The teller console and the customer screen in a real headless Chromium, two tabs of one browser
/// (Tests/Browser/counter.py): pairing, a pre-fill picked up, the screen following the teller's typing, the
/// screen enrolled by the branch supervisor (a WebCrypto key in IndexedDB, kept across a reload), the
/// customer's confirmation reaching the teller, the signature drawn with synthetic pointer input, and a later change
/// asking again. Then the database must hold
/// exactly one confirmation with its audit event. Screenshots: test-artifacts/counter/.
@Suite struct CounterBrowserTests {
    @Test func theScreenFollowsTheTellerAndTheCustomersConfirmationReachesTheTeller() async throws {
        let run = try await BrowserCheck.run(
            "counter.py", arguments: ["--password", WebHarness.password, "--artifacts", Repository.artifacts("counter")])
        let db = run.db
        let (confirmations, actions) = try await db.with(db.owner) { database in
            try await database.read { tx in
                (
                    try await tx.query(
                        """
                        SELECT c.decision, c.draft_version, c.statement IS NOT NULL AND d.key_sha256 IS NOT NULL
                        FROM counter_confirmations c JOIN counter_sessions s ON s.id = c.session_id
                        JOIN screen_devices d ON d.id = s.device_id AND d.terminal = 'T01' AND d.enrolled_by = 'super1'
                        """
                    ).collect().map {
                        try $0.decode((String, Int, Bool).self)
                    },
                    try await tx.query("SELECT action FROM audit_events WHERE action LIKE 'counter.%' OR action LIKE 'prefill.%' ORDER BY at, seq")
                        .collect().map { try $0.decode(String.self) }
                )
            }
        }
        // The screen enrolled in the browser (its key made by WebCrypto) signed the confirmation's statement.
        #expect(confirmations.count == 1 && confirmations.first?.0 == "confirm" && confirmations.first?.2 == true)
        #expect(
            actions == [
                "counter.screen_enrolled", "prefill.created", "counter.paired", "prefill.used", "counter.confirmed", "counter.signature_captured",
            ], "\(actions)")
    }

    /// The whole counter to the end in one browser: the customer pre-fills on a phone-sized window and gets a code;
    /// the teller picks it up and pairs; after the signature the teller makes the voucher; the receipt
    /// link and its QR code appear on the screen; the downloaded PDF validates in pyHanko; /verify says it holds,
    /// that a copy with one changed byte does not, and that its receipt number holds.
    @Test func theCustomerLeavesWithASealedReceiptThatValidatesInPyHanko() async throws {
        let artifacts = Repository.artifacts("counter-receipt")
        let run = try await BrowserCheck.run(
            "counter.py", arguments: ["--password", WebHarness.password, "--artifacts", artifacts, "--receipt"],
            environment: [
                // The auditor's walk reads today's report: rolled every two seconds here.
                "COUNTERSIGN_REPORT_ROLL_SECONDS": "2",
                "COUNTERSIGN_WITNESS_P12": SealRegistryTests.pki.appendingPathComponent("witness.p12").path,
                "COUNTERSIGN_TSA_P12": SealRegistryTests.pki.appendingPathComponent("tsa.p12").path,
                "COUNTERSIGN_PKI_DIR": SealRegistryTests.pki.path,
                "COUNTERSIGN_TSA_ROOTS": SealRegistryTests.pki.appendingPathComponent("tsa-root.pem").path,
                "COUNTERSIGN_P12_PASSWORD": DevelopmentPKI.password,
                "COUNTERSIGN_TRUSTED_ROOTS": SealRegistryTests.pki.appendingPathComponent("root-ca.pem").path,
            ]
        ) { db in
            let registry = try SealRegistryTests.registry()
            try await db.with(db.owner) { _ = try await registry.importSeals(into: $0, password: DevelopmentPKI.password, actor: "test") }
        } whileServing: { service, run in
            // Issue #18, part 4: the auditor finds this customer's transaction and reads its evidence.
            try await AuditorBrowserTests.walk(service, run)
        }
        let db = run.db

        let oracle = try await ChildProcess.run(
            "/usr/bin/env",
            [
                "python3", Repository.path("Tests/oracles/pyhanko_validate.py"), artifacts + "/receipt.pdf",
                SealRegistryTests.pki.appendingPathComponent("root-ca.pem").path,
                SealRegistryTests.pki.appendingPathComponent("tsa-root.pem").path,
            ])
        let verdicts = oracle.output.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: any Sendable]
        }
        // The customer's signature, the seal, and the archive time-stamp over the whole file (B-LTA).
        #expect(verdicts.count == 3, "\(oracle.output)\(oracle.errors)")
        #expect(verdicts.allSatisfy { $0["valid"] as? Bool == true && $0["intact"] as? Bool == true && $0["trusted"] as? Bool == true })
        let actions = try await db.with(db.owner) { database in
            try await database.read { tx in
                try await tx.query(
                    "SELECT action FROM audit_events WHERE (action LIKE 'receipt.%' OR action LIKE 'voucher.%') AND action <> 'voucher.read' ORDER BY at, seq"
                )
                .collect().map { try $0.decode(String.self) }
            }
        }
        #expect(actions == ["voucher.rendered", "voucher.customer_signed", "receipt.issued", "receipt.downloaded"], "\(actions)")

        // The receipt is for a booked transaction that went through cross-terminal authorization and was committed.
        let line = try #require(try JSONSerialization.jsonObject(with: Data(run.lastLine.utf8)) as? [String: Any])
        let transaction = try #require(line["transaction"] as? String)
        let request = try #require(line["request"] as? String)
        let (booked, steps) = try await db.with(db.owner) { database in
            try await database.read { tx in
                (
                    try await tx.query(
                        """
                        SELECT t.state, q.mode, q.state, d.officer_id FROM receipts r JOIN teller_transactions t ON t.id = r.transaction_id
                        JOIN authz_requests q ON q.transaction_id = t.id JOIN authz_decisions d ON d.request_id = q.id
                        WHERE t.id = \(transaction)
                        """
                    ).collect().map { try $0.decode((String, String, String, String).self) },
                    try await tx.query(
                        "SELECT action FROM audit_events WHERE subject = \("txn:" + transaction) OR subject = \("authz:" + request) ORDER BY at, seq"
                    ).collect().map { try $0.decode(String.self) }
                )
            }
        }
        #expect(booked.count == 1 && booked.first! == ("committed", "cross-terminal", "committed", "super1"), "\(booked)")
        // After the commit only the auditor's readings of it (AuditorBrowserTests).
        let story = steps.filter { $0 != "evidence.viewed" }
        #expect(story.first == "authz.intercepted" && story.last == "txn.committed" && story.contains("authz.approved"), "\(steps)")
        #expect(steps.drop { $0 != "txn.committed" }.dropFirst().allSatisfy { $0 == "evidence.viewed" }, "\(steps)")
    }

    /// Issue #15: three customers in a row at one counter (Tests/Browser/counter_day.py), the screen and the teller's
    /// console reloaded at every step, the second a walk-in keyed on a blank form, the third customer's signature
    /// over 2,000 points drawn in the browser: three
    /// sealed vouchers, every session closed, and the audit trail intact. Screenshots: test-artifacts/counter-day/.
    @Test func threeCustomersInARowWithAReloadAtEveryStep() async throws {
        let run = try await BrowserCheck.run(
            "counter_day.py", arguments: ["--password", WebHarness.password, "--artifacts", Repository.artifacts("counter-day")],
            environment: [
                "COUNTERSIGN_WITNESS_P12": SealRegistryTests.pki.appendingPathComponent("witness.p12").path,
                "COUNTERSIGN_TSA_P12": SealRegistryTests.pki.appendingPathComponent("tsa.p12").path,
                "COUNTERSIGN_PKI_DIR": SealRegistryTests.pki.path,
                "COUNTERSIGN_TSA_ROOTS": SealRegistryTests.pki.appendingPathComponent("tsa-root.pem").path,
                "COUNTERSIGN_P12_PASSWORD": DevelopmentPKI.password,
                "COUNTERSIGN_TRUSTED_ROOTS": SealRegistryTests.pki.appendingPathComponent("root-ca.pem").path,
            ]
        ) { db in
            let registry = try SealRegistryTests.registry()
            try await db.with(db.owner) { _ = try await registry.importSeals(into: $0, password: DevelopmentPKI.password, actor: "test") }
        }
        let db = run.db
        let served = try #require(try JSONSerialization.jsonObject(with: Data(run.lastLine.utf8)) as? [String: Any], "\(run.lastLine)")
        #expect((served["served"] as? [Any])?.count == 3)
        #expect(try await WebHarness.count("SELECT count(*)::int FROM vouchers WHERE state = 'sealed'", in: db) == 3)
        #expect(try await WebHarness.count("SELECT count(*)::int FROM counter_sessions WHERE closed_at IS NULL", in: db) == 0)
        #expect(try await WebHarness.count("SELECT max(points)::int FROM counter_signatures", in: db) >= 2000)
        // The second customer walked in: three vouchers from two pre-fills.
        #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'prefill.used'", in: db) == 2)
        let report = try await db.with(db.app) { try await AuditVerification.verify($0) }
        #expect(report.isIntact, "\(report.breaks)")
    }

    /// Issue #15: errors beside what caused them, cleared when that step succeeds (Tests/Browser/counter_withdraw.py),
    /// and a booked transaction the customer no longer wants withdrawn by the teller while it waits for
    /// authorization: the request withdrawn, the transaction finished, the session ended as cancelled (not
    /// rejected), each step audited.
    @Test func errorsStandBesideTheirCauseAndTheTellerWithdrawsATransactionTheCustomerNoLongerWants() async throws {
        struct Outcome: Decodable {
            let transaction: String
            let request: String
        }
        let run = try await BrowserCheck.run(
            "counter_withdraw.py", arguments: ["--password", WebHarness.password, "--artifacts", Repository.artifacts("counter-withdraw")])
        let db = run.db
        let outcome = try JSONDecoder().decode(Outcome.self, from: Data(run.lastLine.utf8))
        try await db.with(db.owner) { database in
            try await database.read { tx in
                let states = try await tx.query(
                    """
                    SELECT t.state, r.state, w.reason FROM teller_transactions t JOIN authz_requests r ON r.transaction_id = t.id
                    JOIN txn_withdrawals w ON w.transaction_id = t.id WHERE t.id = \(outcome.transaction) AND r.id = \(outcome.request)
                    """
                ).collect().map { try $0.decode((String, String, String).self) }
                #expect(states.count == 1 && states.first?.0 == "abandoned" && states.first?.1 == "withdrawn")
                #expect(states.first?.2 == "客户改变主意，不再取款")
                let ended = try await tx.query(
                    """
                    SELECT s.ended_how FROM counter_screens s JOIN counter_transactions c ON c.session_id = s.ended_session
                    WHERE c.transaction_id = \(outcome.transaction)
                    """
                ).collect().map { try $0.decode(String.self) }
                #expect(ended == ["cancelled"])
                let actions = try await tx.query(
                    "SELECT action FROM audit_events WHERE action IN ('txn.withdrawn', 'counter.cancelled') ORDER BY at, seq"
                ).collect().map { try $0.decode(String.self) }
                #expect(actions == ["txn.withdrawn", "counter.cancelled"])
            }
        }
        let report = try await db.with(db.app) { try await AuditVerification.verify($0) }
        #expect(report.isIntact, "\(report.breaks)")
    }
}
