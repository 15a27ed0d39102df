import Foundation
import Storage
import TestSupport
import Testing

/// Issue #18, part 4 (Tests/Browser/audit.py), run against the service that has just served a customer to a sealed
/// voucher in ``CounterBrowserTests``: the auditor finds the committed transaction and opens its evidence page at a
/// desk, samples the day on a tablet; the branch's supervisor answers the finding on a phone and the auditor closes
/// it. The database then holds what the pages did.
enum AuditorBrowserTests {
    static func walk(_ service: ServiceProcess, _ run: BrowserCheck.Run) async throws {
        let line = try #require(try JSONSerialization.jsonObject(with: Data(run.lastLine.utf8)) as? [String: Any])
        let transaction = try #require(line["transaction"] as? String)
        let walked = try await ChildProcess.run(
            "/usr/bin/python3",
            [
                Repository.path("Tests/Browser/audit.py"), "--base", "http://127.0.0.1:\(service.port)", "--password", WebHarness.password,
                "--artifacts", Repository.artifacts("audit"), "--transaction", transaction, "--officer", "super1", "--amount", "60,000.00",
            ], timeout: .seconds(180))
        try #require(walked.status == 0, "audit.py failed:\n\(walked.errors)\(walked.output)")
        struct Outcome: Decodable {
            let finding: Int
            let sample: Int
        }
        let outcome = try JSONDecoder().decode(Outcome.self, from: Data((walked.output.split(separator: "\n").last.map(String.init) ?? "").utf8))
        let db = run.db
        #expect(
            try await WebHarness.count(
                "SELECT count(*)::int FROM audit_findings WHERE id = \(outcome.finding) AND state = 'closed' AND jsonb_array_length(history) = 3",
                in: db) == 1)
        #expect(
            try await WebHarness.count(
                "SELECT count(*)::int FROM audit_sample_items WHERE sample_id = \(outcome.sample) AND transaction_id = '\(transaction)' AND reviewed_by = 'auditor1'",
                in: db) == 1)
        // The voucher's PDF opened on the evidence page is in the trail.
        #expect(
            try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'voucher.read' AND actor = 'auditor1'", in: db) == 1)
        // Each opening of the evidence (and the reload) is in the trail.
        #expect(
            try await WebHarness.count(
                "SELECT count(*)::int FROM audit_events WHERE action = 'evidence.viewed' AND subject = 'txn:\(transaction)' AND actor = 'auditor1'",
                in: db) >= 2)
    }
}
