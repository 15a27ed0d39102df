import Accounts
import ArgumentParser
import CommandSupport
import Forms
import Foundation
import Logging
import Storage

/// `countersign seed --synthetic`: a year of a big bank, made up, to measure searches and reports on (issue #18,
/// part 6). Batches of transactions, then each branch's audit chain, then the year's report figures, each with its
/// progress bar; development databases only.
struct SyntheticSeed {
    let plan: SyntheticYear.Plan
    let batch: Int

    func run(_ database: Database, logger: Logger) async throws {
        let started = ContinuousClock.now
        // Nobody signs in as a synthetic user: one hash of a password nobody keeps.
        let hash = try PasswordHash.make(password: UUID().uuidString + UUID().uuidString).encoded
        try await database.transaction { try await SyntheticYear.directory(plan, passwordHash: hash, in: $0) }
        // A seeding stopped halfway goes on from where it stopped.
        var first = try await database.read { try await SyntheticYear.seeded(in: $0) } + 1
        let transactions = ProgressBar(total: max(0, plan.transactions - first + 1), label: "transactions")
        while first <= plan.transactions {
            let count = min(batch, plan.transactions - first + 1)
            try await database.transaction { try await SyntheticYear.transactions(plan, first: first, count: count, in: $0) }
            first += count
            transactions.advance(by: count, note: "T8…\(first - 1)")
        }
        transactions.finish()
        let chains = ProgressBar(total: plan.branches, label: "audit chains")
        var events = 0
        for index in 0..<plan.branches {
            let branch = plan.branch(index)
            events += try await database.transaction { try await SyntheticYear.auditChain(branch: branch, in: $0) }
            chains.advance(by: 1, note: branch)
        }
        chains.finish()
        guard let last = CivilDate(iso: plan.lastDay) else { throw ValidationError("--last-day is YYYY-MM-DD") }
        let firstDay = last.adding(days: -(plan.days - 1))
        // Days rolled since they were seeded need no second roll (a resumed seeding).
        let rolled = try await database.read {
            try await ReportStore.rolledDays(first: firstDay.description, last: last.description, in: $0)
        }
        let rolls = ProgressBar(total: plan.days, label: "report days")
        for offset in stride(from: plan.days - 1, through: 0, by: -1) {
            let day = last.adding(days: -offset)
            if !rolled.contains(day.description) {
                try await database.transaction { try await ReportStore.roll(day: day.description, in: $0) }
            }
            rolls.advance(by: 1, note: day.description)
        }
        rolls.finish()
        let seconds = (ContinuousClock.now - started).components.seconds
        print(
            "seed --synthetic: \(plan.transactions) transactions at \(plan.branches) branches by \(plan.tellers) tellers over \(plan.days) days"
                + " to \(plan.lastDay), \(events) audit events, the days rolled up, in \(seconds) s")
    }
}
