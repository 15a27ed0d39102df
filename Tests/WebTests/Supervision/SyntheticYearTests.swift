import Foundation
import Storage
import TestSupport
import Testing

/// Issue #18, part 6, in small: `countersign seed --synthetic` makes branches, tellers, officers, transactions with
/// their requests, decisions and audit events — chains that `audit verify` finds intact — and rolls the days up. Forty
/// days across a month, a quarter and a year's end: every Beijing day's figures are the records of that day, and
/// every longer period adds up to them (the year-sized run and its figures: docs/benchmarks.md).
@Suite struct SyntheticYearTests {
    @Test func aSmallSyntheticYearIsConsistentSearchableAndReported() async throws {
        let db = try await TestDatabase.fresh()
        try await AuthzHarness.seed(db, extraOfficers: 0)
        let environment = ["DATABASE_OWNER_URL": db.url(db.owner), "DATABASE_URL": db.url(db.app), "COUNTERSIGN_ENV": "development"]
        let seeded = try await CountersignBinary.run(
            [
                "seed", "--synthetic", "--branches", "3", "--tellers", "6", "--officers", "2", "--transactions", "3000", "--days", "40",
                "--last-day", "2027-01-05", "--batch", "1000",
            ], environment: environment)
        #expect(seeded.status == 0, "\(seeded.output)")
        #expect(seeded.output.contains("3000 transactions at 3 branches"), "\(seeded.output)")
        func count(_ sql: String) async throws -> Int { try await WebHarness.count(sql, in: db) }
        #expect(try await count("SELECT count(*)::int FROM teller_transactions WHERE id LIKE 'T8%'") == 3000)
        // A tenth needs authorization, each decided once; one in ten of those rejected, and then abandoned.
        #expect(try await count("SELECT count(*)::int FROM authz_requests WHERE id LIKE 'R8%'") == 300)
        #expect(try await count("SELECT count(*)::int FROM authz_decisions WHERE request_id LIKE 'R8%'") == 300)
        #expect(try await count("SELECT count(*)::int FROM authz_decisions WHERE decision = 'reject' AND request_id LIKE 'R8%'") == 30)
        // Inside the forty days, Beijing time.
        #expect(
            try await count(
                """
                SELECT count(*)::int FROM teller_transactions WHERE id LIKE 'T8%'
                AND ((submitted_at AT TIME ZONE 'UTC') + interval '8 hours')::date NOT BETWEEN '2026-11-27' AND '2027-01-05'
                """) == 0)
        // Every commit and every decision is an event in its branch's chain, and the chains verify.
        let committed = try await count("SELECT count(*)::int FROM teller_transactions WHERE id LIKE 'T8%' AND state = 'committed'")
        #expect(try await count("SELECT count(*)::int FROM audit_events WHERE chain_id LIKE 'SB%'") == committed + 300)
        let verified = try await CountersignBinary.run(["audit", "verify"], environment: environment)
        #expect(verified.status == 0, "\(verified.output)")
        // Each Beijing day's figures are that day's records, no more, no less.
        #expect(
            try await count(
                """
                SELECT count(*)::int FROM
                  (SELECT ((submitted_at AT TIME ZONE 'UTC') + interval '8 hours')::date AS d, count(*) AS n
                   FROM teller_transactions WHERE id LIKE 'T8%' GROUP BY 1) records
                FULL JOIN
                  (SELECT period_start AS d, sum(transactions) AS n FROM report_figures
                   WHERE period = 'day' AND dimension = 'branch' AND key LIKE 'SB%' GROUP BY 1) figures USING (d)
                WHERE records.n IS DISTINCT FROM figures.n
                """) == 0)
        // Months, quarters and years across the ends of November, the quarter and the year add up to the whole.
        for period in ["month", "quarter", "year"] {
            #expect(
                try await count(
                    "SELECT sum(transactions)::int FROM report_figures WHERE period = '\(period)' AND dimension = 'branch' AND key LIKE 'SB%'")
                    == 3000, "\(period)")
            #expect(
                try await count(
                    "SELECT sum(decisions)::int FROM report_figures WHERE period = '\(period)' AND dimension = 'officer' AND key LIKE 'so%'")
                    == 300, "\(period)")
        }
        #expect(try await count("SELECT count(DISTINCT period_start)::int FROM report_figures WHERE period = 'month' AND key LIKE 'SB%'") == 3)
        #expect(try await count("SELECT count(DISTINCT period_start)::int FROM report_figures WHERE period = 'year' AND key LIKE 'SB%'") == 2)
        // Seeding again goes on from where the last one stopped: with nothing left to add, it adds nothing.
        let again = try await CountersignBinary.run(
            [
                "seed", "--synthetic", "--branches", "3", "--tellers", "6", "--officers", "2", "--transactions", "10", "--days", "40", "--last-day",
                "2027-01-05",
            ],
            environment: environment)
        #expect(again.status == 0, "\(again.output)")
        #expect(try await count("SELECT count(*)::int FROM teller_transactions WHERE id LIKE 'T8%'") == 3000)
    }
}
