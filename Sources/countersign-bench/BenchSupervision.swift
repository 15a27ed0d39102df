import Accounts
import ArgumentParser
import CommandSupport
import Forms
import Foundation
import Storage

/// `countersign-bench supervision`: what auditors ask of a year of data — searches by each filter over a day, a month
/// and the year, the next page, one transaction's evidence, reports by day, month, quarter and year — against a
/// running service on a database seeded by `countersign seed --synthetic`; p50 and p95 per kind (target: every one
/// under 300 ms at p95, issue #18 part 6).
struct BenchSupervision: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervision", abstract: "Auditors' searches, evidence pages and reports on a seeded year: latency per kind.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "The running service.") var host = "127.0.0.1"
    @Option(help: "The running service's port.") var port = 8080
    @Option(help: "Auditors asking at once, one request in flight each.") var connections = 2
    @Option(help: "Seconds to measure, after a 2-second warm-up.") var seconds = 30
    @Option(help: "The seeded year's last day (YYYY-MM-DD), as given to seed --synthetic.") var lastDay: String
    @Option(help: "The seeded year's days.") var days = 365
    @Option(help: "The seeded branches (SB001…).") var branches = 100
    @Option(help: "The seeded tellers (st00001…).") var tellers = 2000
    @Option(help: "The seeded officers (so001…).") var officers = 50
    @Option(help: "The seeded transactions (T8…).") var transactions = 5_000_000
    @OptionGroup var json: JSONOutput

    func validate() throws {
        guard (1...64).contains(connections), (1...600).contains(seconds), CivilDate(iso: lastDay) != nil else {
            throw ValidationError("connections 1…64, seconds 1…600, --last-day YYYY-MM-DD")
        }
    }

    static let kinds = [
        "search: a day, one branch", "search: a month, one branch, amount ≥ 100,000", "search: 30 days, one teller",
        "search: 7 days, one officer", "search: the year, state abandoned", "search: the year, code card-loss, USD",
        "search: the next page", "search: by voucher or request id", "evidence page", "report: day by branch",
        "report: month by teller", "report: quarter by officer", "report: year by branch", "report: year by teller, CSV",
        "trail: a day, one branch", "trail: 30 days, one teller", "trail: the year, one officer's rejections",
        "trail: the year, one transaction's events", "trail: the year, lockouts",
    ]

    func run() async throws {
        let logger = try options.makeLogger()
        let password = SessionToken.generate().value
        let hash = try PasswordHash.make(password: password, rounds: 1 << 10)
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let auditors = (0..<connections).map { "ba\(run)-\($0)" }
        try await Database.with(try options.ownerDatabase(), logger: logger) { database in
            try await database.transaction { tx in
                try await Directory.addBranch(
                    code: "BENCHHQ", zh: "基准总行", en: "Bench head office", kind: "head_office", actor: "system:bench", in: tx)
                for auditor in auditors {
                    try await Directory.addUser(
                        id: auditor, name: auditor, branch: "BENCHHQ", role: .auditor, hash: hash, actor: "system:bench", in: tx)
                }
            }
        }
        let last = CivilDate(iso: lastDay)!
        let recorders = Dictionary(uniqueKeysWithValues: Self.kinds.map { ($0, LatencyRecorder()) })
        let start = ContinuousClock.now + .seconds(2)
        let deadline = start + .seconds(seconds)
        let plan = (last: last, days: days, branches: branches, tellers: tellers, officers: officers, transactions: transactions)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for auditor in auditors {
                group.addTask {
                    try await BenchHTTP.with(host: host, port: port) { http in
                        try await http.login(auditor, password: password)
                        var generator = SystemRandomNumberGenerator()
                        var i = Int.random(in: 0..<Self.kinds.count, using: &generator)
                        while ContinuousClock.now < deadline {
                            let kind = Self.kinds[i % Self.kinds.count]
                            i += 1
                            let path = Self.path(kind, plan: plan, using: &generator)
                            let began = ContinuousClock.now
                            var (status, body) = try await http.call(.GET, path)
                            if kind == "search: the next page", status == 200,
                                let next = (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["next"] as? String
                            {
                                let paged = ContinuousClock.now
                                (status, body) = try await http.call(.GET, path + "&after=\(next)")
                                if status != 200 {
                                    recorders[kind]!.fail()
                                } else if paged >= start {
                                    recorders[kind]!.record(ContinuousClock.now - paged)
                                }
                                continue
                            }
                            let ended = ContinuousClock.now
                            guard status == 200 else {
                                recorders[kind]!.fail()
                                continue
                            }
                            if began >= start, kind != "search: the next page" { recorders[kind]!.record(ended - began) }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let cases = Self.kinds.map { BenchCase($0, recorders[$0]!.latencies, seconds: Double(seconds)) }
        let result = BenchRun(
            bench: "supervision",
            settings: [
                "auditors": "\(connections)", "seconds measured": "\(seconds)", "transactions seeded": "\(transactions)",
                "branches": "\(branches)", "tellers": "\(tellers)", "days": "\(days)",
            ],
            cases: cases)
        print("bench supervision: \(connections) auditors, \(seconds) s measured, \(result.cores) cores, on \(transactions) seeded transactions")
        print(result.table)
        try json.write(result)
    }

    typealias Plan = (last: CivilDate, days: Int, branches: Int, tellers: Int, officers: Int, transactions: Int)

    /// The request of `kind`, on a random day, branch, teller or officer of the seeded year.
    static func path(_ kind: String, plan: Plan, using generator: inout SystemRandomNumberGenerator) -> String {
        func day(_ back: Int = 0) -> String {
            plan.last.adding(days: -Int.random(in: back..<max(back + 1, plan.days), using: &generator)).description
        }
        let branch = "SB" + String(format: "%03d", Int.random(in: 1...plan.branches, using: &generator))
        let teller = "st" + String(format: "%05d", Int.random(in: 1...plan.tellers, using: &generator))
        let officer = "so" + String(format: "%03d", Int.random(in: 1...plan.officers, using: &generator))
        let n = Int.random(in: 1...plan.transactions, using: &generator)
        let first = plan.last.adding(days: -(plan.days - 1)).description
        switch kind {
        case "search: a day, one branch": return "/api/v1/audit/transactions?from=\(day())&branch=\(branch)"
        case "search: a month, one branch, amount ≥ 100,000":
            let from = day(30)
            return "/api/v1/audit/transactions?from=\(from)&to=\(CivilDate(iso: from)!.adding(days: 30))&branch=\(branch)&min_minor=10000000"
        case "search: 30 days, one teller":
            let from = day(30)
            return "/api/v1/audit/transactions?from=\(from)&to=\(CivilDate(iso: from)!.adding(days: 30))&teller=\(teller)"
        case "search: 7 days, one officer":
            let from = day(7)
            return "/api/v1/audit/transactions?from=\(from)&to=\(CivilDate(iso: from)!.adding(days: 7))&officer=\(officer)"
        case "search: the year, state abandoned": return "/api/v1/audit/transactions?from=\(first)&to=\(plan.last)&state=abandoned"
        case "search: the year, code card-loss, USD":
            return "/api/v1/audit/transactions?from=\(first)&to=\(plan.last)&code=card-loss&currency=USD"
        case "search: the next page": return "/api/v1/audit/transactions?from=\(day())&branch=\(branch)&limit=20"
        case "search: by voucher or request id": return "/api/v1/audit/transactions?id=R8\(String(format: "%015d", (n / 10 + 1) * 10))"
        case "trail: a day, one branch": return "/api/v1/audit/events?from=\(day())&branch=\(branch)"
        case "trail: 30 days, one teller":
            let from = day(30)
            return "/api/v1/audit/events?from=\(from)&to=\(CivilDate(iso: from)!.adding(days: 30))&actor=\(teller)"
        case "trail: the year, one officer's rejections":
            return "/api/v1/audit/events?from=\(first)&to=\(plan.last)&actor=\(officer)&action=authz.rejected"
        case "trail: the year, one transaction's events":
            return "/api/v1/audit/events?from=\(first)&to=\(plan.last)&subject=txn:T8\(String(format: "%015d", n))"
        case "trail: the year, lockouts": return "/api/v1/audit/events?from=\(first)&to=\(plan.last)&action=session.locked_out"
        case "evidence page": return "/api/v1/audit/transactions/T8\(String(format: "%015d", n))"
        case "report: day by branch": return "/api/v1/reports?period=day&by=branch&date=\(day())"
        case "report: month by teller": return "/api/v1/reports?period=month&by=teller&date=\(day())"
        case "report: quarter by officer": return "/api/v1/reports?period=quarter&by=officer&date=\(day())"
        case "report: year by branch": return "/api/v1/reports?period=year&by=branch&date=\(plan.last)"
        default: return "/api/v1/reports?period=year&by=teller&date=\(plan.last)&format=csv"
        }
    }
}
