import Foundation
import Kernel
import Storage
import TestSupport
import Testing

/// Issue #18, part 5: reports. A morning at two branches — small withdrawals committed, central ones approved,
/// returned and rejected by an officer, one left to expire — rolled up, then read by branch, teller and officer for
/// the day, month, quarter and year, as JSON, CSV (read back by Python's csv) and XLSX (read back by openpyxl).
@Suite struct ReportsAPITests {
    static let material = [AuthzHarness.idScan, AuthzHarness.voucherImage]

    /// Python's readers, independent of ours: the CSV with the csv module, the XLSX with openpyxl; rows as JSON.
    static func readBack(_ bytes: Data, format: String) async throws -> [[String: String]] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).\(format)")
        try bytes.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import csv, json, sys
            path, kind = sys.argv[1], sys.argv[2]
            if kind == "csv":
                with open(path, newline="", encoding="utf-8-sig") as f:
                    rows = [dict(r) for r in csv.DictReader(f)]
            else:
                import openpyxl
                sheet = openpyxl.load_workbook(path, read_only=True).active
                values = list(sheet.iter_rows(values_only=True))
                rows = [{h: ("" if v is None else str(v)) for h, v in zip(values[0], r)} for r in values[1:]]
            print(json.dumps(rows))
            """
        let run = try await ChildProcess.run("/usr/bin/python3", ["-c", script, file.path, format])
        try #require(run.status == 0, "\(run.errors)")
        return try JSONDecoder().decode([[String: String]].self, from: Data(run.output.utf8))
    }

    @Test func aMorningAtTwoBranchesAddsUpInEveryPeriodAndEveryFormat() async throws {
        try await AuthzHarness.run { h in
            let (teller1, teller2) = (try await h.login("teller1"), try await h.login("teller2"))
            let officer = try await h.login("officer1", terminal: "C01")
            try await h.presence(officer, "online")
            for (teller, count) in [(teller1, 3), (teller2, 1)] {
                for _ in 0..<count {
                    let submission = AuthzHarness.submission(amount: "800.00")
                    let id = try await h.submit(teller, submission, required: false)
                    #expect(try await h.commit(teller, transaction: id, submission).status == .ok)
                }
            }
            // Three level-2 requests sent to the centre, each claimed after two minutes and decided 25 seconds later.
            var decided: [String: String] = [:]
            for (teller, decision) in [(teller1, "approve"), (teller1, "return"), (teller2, "reject")] {
                let submission = AuthzHarness.submission(amount: "250000.00")
                let id = try await h.submit(teller, submission)
                let request = try await h.requestAuthorization(teller, transaction: id, mode: "central", material: Self.material)
                h.time.advance(seconds: 120)
                #expect(try await h.claim(officer, request.id).status == .ok)
                h.time.advance(seconds: 25)
                #expect(try await h.decide(officer, request, decision, reason: decision == "approve" ? nil : "资料不全 / incomplete").status == .ok)
                if decision == "approve" {
                    let committed = try await h.commit(teller, transaction: id, submission)
                    #expect(committed.status == .ok, "\(committed.code)")
                }
                decided[decision] = id
            }
            // One more at BR002 that the officer claims and leaves: the lease runs out in their hands, then the teller's
            // wait; both are timeouts.
            let left = AuthzHarness.submission(amount: "250000.00")
            let leftID = try await h.submit(teller2, left)
            let leftRequest = try await h.requestAuthorization(teller2, transaction: leftID, mode: "central", material: Self.material)
            #expect(try await h.claim(officer, leftRequest.id).status == .ok)
            h.time.advance(seconds: 3600)
            _ = try await h.services.timeouts.sweep()
            _ = try await h.services.timeouts.sweep()
            let today = h.time.now().civil(offsetMinutes: 8 * 60)
            let day = String(format: "%04lld-%02lld-%02lld", today.year, today.month, today.day)
            let auditor = try await h.login("auditor1")
            func report(_ query: String, token: String? = nil) async throws -> TestAPI.Reply {
                try await h.call(.get, "/api/v1/reports?date=\(day)&\(query)", token: token ?? auditor)
            }
            // Nothing is rolled yet: the report says so.
            let early = try await report("period=day&by=branch")
            #expect(early.status == .ok && (early.json["rows"] as? [Any])?.isEmpty == true && early.json["through"] == nil)
            try await h.database.transaction { try await ReportStore.roll(day: day, in: $0) }

            func rows(_ reply: TestAPI.Reply) -> [String: [String: Any]] {
                Dictionary(
                    ((reply.json["rows"] as? [[String: Any]]) ?? []).map { ("\($0["key"]!)", $0) }, uniquingKeysWith: { first, _ in first })
            }
            for period in ["day", "month", "quarter", "year"] {
                let byBranch = try await report("period=\(period)&by=branch")
                #expect(byBranch.status == .ok && byBranch.json["through"] as? String == day, "\(period): \(byBranch.code)")
                let branches = rows(byBranch)
                #expect(Set(branches.keys) == ["BR001", "BR002"], "\(period)")
                let br001 = try #require(branches["BR001"])
                #expect(br001["transactions"] as? Int == 5 && br001["committed"] as? Int == 4 && br001["amount_minor"] as? Int == 25_240_000)
                #expect(br001["authorized"] as? Int == 2 && br001["decisions"] as? Int == 2 && br001["approvals"] as? Int == 1)
                #expect(br001["returns"] as? Int == 1 && br001["rejects"] as? Int == 0)
                let br002 = try #require(branches["BR002"])
                #expect(br002["transactions"] as? Int == 3 && br002["committed"] as? Int == 1 && br002["rejects"] as? Int == 1)
                #expect(br002["timeouts"] as? Int == 1 && br002["authorized"] as? Int == 2, "\(br002)")
                // From request to decision: 145 s each, under the 180 s bound.
                let latency = (byBranch.json["latency"] as? [[String: Any]])?.first { $0["key"] as? String == "BR001" }
                #expect(latency?["decided"] as? Int == 2 && latency?["p50_ms"] as? Int == 180_000 && latency?["p95_ms"] as? Int == 180_000)
                // BR002's expired request was never decided: only its rejection counts.
                let br002Latency = (byBranch.json["latency"] as? [[String: Any]])?.first { $0["key"] as? String == "BR002" }
                #expect(br002Latency?["decided"] as? Int == 1, "\(period): \(br002Latency ?? [:])")

                let tellers = rows(try await report("period=\(period)&by=teller"))
                #expect(tellers["teller1"]?["transactions"] as? Int == 5 && tellers["teller2"]?["transactions"] as? Int == 3)
                let officers = try await report("period=\(period)&by=officer")
                let officer1 = try #require(rows(officers)["officer1"])
                #expect(officer1["decisions"] as? Int == 3 && officer1["approvals"] as? Int == 1 && officer1["returns"] as? Int == 1)
                #expect(
                    officer1["rejects"] as? Int == 1 && officer1["amount_minor"] as? Int == 25_000_000 && officer1["branch"] as? String == "AC01")
                // From claim to decision: 25 s each, under the 30 s bound.
                let officerLatency = (officers.json["latency"] as? [[String: Any]])?.first
                #expect(officerLatency?["p50_ms"] as? Int == 30_000 && officerLatency?["decided"] as? Int == 3)
            }

            // The same figures downloaded, read back by independent readers.
            for format in ["csv", "xlsx"] {
                let download = try await report("period=month&by=branch&format=\(format)")
                #expect(download.status == .ok && download.headers[.contentDisposition]?.contains("attachment") == true, "\(format)")
                let read = try await Self.readBack(download.body, format: format)
                let br001 = try #require(read.first { $0["key"] == "BR001" }, "\(format): \(read)")
                // Numbers compared as numbers: the CSV writes "252400.00", the spreadsheet holds 252400.0.
                func number(_ column: String) -> Double? { br001[column].flatMap { Double($0) } }
                #expect(number("transactions") == 5 && number("committed") == 4 && number("amount") == 252_400, "\(format): \(br001)")
                #expect(number("authorization_rate") == 0.4 && number("return_rate") == 0.5 && number("p50_seconds") == 180, "\(format): \(br001)")
                #expect(br001["period"] == "month" && br001["by"] == "branch" && br001["code"] == "cash-withdrawal", "\(format): \(br001)")
                #expect(read.count == 2, "\(format)")
            }

            // A branch's supervisor reads their own branch only; tellers none; nonsense is refused by name.
            let supervisor = try await h.login("super1")
            #expect(Set(rows(try await report("period=day&by=teller", token: supervisor)).keys) == ["teller1"])
            #expect(try await report("period=day&branch=BR002", token: supervisor).code == "supervision.forbidden")
            #expect(try await report("period=day", token: teller1).code == "supervision.forbidden")
            for bad in ["period=week", "by=customer", "date=2026-02-30", "format=pdf", "branch=%00"] {
                let refused = try await h.call(.get, "/api/v1/reports?\(bad)", token: auditor)
                #expect(refused.status == .badRequest && refused.code == "supervision.bad_query", "\(bad): \(refused.code)")
            }
            // Another day's report is its own: empty until rolled.
            let tomorrow = try await h.call(.get, "/api/v1/reports?period=day&date=2099-01-01", token: auditor)
            #expect((tomorrow.json["rows"] as? [Any])?.isEmpty == true)
            // A teller moves to the other branch and works there the same day: the period has a row for each branch
            // they were at, and rolling goes on (one transfer once made every later roll of the year fail).
            try await h.db.with(h.db.owner) { database in
                try await database.transaction { try await $0.execute(sql: "UPDATE users SET branch_code = 'BR002' WHERE id = 'teller1'") }
            }
            let moved = try await h.login("teller1")
            let there = AuthzHarness.submission(amount: "900.00")
            let thereID = try await h.submit(moved, there, required: false)
            #expect(try await h.commit(moved, transaction: thereID, there).status == .ok)
            try await h.database.transaction { try await ReportStore.roll(day: day, in: $0) }
            for period in ["day", "year"] {
                let byTeller = try await report("period=\(period)&by=teller")
                let teller1 = ((byTeller.json["rows"] as? [[String: Any]]) ?? []).filter { $0["key"] as? String == "teller1" }
                #expect(Set(teller1.compactMap { $0["branch"] as? String }) == ["BR001", "BR002"], "\(period): \(teller1)")
            }

            // Only the function writes the figures.
            await #expect(throws: StorageError.self) {
                try await h.database.transaction { try await $0.execute(sql: "DELETE FROM report_figures") }
            }
        }
    }
}
