import Audit
import Authorization
import Forms
import Foundation
import PostgresNIO
import Storage
import TestSupport
import Testing

/// Issue #13: the database judges every new transaction by the rule set in force, itself. Its judgement
/// (authz_decide_requirement) and the service's Interceptor must agree everywhere; the application role cannot
/// insert a transaction the rules would hold for authorization as needing none, or as needing less.
@Suite struct RulesInTheDatabaseTests {
    /// Every code and currency, every band boundary of the shipped rules and one minor unit below it, each risk,
    /// account type and channel, inside and outside business hours: the two evaluators give the same answer.
    @Test func theDatabaseAndTheInterceptorDecideAlike() async throws {
        let rules = AuthzHarness.rules
        let interceptor = Interceptor(rules: rules)
        var boundaries: Set<Int64> = [0, 1, 100]
        for rule in rules.rules {
            for bound in [rule.match.amountMinimum, rule.match.amountMaximum].compactMap({ $0 }) { boundaries.formUnion([bound - 1, bound]) }
            for band in (rule.match.amountBands ?? [:]).values {
                for bound in [band.minimum, band.below].compactMap({ $0 }) { boundaries.formUnion([bound - 1, bound]) }
            }
        }
        let v = rules.vocabulary
        // Every code, currency and boundary; the risk, account type, channel and hour rotate, so each of them meets
        // many codes, currencies and amounts (all of them for every boundary is twelve times the work: seconds of a
        // core the rest of the suite needs).
        let hours = [
            rules.businessHours.lowerBound - 1, rules.businessHours.lowerBound, rules.businessHours.upperBound, rules.businessHours.upperBound + 1,
        ]
        let risks = v.customerRisks.sorted(), types = v.accountTypes.sorted(), channels = v.channels.sorted()
        var grid: [TransactionFacts] = []
        var turn = 0
        for code in v.transactionCodes.sorted() {
            for currency in v.currencies.sorted() {
                for amount in boundaries.sorted() {
                    turn += 1
                    grid.append(
                        TransactionFacts(
                            code: code, amountMinor: amount, currency: currency, accountType: types[turn % types.count],
                            customerRisk: risks[(turn / types.count) % risks.count], channel: channels[turn % channels.count],
                            minuteOfDay: hours[(turn / 7) % hours.count]))
                }
            }
        }
        let db = try await TestDatabase.fresh()
        let factsJSON = "[" + grid.map(\.canonical.canonicalText).joined(separator: ",") + "]"
        let answers = try await db.with(db.app) { database in
            try await database.read { tx in
                let rows = try await tx.query(
                    """
                    SELECT (authz_decide_requirement(r.body, f.value))::text
                    FROM authz_rule_sets r, jsonb_array_elements(\(factsJSON)::jsonb) WITH ORDINALITY AS f(value, n)
                    WHERE r.active ORDER BY f.n
                    """)
                var texts: [String] = []
                for try await text in rows.decode(String.self) { texts.append(text) }
                return texts
            }
        }
        #expect(answers.count == grid.count)
        struct Answer: Decodable {
            let matched: [String]
            let requirement: RuleSet.Requirement?
        }
        var disagreements: [String] = []
        for (facts, text) in zip(grid, answers) {
            let theirs = try JSONDecoder().decode(Answer.self, from: Data(text.utf8))
            let ours = interceptor.decide(facts)
            if theirs.matched != ours.matchedRules || !Self.same(theirs.requirement, ours.requirement) {
                disagreements.append("\(facts.canonical.canonicalText): database \(text), service \(ours.matchedRules)")
            }
        }
        #expect(grid.count > 2_000)
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    /// The same requirement, the modes and material taken as sets (the database orders them alphabetically).
    static func same(_ a: RuleSet.Requirement?, _ b: RuleSet.Requirement?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        let sameNumbers = a.level == b.level && a.officers == b.officers && a.timeouts == b.timeouts
        return sameNumbers && Set(a.modes) == Set(b.modes) && Set(a.material) == Set(b.material)
    }

    /// The shipped rules hold a CNY 5,000,000 withdrawal for central dual authorization. As the application role,
    /// it can be inserted neither as needing none nor as needing less, nor judged by a rule set not in force.
    @Test func theApplicationRoleCannotInsertATransactionTheRulesWouldHold() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let model = try await h.submit(teller, AuthzHarness.submission(amount: "5000000.00"))
            @Sendable func copy(_ id: String, state: String, matched: String, requirement: String, version: String = "") -> PostgresQuery {
                """
                INSERT INTO teller_transactions (id, branch_code, teller_id, terminal, code, amount_minor, currency, key_id, payload_ciphertext,
                    payload_digest, rule_set_version, facts, matched_rules, requirement, state, submitted_at)
                SELECT \(id), branch_code, teller_id, terminal, code, amount_minor, currency, key_id, payload_ciphertext, payload_digest,
                    coalesce(nullif(\(version), ''), rule_set_version), facts, \(matched)::text[], \(requirement)::jsonb, \(state), submitted_at
                FROM teller_transactions WHERE id = \(model)
                """
            }
            let lower =
                #"{"level":1,"officers":1,"modes":["local"],"material":[],"timeouts":{"unclaimed_seconds":60,"lease_seconds":120,"teller_wait_seconds":300}}"#
            try await h.db.with(h.db.app) { db in
                await #expect(throws: StorageError.self, "ready, as if no rule applied") {
                    try await db.read { try await $0.query(copy("T9000000000000001", state: "ready", matched: "{}", requirement: "null")) }
                }
                await #expect(throws: StorageError.self, "a lower requirement") {
                    try await db.read {
                        try await $0.query(
                            copy("T9000000000000002", state: "needs_authorization", matched: "{cash-withdrawal-band-1}", requirement: lower))
                    }
                }
                await #expect(throws: StorageError.self, "a rule set not in force") {
                    try await db.read {
                        try await $0.query(
                            """
                            INSERT INTO teller_transactions (id, branch_code, teller_id, terminal, code, amount_minor, currency, key_id,
                                payload_ciphertext, payload_digest, rule_set_version, facts, matched_rules, requirement, state, submitted_at)
                            SELECT 'T9000000000000003', branch_code, teller_id, terminal, code, amount_minor, currency, key_id, payload_ciphertext,
                                payload_digest, '1999-01-01.1', facts, matched_rules, requirement, state, submitted_at
                            FROM teller_transactions WHERE id = \(model)
                            """)
                    }
                }
                // The matched rules as the rules say, but no requirement (SQL NULL): once let through, and then
                // committed with no approval (a review found it).
                await #expect(throws: StorageError.self, "ready with the right rules and no requirement") {
                    try await db.read {
                        try await $0.query(
                            """
                            INSERT INTO teller_transactions (id, branch_code, teller_id, terminal, code, amount_minor, currency, key_id,
                                payload_ciphertext, payload_digest, rule_set_version, facts, matched_rules, requirement, state, submitted_at)
                            SELECT 'T9000000000000006', branch_code, teller_id, terminal, code, amount_minor, currency, key_id, payload_ciphertext,
                                payload_digest, rule_set_version, facts, matched_rules, NULL, 'ready', submitted_at
                            FROM teller_transactions WHERE id = \(model)
                            """)
                    }
                }
                await #expect(throws: StorageError.self, "a requirement missing its level") {
                    try await db.read {
                        try await $0.query(
                            """
                            INSERT INTO teller_transactions (id, branch_code, teller_id, terminal, code, amount_minor, currency, key_id,
                                payload_ciphertext, payload_digest, rule_set_version, facts, matched_rules, requirement, state, submitted_at)
                            SELECT 'T9000000000000007', branch_code, teller_id, terminal, code, amount_minor, currency, key_id, payload_ciphertext,
                                payload_digest, rule_set_version, facts, matched_rules, requirement - 'level', state, submitted_at
                            FROM teller_transactions WHERE id = \(model)
                            """)
                    }
                }
                // Facts that disagree with the row: a CNY 5,000,000 row whose facts say CNY 5,000.
                await #expect(throws: StorageError.self, "facts that disagree with the amount") {
                    try await db.read {
                        try await $0.query(
                            """
                            INSERT INTO teller_transactions (id, branch_code, teller_id, terminal, code, amount_minor, currency, key_id,
                                payload_ciphertext, payload_digest, rule_set_version, facts, matched_rules, requirement, state, submitted_at)
                            SELECT 'T9000000000000004', branch_code, teller_id, terminal, code, amount_minor, currency, key_id, payload_ciphertext,
                                payload_digest, rule_set_version, jsonb_set(facts, '{amount_minor}', '500000'), '{}', NULL, 'ready', submitted_at
                            FROM teller_transactions WHERE id = \(model)
                            """)
                    }
                }
                // The same row as the rules have it is accepted: the refusals above are about the judgement alone.
                try await db.read {
                    try await $0.query(
                        """
                        INSERT INTO teller_transactions (id, branch_code, teller_id, terminal, code, amount_minor, currency, key_id,
                            payload_ciphertext, payload_digest, rule_set_version, facts, matched_rules, requirement, state, submitted_at)
                        SELECT 'T9000000000000005', branch_code, teller_id, terminal, code, amount_minor, currency, key_id, payload_ciphertext,
                            payload_digest, rule_set_version, facts, matched_rules, requirement, state, submitted_at
                        FROM teller_transactions WHERE id = \(model)
                        """)
                }
            }
            let ready = try await WebHarness.count("SELECT count(*)::int FROM teller_transactions WHERE state = 'ready'", in: h.db)
            #expect(ready == 0)
        }
    }

    /// The owner activates a new version while the service runs: the next submission is refused by the database
    /// as judged by rules no longer in force, and the instance reloads them and judges again — no restart.
    @Test func aRunningInstanceFollowsANewActivation() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let shipped = AuthzHarness.rules.version
            let before = try await h.call(.post, "/api/v1/transactions", token: teller, body: AuthzHarness.submission(amount: "45000.00"))
            #expect(before.json["authorization_required"] as? Bool == false && before.json["rule_set_version"] as? String == shipped)
            let source = try String(contentsOf: Repository.root.appendingPathComponent("Rules/authorization-rules.json"), encoding: .utf8)
            let lower =
                source
                .replacingOccurrences(of: shipped, with: "2099-01-01.1")
                .replacingOccurrences(
                    of: #""CNY": {"min": "50000.00", "below": "200000.00"}"#, with: #""CNY": {"min": "40000.00", "below": "200000.00"}"#)
            #expect(lower.contains("40000.00"))
            try await h.db.with(h.db.owner) { db in
                _ = try await db.transaction { tx in
                    try await RuleSetStore.activate(version: "2099-01-01.1", source: lower, actor: "test", at: h.time.now(), in: tx)
                }
            }
            let after = try await h.call(.post, "/api/v1/transactions", token: teller, body: AuthzHarness.submission(amount: "45000.00"))
            #expect(after.status == .created, "\(after.code)")
            #expect(after.json["authorization_required"] as? Bool == true && after.json["rule_set_version"] as? String == "2099-01-01.1")
            #expect(h.services.tellers.rules.version == "2099-01-01.1")
        }
    }

    /// `countersign rules activate` checks the file, activates a version once with one content, and audits it.
    @Test func activatingRulesIsCheckedAndAudited() async throws {
        let db = try await TestDatabase.fresh()
        let source = try String(contentsOf: Repository.root.appendingPathComponent("Rules/authorization-rules.json"), encoding: .utf8)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = ["DATABASE_OWNER_URL": db.url(db.owner), "DATABASE_URL": db.url(db.app)]
        @Sendable func activate(_ text: String) async throws -> (status: Int32, output: String) {
            let file = folder.appendingPathComponent("\(UUID().uuidString).json")
            try text.write(to: file, atomically: true, encoding: .utf8)
            return try await CountersignBinary.run(["rules", "activate", file.path, "--log-level", "error"], environment: environment)
        }
        #expect(try await activate(source).output.contains("already in force"))
        let changed = source.replacingOccurrences(of: #""level": 3"#, with: #""level": 2"#)
        let sameVersion = try await activate(changed)
        #expect(sameVersion.status != 0 && sameVersion.output.contains("new version"), "\(sameVersion.output)")
        let broken = try await activate(changed.replacingOccurrences(of: #""modes": ["central"]"#, with: #""modes": ["telepathy"]"#))
        #expect(broken.status != 0 && broken.output.contains("unknown mode"), "\(broken.output)")
        let next = try await activate(changed.replacingOccurrences(of: AuthzHarness.rules.version, with: "2099-01-01.1"))
        #expect(next.status == 0, "\(next.output)")
        let shown = try await CountersignBinary.run(["rules", "show", "--log-level", "error"], environment: environment)
        #expect(shown.output.hasPrefix("2099-01-01.1 sha256:"), "\(shown.output)")
        // The template's own activation, and this one; "already in force" and the refusals wrote nothing.
        let audited = try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'rules.activated'", in: db)
        #expect(audited == 2)
    }
}
