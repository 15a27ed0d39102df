import Accounts
import Foundation
import PostgresNIO
import Storage
import TestSupport
import Testing

/// Issue #18, part 1: every change of the directory takes two security administrators — one proposes, a different one
/// approves — through the API, and the application role cannot step around the second one in SQL either.
@Suite struct AdminAPITests {
    /// The harness's users plus two security administrators at head office.
    static func withAdmins(vouchers: Bool = false, _ body: @Sendable (TestAPI) async throws -> Void) async throws {
        try await WebHarness.withService(vouchers: vouchers) { client, db in
            let hash = try PasswordHash.make(password: WebHarness.password, rounds: 1 << 10).encoded
            try await db.with(db.owner) { database in
                try await database.read { tx in
                    try await WebHarness.seedAdmins(tx, hash: hash)
                }
            }
            try await body(TestAPI(client: client, db: db))
        }
    }

    static let newTeller =
        #"{"password":"correct horse","kind":"user.create","target":"teller3","details":{"display_name":"赵柜员","branch":"BR001","role":"teller"}}"#

    static func signIn(_ api: TestAPI, _ user: String, password: String = WebHarness.password, terminal: String? = nil) async throws
        -> TestAPI.Reply
    {
        let at = terminal.map { #","terminal":"\#($0)""# } ?? ""
        return try await api.call(.post, "/api/v1/sessions", token: nil, body: #"{"user":"\#(user)","password":"\#(password)"\#(at)}"#)
    }

    /// Tellers sign in at a registered terminal of their branch; administrators at none.
    static func token(_ api: TestAPI, _ user: String) async throws -> String {
        let reply = try await signIn(api, user, terminal: user.hasPrefix("teller") ? "T01" : nil)
        #expect(reply.status == .created, "\(String(decoding: reply.body, as: UTF8.self))")
        return try #require(reply.json["token"] as? String)
    }

    static func changeID(_ reply: TestAPI.Reply) throws -> Int64 {
        try #require((reply.json["id"] as? NSNumber)?.int64Value, "\(String(decoding: reply.body, as: UTF8.self))")
    }

    @Test func oneAdministratorAloneCannotAddATellerASecondOneCan() async throws {
        try await Self.withAdmins { api in
            let sec1 = try await Self.token(api, "sec1")
            let sec2 = try await Self.token(api, "sec2")
            let teller = try await Self.token(api, "teller1")
            let proposed = try await api.call(.post, "/api/v1/admin/changes", token: sec1, body: Self.newTeller)
            #expect(proposed.status == .created)
            #expect(proposed.json["state"] as? String == "proposed")
            let id = try Self.changeID(proposed)

            let byProposer = try await api.call(.post, "/api/v1/admin/changes/\(id)/approve", token: sec1, body: #"{"password":"correct horse"}"#)
            #expect(byProposer.status == .forbidden && byProposer.code == "admin.four_eyes")
            let byTeller = try await api.call(.post, "/api/v1/admin/changes/\(id)/approve", token: teller, body: #"{"password":"correct horse"}"#)
            #expect(byTeller.status == .forbidden && byTeller.code == "admin.not_administrator")
            #expect(try await Self.signIn(api, "teller3", terminal: "T01").status == .unauthorized)
            let waiting = try await api.call(.get, "/api/v1/admin/changes?state=proposed", token: sec2)
            #expect(String(decoding: waiting.body, as: UTF8.self).contains(#""target":"teller3""#))

            let approved = try await api.call(
                .post, "/api/v1/admin/changes/\(id)/approve", token: sec2, body: #"{"password":"correct horse","reason":"新员工入职"}"#)
            #expect(approved.status == .ok, "\(String(decoding: approved.body, as: UTF8.self))")
            let change = try #require(approved.json["change"] as? [String: any Sendable])
            #expect(
                change["state"] as? String == "approved" && change["decided_by"] as? String == "sec2" && change["proposed_by"] as? String == "sec1")
            let oneTime = try #require(approved.json["one_time_password"] as? String)
            let first = try await Self.signIn(api, "teller3", password: oneTime, terminal: "T01")
            #expect(first.status == .created && first.json["must_change_password"] as? Bool == true)
            try await Self.replaceOneTimePassword(api, user: "teller3", oneTime: oneTime, token: try #require(first.json["token"] as? String))

            let again = try await api.call(.post, "/api/v1/admin/changes/\(id)/approve", token: sec2, body: #"{"password":"correct horse"}"#)
            #expect(again.status == .conflict && again.code == "admin.already_decided")
            #expect(try await api.auditActions(subject: "admin_change:\(id)") == ["admin.proposed", "admin.approved"])
            try await api.auditVerifies(chain: "HQ")
        }
    }

    /// A password an administrator gave is good for one thing: choosing one's own. Until then every other call is
    /// refused; the rules and the recent passwords apply; afterwards the one-time password is gone.
    static func replaceOneTimePassword(_ api: TestAPI, user: String, oneTime: String, token: String) async throws {
        // The audit trail is not a teller's to read: before the change the gate answers, after it the role check does.
        let blocked = try await api.call(.get, "/api/v1/audit/chains", token: token)
        #expect(blocked.status == .forbidden && blocked.code == "auth.password_change_required")
        #expect(try await api.call(.get, "/api/v1/session", token: token).json["must_change_password"] as? Bool == true)
        func change(_ current: String, _ new: String) async throws -> TestAPI.Reply {
            try await api.call(.post, "/api/v1/session/password", token: token, body: #"{"current":"\#(current)","new":"\#(new)"}"#)
        }
        let weak = try await change(oneTime, "short")
        #expect(weak.status == .unprocessableContent && weak.code == "auth.weak_password")
        let same = try await change(oneTime, oneTime)
        #expect(same.status == .unprocessableContent && same.code == "auth.recent_password", "\(String(decoding: same.body, as: UTF8.self))")
        let wrong = try await change("not-the-password", "Counter-Day-2026")
        #expect(wrong.status == .unauthorized && wrong.code == "auth.invalid_credentials")
        #expect(try await change(oneTime, "Counter-Day-2026").status == .noContent)
        #expect(try await api.call(.get, "/api/v1/audit/chains", token: token).code == "auth.forbidden")
        #expect(try await Self.signIn(api, user, password: oneTime, terminal: "T01").status == .unauthorized)
        let own = try await Self.signIn(api, user, password: "Counter-Day-2026", terminal: "T01")
        #expect(own.status == .created && own.json["must_change_password"] as? Bool == false)
        #expect(try await api.auditActions(subject: "user:\(user)").contains("session.password_changed"))
    }

    /// With direct SQL the service's role can open sessions (it signs users in), so a session alone proves nothing:
    /// every administrative step also needs the administrator's own password, which the database checks against a
    /// verifier that role cannot read (migration 0037). Each refusal is asserted by what refused it.
    @Test func theApplicationRoleCannotStepAroundTheSecondAdministrator() async throws {
        try await Self.withAdmins { api in
            let sec1 = try await Self.token(api, "sec1")
            let id = try Self.changeID(try await api.call(.post, "/api/v1/admin/changes", token: sec1, body: Self.newTeller))
            try await api.db.with(api.db.app) { db in
                func refused(_ sql: PostgresQuery, by reason: String) async {
                    do {
                        // Rows are read to the end: a function's error arrives with its rows.
                        _ = try await db.read { try await $0.query(sql).collect() }
                        Issue.record("not refused: \(sql.sql)")
                    } catch {
                        #expect("\(error)".contains(reason), "\(sql.sql): \(error)")
                    }
                }
                await refused(
                    "INSERT INTO users (id, display_name, branch_code, role, password_hash) VALUES ('teller9', 'x', 'BR001', 'teller', 'x')",
                    by: "permission denied")
                await refused("UPDATE users SET active = false WHERE id = 'teller1'", by: "permission denied")
                await refused(
                    "UPDATE admin_changes SET state = 'approved', decided_by = 'sec2', decided_at = now() WHERE id = \(id)", by: "permission denied")
                await refused(
                    "INSERT INTO admin_changes (kind, target, proposed_by) VALUES ('user.deactivate', 'teller1', 'sec1')", by: "permission denied")
                await refused("SELECT verifier FROM password_verifiers", by: "permission denied")
                // Not a live session's token: the database does not know who that would be.
                await refused(
                    "SELECT * FROM admin_decide('no-such-token', 'correct horse', \(id), true, NULL, 'x', 'hash')", by: "not a live session")
                // A session the role opens itself for the second administrator: without sec2's password it is nobody.
                _ = try await db.read {
                    try await $0.query(
                        """
                        INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
                        VALUES (sha256(convert_to('forged', 'UTF8')), 'sec2', now(), now() + interval '1 hour')
                        """)
                }
                await refused(
                    "SELECT * FROM admin_decide('forged', 'a guess', \(id), true, NULL, 'x', 'hash')", by: "cannot confirm this user's password")
                await refused(
                    "SELECT user_change_own_password('forged', 'a guess', 'Taken-Over-2026', 'hash')", by: "cannot confirm this user's password")
                // The proposer's own session and password: four eyes.
                await refused(
                    "SELECT * FROM admin_decide(\(sec1), 'correct horse', \(id), true, NULL, 'x', 'hash')", by: "a second administrator approves")
                // A revoked session stays revoked.
                _ = try await db.read { try await $0.query("UPDATE sessions SET revoked_at = now() WHERE user_id = 'sec2'") }
                await refused("UPDATE sessions SET revoked_at = NULL WHERE user_id = 'sec2'", by: "a revoked session stays revoked")
            }
            // Not even the owner can record an approval by the proposer.
            try await api.db.with(api.db.owner) { db in
                await #expect(throws: (any Error).self) {
                    try await db.read {
                        try await $0.query("UPDATE admin_changes SET state = 'approved', decided_by = 'sec1', decided_at = now() WHERE id = \(id)")
                            .collect()
                    }
                }
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM users WHERE id IN ('teller3', 'teller9')", in: api.db) == 0)
            #expect(try await WebHarness.count("SELECT count(*)::int FROM admin_changes WHERE state = 'proposed'", in: api.db) == 1)
        }
    }

    @Test func aDeactivatedUserIsSignedOutAtOnceAndAResetGivesAOneTimePassword() async throws {
        try await Self.withAdmins { api in
            let sec1 = try await Self.token(api, "sec1")
            let sec2 = try await Self.token(api, "sec2")
            let teller = try await Self.token(api, "teller1")
            let id = try Self.changeID(
                try await api.call(
                    .post, "/api/v1/admin/changes", token: sec1, body: #"{"password":"correct horse","kind":"user.deactivate","target":"teller1"}"#))
            #expect(try await api.call(.get, "/api/v1/session", token: teller).status == .ok)
            #expect(
                try await api.call(.post, "/api/v1/admin/changes/\(id)/approve", token: sec2, body: #"{"password":"correct horse"}"#).status == .ok)
            #expect(try await api.call(.get, "/api/v1/session", token: teller).status == .unauthorized)
            #expect(try await Self.signIn(api, "teller1", terminal: "T01").status == .unauthorized)

            let back = try Self.changeID(
                try await api.call(
                    .post, "/api/v1/admin/changes", token: sec2, body: #"{"password":"correct horse","kind":"user.reactivate","target":"teller1"}"#))
            #expect(
                try await api.call(.post, "/api/v1/admin/changes/\(back)/approve", token: sec1, body: #"{"password":"correct horse"}"#).status == .ok)
            #expect(try await Self.signIn(api, "teller1", terminal: "T01").status == .created)

            let reset = try Self.changeID(
                try await api.call(
                    .post, "/api/v1/admin/changes", token: sec1,
                    body: #"{"password":"correct horse","kind":"user.reset_password","target":"teller1"}"#))
            let approved = try await api.call(.post, "/api/v1/admin/changes/\(reset)/approve", token: sec2, body: #"{"password":"correct horse"}"#)
            let oneTime = try #require(approved.json["one_time_password"] as? String)
            #expect(try await Self.signIn(api, "teller1", terminal: "T01").status == .unauthorized)
            let first = try await Self.signIn(api, "teller1", password: oneTime, terminal: "T01")
            try await Self.replaceOneTimePassword(api, user: "teller1", oneTime: oneTime, token: try #require(first.json["token"] as? String))
        }
    }

    @Test func whatAProposalCannotBe() async throws {
        try await Self.withAdmins { api in
            let sec1 = try await Self.token(api, "sec1")
            let sec2 = try await Self.token(api, "sec2")
            func propose(_ body: String, _ token: String) async throws -> TestAPI.Reply {
                try await api.call(.post, "/api/v1/admin/changes", token: token, body: body)
            }
            let own = try await propose(#"{"password":"correct horse","kind":"user.deactivate","target":"sec1"}"#, sec1)
            #expect(own.status == .forbidden && own.code == "admin.own_account")
            let exists = try await propose(
                #"{"password":"correct horse","kind":"user.create","target":"teller1","details":{"display_name":"x","branch":"BR001","role":"teller"}}"#,
                sec1)
            #expect(exists.status == .conflict && exists.code == "admin.user_exists")
            let branch = try await propose(
                #"{"password":"correct horse","kind":"user.create","target":"teller7","details":{"display_name":"x","branch":"BR999","role":"teller"}}"#,
                sec1)
            #expect(branch.status == .unprocessableContent && branch.code == "admin.unknown_branch")
            let role = try await propose(
                #"{"password":"correct horse","kind":"user.create","target":"teller7","details":{"display_name":"x","branch":"BR001","role":"root"}}"#,
                sec1)
            #expect(role.status == .unprocessableContent && role.code == "admin.bad_change")
            let nobody = try await propose(#"{"password":"correct horse","kind":"user.deactivate","target":"nobody"}"#, sec1)
            #expect(nobody.status == .notFound && nobody.code == "admin.unknown_user")
            #expect(try await propose(#"{"password":"correct horse","kind":"user.deactivate","target":"teller2"}"#, sec1).status == .created)
            let twice = try await propose(#"{"password":"correct horse","kind":"user.deactivate","target":"teller2"}"#, sec2)
            #expect(twice.status == .conflict && twice.code == "admin.already_proposed")
            // A reset of sec2's password is not sec2's to approve.
            let reset = try Self.changeID(try await propose(#"{"password":"correct horse","kind":"user.reset_password","target":"sec2"}"#, sec1))
            let self2 = try await api.call(.post, "/api/v1/admin/changes/\(reset)/approve", token: sec2, body: #"{"password":"correct horse"}"#)
            #expect(self2.status == .forbidden && self2.code == "admin.own_account")
            // The proposer withdraws it: a rejection by anyone, the proposer included, changes nothing.
            let withdrawn = try await api.call(
                .post, "/api/v1/admin/changes/\(reset)/reject", token: sec1, body: #"{"password":"correct horse","reason":"mistake"}"#)
            #expect(withdrawn.status == .ok && withdrawn.json["one_time_password"] == nil)
            #expect(try await Self.signIn(api, "sec2").status == .created)
        }
    }

    /// A proposal is approved within 72 hours or not at all (migration 0049): past that the second administrator is
    /// refused, the proposal can still be withdrawn, and the same change proposed again is approved as usual.
    @Test func aProposalOlderThanSeventyTwoHoursIsWithdrawnNotApproved() async throws {
        try await Self.withAdmins { api in
            let sec1 = try await Self.token(api, "sec1")
            let sec2 = try await Self.token(api, "sec2")
            let deactivate = #"{"password":"correct horse","kind":"user.deactivate","target":"teller2"}"#
            let old = try Self.changeID(try await api.call(.post, "/api/v1/admin/changes", token: sec1, body: deactivate))
            // Three days pass (the guard that keeps what was proposed is lifted for the owner's one statement).
            try await api.db.with(api.db.owner) { database in
                try await database.transaction { tx in
                    try await tx.execute(sql: "ALTER TABLE admin_changes DISABLE TRIGGER USER")
                    try await tx.execute(sql: "UPDATE admin_changes SET proposed_at = now() - interval '73 hours' WHERE id = \(old)")
                    try await tx.execute(sql: "ALTER TABLE admin_changes ENABLE TRIGGER USER")
                }
            }
            let late = try await api.call(.post, "/api/v1/admin/changes/\(old)/approve", token: sec2, body: #"{"password":"correct horse"}"#)
            #expect(late.status == .conflict && late.code == "admin.proposal_expired", "\(late.status) \(late.code)")
            #expect(try await Self.signIn(api, "teller2", terminal: "T01").status == .created)
            // While it waits, the same change cannot be proposed again; withdrawn, it can, and is approved.
            #expect(try await api.call(.post, "/api/v1/admin/changes", token: sec1, body: deactivate).code == "admin.already_proposed")
            let withdrawn = try await api.call(
                .post, "/api/v1/admin/changes/\(old)/reject", token: sec1, body: #"{"password":"correct horse","reason":"expired"}"#)
            #expect(withdrawn.status == .ok)
            let again = try Self.changeID(try await api.call(.post, "/api/v1/admin/changes", token: sec1, body: deactivate))
            #expect(
                try await api.call(.post, "/api/v1/admin/changes/\(again)/approve", token: sec2, body: #"{"password":"correct horse"}"#).status == .ok
            )
            #expect(try await Self.signIn(api, "teller2", terminal: "T01").status == .unauthorized)
            #expect(try await api.auditActions(subject: "admin_change:\(old)") == ["admin.proposed", "admin.rejected"])
        }
    }

    /// Roles and branches, terminals and an officer's authority take the same two administrators (migration 0038).
    @Test func rolesBranchesTerminalsAndAuthorityTakeTwoAdministrators() async throws {
        try await Self.withAdmins { api in
            let sec1 = try await Self.token(api, "sec1")
            let sec2 = try await Self.token(api, "sec2")
            func propose(_ body: String) async throws -> TestAPI.Reply {
                try await api.call(.post, "/api/v1/admin/changes", token: sec1, body: body)
            }
            func approve(_ reply: TestAPI.Reply) async throws {
                let id = try Self.changeID(reply)
                let approved = try await api.call(.post, "/api/v1/admin/changes/\(id)/approve", token: sec2, body: #"{"password":"correct horse"}"#)
                #expect(approved.status == .ok, "\(String(decoding: approved.body, as: UTF8.self))")
                #expect(try await api.auditActions(subject: "admin_change:\(id)") == ["admin.proposed", "admin.approved"])
            }
            func count(_ sql: String) async throws -> Int { try await WebHarness.count(sql, in: api.db) }

            // A teller becomes a supervisor: signed out, and signs in again with the new role.
            let teller = try await Self.token(api, "teller1")
            let promotion = try await propose(
                #"{"password":"correct horse","kind":"user.change_role","target":"teller1","details":{"role":"supervisor","branch":"BR001"}}"#)
            #expect(try await api.call(.get, "/api/v1/session", token: teller).status == .ok)
            try await approve(promotion)
            #expect(try await api.call(.get, "/api/v1/session", token: teller).status == .unauthorized)
            let again = try await Self.signIn(api, "teller1", terminal: "T01")
            #expect((again.json["user"] as? [String: any Sendable])?["role"] as? String == "supervisor")

            // A terminal of a branch that does not exist yet is refused; once the branch is approved, it is not.
            let early = try await propose(#"{"password":"correct horse","kind":"terminal.register","target":"BR003/T01"}"#)
            #expect(early.status == .unprocessableContent && early.code == "admin.unknown_branch")
            try await approve(
                try await propose(
                    #"{"password":"correct horse","kind":"branch.create","target":"BR003","details":{"name_zh":"广州分行营业部","name_en":"Guangzhou Branch","kind":"branch"}}"#
                ))
            try await approve(try await propose(#"{"password":"correct horse","kind":"terminal.register","target":"BR003/T01"}"#))
            #expect(try await count("SELECT count(*)::int FROM terminals WHERE branch_code = 'BR003' AND id = 'T01'") == 1)
            let twice = try await propose(
                #"{"password":"correct horse","kind":"branch.create","target":"BR003","details":{"name_zh":"x","name_en":"x","kind":"branch"}}"#)
            #expect(twice.status == .conflict && twice.code == "admin.branch_exists")

            // The new supervisor's authority: level, codes, branches served and limits, then withdrawn.
            let badLevel = try await propose(
                #"{"password":"correct horse","kind":"authority.set","target":"teller1","details":{"level":9,"codes":["*"],"limits":{"CNY":1}}}"#)
            #expect(badLevel.status == .unprocessableContent && badLevel.code == "admin.bad_change")
            try await approve(
                try await propose(
                    #"{"password":"correct horse","kind":"authority.set","target":"teller1","details":{"level":2,"codes":["*"],"branches_served":["BR002"],"limits":{"CNY":5000000,"USD":700000}}}"#
                ))
            #expect(
                try await count("SELECT count(*)::int FROM officer_authority WHERE user_id = 'teller1' AND level = 2 AND branches_served = '{BR002}'")
                    == 1)
            #expect(try await count("SELECT count(*)::int FROM officer_limits WHERE user_id = 'teller1'") == 2)
            try await approve(try await propose(#"{"password":"correct horse","kind":"authority.revoke","target":"teller1"}"#))
            #expect(try await count("SELECT count(*)::int FROM officer_authority WHERE user_id = 'teller1'") == 0)
            let nothing = try await propose(#"{"password":"correct horse","kind":"authority.revoke","target":"teller1"}"#)
            #expect(nothing.status == .conflict && nothing.code == "admin.no_change")
        }
    }

    /// The seal registry's form mapping under dual control: two seals of one branch never stamp the same form.
    @Test func aSealIsMappedToItsFormsByTwoAdministrators() async throws {
        try await Self.withAdmins(vouchers: true) { api in
            let sec1 = try await Self.token(api, "sec1")
            let sec2 = try await Self.token(api, "sec2")
            func propose(_ body: String) async throws -> TestAPI.Reply {
                try await api.call(.post, "/api/v1/admin/changes", token: sec1, body: body)
            }
            func sealFor(_ form: String) async throws -> String? {
                try await api.db.with(api.db.app) { db in
                    try await db.read { try await SealStore.seal(forForm: form, branch: "BR001", in: $0) }
                }
            }
            #expect(try await sealFor("cash-deposit") == "BR001-CASH-RECEIVED")
            let overlap = try await propose(
                #"{"password":"correct horse","kind":"seal.map","target":"BR001-BUSINESS","details":{"forms":["cash-deposit"]}}"#)
            #expect(overlap.status == .conflict && overlap.code == "admin.seal_overlap")
            let unknown = try await propose(#"{"password":"correct horse","kind":"seal.map","target":"BR009-NONE","details":{"forms":["*"]}}"#)
            #expect(unknown.status == .notFound && unknown.code == "admin.unknown_seal")
            let narrowed = try await propose(
                #"{"password":"correct horse","kind":"seal.map","target":"BR001-CASH-RECEIVED","details":{"forms":["cash-withdrawal"]}}"#)
            #expect(narrowed.status == .created)
            // Proposed is not done.
            #expect(try await sealFor("cash-deposit") == "BR001-CASH-RECEIVED")
            let id = try Self.changeID(narrowed)
            #expect(
                try await api.call(.post, "/api/v1/admin/changes/\(id)/approve", token: sec2, body: #"{"password":"correct horse"}"#).status == .ok)
            #expect(try await sealFor("cash-deposit") == "BR001-BUSINESS")
            #expect(try await sealFor("cash-withdrawal") == "BR001-CASH-RECEIVED")
        }
    }

    /// A session that can change the directory lasts an hour; a teller's, a working day.
    @Test func anAdministratorsSessionIsShorterThanATellers() async throws {
        try await Self.withAdmins { api in
            func lifetime(_ reply: TestAPI.Reply) throws -> Double {
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                let expires = try #require((reply.json["expires_at"] as? String).flatMap { formatter.date(from: $0) }, "\(reply.json)")
                return expires.timeIntervalSinceNow
            }
            let admin = try lifetime(try await Self.signIn(api, "sec1"))
            let teller = try lifetime(try await Self.signIn(api, "teller1", terminal: "T01"))
            #expect(admin > 3500 && admin <= 3600)
            #expect(teller > 8 * 3600 - 100 && teller <= 8 * 3600)
        }
    }
}
