import Audit
import Foundation
import Kernel
import Services
import Storage
import Testing
import Web

/// Password guessing is slowed, then locked out, per user and per address, on the service's clock (issue #13), with the
/// counts shared by every instance (issue #18).
@Suite struct SignInThrottleTests {
    @Test func freeFailuresThenGrowingDelaysThenOneLockout() async throws {
        try await AuthzHarness.run { h in
            let time = ManualTime(Timestamp(microsecondsSinceEpoch: 1_800_000_000_000_000))
            let throttle = Counts(SignInThrottle(time: time), h.database)
            var lockouts: [SignInThrottle.Lockout] = []
            for _ in 0..<3 {
                #expect(try await throttle.check("super1", "10.0.0.1").lockouts == [])
                lockouts += try await throttle.failed("super1", "10.0.0.1")
            }
            // The fourth failure makes the next try wait 1 s, the fifth 2 s, the sixth 4 s …
            #expect(try await throttle.check("super1", "10.0.0.1").lockouts == [])
            lockouts += try await throttle.failed("super1", "10.0.0.1")
            #expect(try await throttle.check("super1", "10.0.0.1") == .refused(retryAfterSeconds: 1, locked: false))
            time.advance(seconds: 1)
            lockouts += try await throttle.failed("super1", "10.0.0.1")
            #expect(try await throttle.check("super1", "10.0.0.2") == .refused(retryAfterSeconds: 2, locked: false))
            for _ in 5..<10 {
                time.advance(seconds: 60)
                lockouts += try await throttle.failed("super1", "10.0.0.1")
            }
            #expect(lockouts == [.started(key: "user:super1", seconds: 900)])
            #expect(try await throttle.check("super1", "10.0.0.9") == .refused(retryAfterSeconds: 900, locked: true))
            // Another user from the same address is not locked (the address has ten free failures).
            #expect(try await throttle.check("super2", "10.0.0.1").lockouts == [])
            time.advance(seconds: 900)
            #expect(try await throttle.check("super1", "10.0.0.9").lockouts == [])
            // After the lockout the count starts again.
            #expect(try await throttle.failed("super1", "10.0.0.9").isEmpty)
            #expect(try await throttle.check("super1", "10.0.0.9").lockouts == [])
        }
    }

    @Test func oneAddressTryingManyUsersIsLockedOutAndQuietKeysAreForgotten() async throws {
        try await AuthzHarness.run { h in
            let time = ManualTime(Timestamp(microsecondsSinceEpoch: 1_800_000_000_000_000))
            let throttle = Counts(SignInThrottle(time: time), h.database)
            var lockouts: [SignInThrottle.Lockout] = []
            for index in 0..<50 {
                time.advance(seconds: 11)
                lockouts += try await throttle.failed("user\(index)", "10.9.9.9")
            }
            #expect(lockouts == [.started(key: "address:10.9.9.9", seconds: 900)])
            #expect(try await throttle.check("someone-else", "10.9.9.9") == .refused(retryAfterSeconds: 900, locked: true))
            #expect(try await throttle.check("someone-else", "10.9.9.8").lockouts == [])
            // A spray of unknown names leaves a row each; once quiet, later failures take them away a few at a time.
            #expect(try await WebHarness.count("SELECT count(*)::int FROM sign_in_failures", in: h.db) == 51)
            time.advance(seconds: 3600)
            for _ in 0..<7 {
                time.advance(seconds: 61)
                _ = try await throttle.failed("teller1", "10.0.0.1")
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM sign_in_failures", in: h.db) == 2)
        }
    }

    @Test func aRightPasswordStartsTheUsersCountAgain() async throws {
        try await AuthzHarness.run { h in
            let throttle = Counts(SignInThrottle(time: ManualTime()), h.database)
            for _ in 0..<3 { _ = try await throttle.failed("teller1", "10.0.0.1") }
            let right = try await h.database.transaction { try await throttle.throttle.admit(user: "teller1", address: "10.0.0.1", in: $0) }
            guard case .admitted(let attempt) = right else { throw HarnessFailure("refused: \(right)") }
            try await h.database.transaction { try await throttle.throttle.succeeded(user: "teller1", attempt: attempt, in: $0) }
            for _ in 0..<3 { _ = try await throttle.failed("teller1", "10.0.0.1") }
            #expect(try await throttle.check("teller1", "10.0.0.1").lockouts == [])
            // A branch's sign-ins from one address are counted when let through and given back when right: sixty in a
            // row leave the address as it was, never slowed.
            for _ in 0..<60 {
                let signIn = try await h.database.transaction { try await throttle.throttle.admit(user: "teller2", address: "10.0.0.7", in: $0) }
                guard case .admitted(let attempt) = signIn else { throw HarnessFailure("refused: \(signIn)") }
                try await h.database.transaction { try await throttle.throttle.succeeded(user: "teller2", attempt: attempt, in: $0) }
            }
            #expect(try await throttle.check("teller9", "10.0.0.7").lockouts == [])
            #expect(
                try await WebHarness.count("SELECT coalesce(sum(failures), 0)::int FROM sign_in_failures WHERE key = 'address:10.0.0.7'", in: h.db)
                    == 0)
        }
    }

    /// Two instances count the same guesses (the counts are in PostgreSQL): guesses made alternately on each lock
    /// the user out on both, and of many failures recorded at once on both, exactly one starts the lockout.
    @Test func guessesOnTwoInstancesAddUpToOneLockout() async throws {
        try await AuthzHarness.run { h in
            let first = CredentialCheck(database: h.database, protection: SignInProtection(time: h.time))
            let second = CredentialCheck(database: h.database, protection: SignInProtection(time: h.time))
            for attempt in 0..<10 {
                let instance = attempt.isMultiple(of: 2) ? first : second
                await #expect(throws: AccessError.self) {
                    _ = try await instance.verify(user: "super2", password: "guess", terminal: nil, address: "10.0.0.\(attempt)")
                }
                h.time.advance(seconds: 61)
            }
            for instance in [first, second] {
                let refused = await #expect(throws: AccessError.self) {
                    _ = try await instance.verify(user: "super2", password: WebHarness.password, terminal: nil, address: "10.1.1.1")
                }
                #expect(refused?.code == .locked)
            }
            #expect(try await h.auditActions(subject: "user:super2").filter { $0 == "session.locked_out" } == ["session.locked_out"])

            // Sent all at once, guesses meet the delays as if sent one after another: three free ones and a fourth
            // go through, the rest wait — whichever instance they reach.
            let throttles = [SignInThrottle(time: h.time), SignInThrottle(time: h.time)]
            let admissions = try await withThrowingTaskGroup(of: SignInThrottle.Admission.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        try await h.database.transaction {
                            try await throttles[index % 2].admit(user: "officer2", address: "10.2.2.\(index)", in: $0)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(admissions.filter { $0.lockouts == [] }.count == 4)
            #expect(admissions.filter { if case .refused(_, locked: false) = $0 { true } else { false } }.count == 20)
        }
    }

    /// Nine wrong passwords, then six attempts at once on two instances, the right one among them: exactly one goes
    /// through. Either it is the right one (signed in, the count given back, no lockout) or a wrong one (the tenth:
    /// locked, audited once) and the right password waits out the lockout like the rest.
    @Test func aBurstWithTheRightPasswordNeitherGetsPastNorErasesTheLockout() async throws {
        try await AuthzHarness.run { h in
            let instances = [
                CredentialCheck(database: h.database, protection: SignInProtection(time: h.time)),
                CredentialCheck(database: h.database, protection: SignInProtection(time: h.time)),
            ]
            for attempt in 0..<9 {
                _ = try? await instances[attempt % 2].verify(user: "super2", password: "guess", terminal: nil, address: "10.3.3.3")
                h.time.advance(seconds: 61)
            }
            let outcomes = await withTaskGroup(of: String.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        do {
                            _ = try await instances[index % 2].verify(
                                user: "super2", password: index == 3 ? WebHarness.password : "guess", terminal: nil, address: "10.3.3.\(index + 10)")
                            return "signed in"
                        } catch let error as AccessError {
                            return error.code.rawValue
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let lockouts = try await h.auditActions(subject: "user:super2").filter { $0 == "session.locked_out" }.count
            let through = outcomes.filter { $0 == "signed in" || $0 == "auth.invalid_credentials" }
            #expect(through.count == 1 && outcomes.filter { $0 == "auth.locked" }.count == 5, "\(outcomes)")
            if through == ["signed in"] {
                #expect(lockouts == 0)
            } else {
                #expect(lockouts == 1)
                let refused = await #expect(throws: AccessError.self) {
                    _ = try await instances[0].verify(user: "super2", password: WebHarness.password, terminal: nil, address: "10.3.3.99")
                }
                #expect(refused?.code == .locked)
            }
        }
    }

    /// Forty wrong passwords in a row for a supervisor: a few 401s, then 429s with Retry-After; one lockout in the
    /// audit trail; the right password is refused while locked and accepted after the lockout.
    @Test func guessingASupervisorsPasswordIsStoppedAndAuditedOnce() async throws {
        try await AuthzHarness.run { h in
            var statuses: [Int] = []
            for attempt in 0..<40 {
                let reply = try await h.call(.post, "/api/v1/sessions", token: nil, body: #"{"user":"super1","password":"guess"}"#)
                statuses.append(reply.status.code)
                // Past every growing delay before the lockout; a second apiece after it.
                h.time.advance(seconds: attempt < 10 ? 61 : 1)
            }
            #expect(statuses.filter { $0 == 401 }.count == 10)
            #expect(statuses.filter { $0 == 429 }.count == 30)
            #expect(try await h.auditActions(subject: "user:super1").filter { $0 == "session.login_failed" }.count == 10)
            #expect(try await h.auditActions(subject: "user:super1").filter { $0 == "session.locked_out" }.count == 1)
            let locked = try await h.call(.post, "/api/v1/sessions", token: nil, body: #"{"user":"super1","password":"\#(WebHarness.password)"}"#)
            #expect(locked.status == .tooManyRequests && locked.code == "auth.locked")
            h.time.advance(seconds: 900)
            let after = try await h.call(.post, "/api/v1/sessions", token: nil, body: #"{"user":"super1","password":"\#(WebHarness.password)"}"#)
            #expect(after.status == .created)
        }
    }

    /// Issue #18: a user locked out by wrong passwords is unlocked by two administrators (a proposal and an approval),
    /// on every instance at once (the approval deletes the shared count): the right password works again at once.
    @Test func twoAdministratorsUnlockALockedOutUser() async throws {
        try await AuthzHarness.run { h in
            for attempt in 0..<12 {
                _ = try await h.call(.post, "/api/v1/sessions", token: nil, body: #"{"user":"super1","password":"guess"}"#)
                h.time.advance(seconds: attempt < 10 ? 61 : 1)
            }
            let right = #"{"user":"super1","password":"\#(WebHarness.password)"}"#
            let locked = try await h.call(.post, "/api/v1/sessions", token: nil, body: right)
            #expect(locked.status == .tooManyRequests && locked.code == "auth.locked")
            let sec1 = try await h.login("sec1")
            let sec2 = try await h.login("sec2")
            let proposed = try await h.call(
                .post, "/api/v1/admin/changes", token: sec1, body: #"{"password":"correct horse","kind":"user.unlock","target":"super1"}"#)
            let id = try #require((proposed.json["id"] as? NSNumber)?.int64Value, "\(String(decoding: proposed.body, as: UTF8.self))")
            // Proposed is not unlocked.
            #expect(try await h.call(.post, "/api/v1/sessions", token: nil, body: right).status == .tooManyRequests)
            #expect(try await h.call(.post, "/api/v1/admin/changes/\(id)/approve", token: sec2, body: #"{"password":"correct horse"}"#).status == .ok)
            // No clock moves meanwhile.
            #expect(try await h.call(.post, "/api/v1/sessions", token: nil, body: right).status == .created)
            #expect(try await h.auditActions(subject: "admin_change:\(id)") == ["admin.proposed", "admin.approved"])
        }
    }

    /// A teller typing guesses for the supervisor's password in local mode meets the same throttle.
    @Test func guessingThroughLocalModeMeetsTheSameThrottle() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "60000.00"))
            var codes: [String] = []
            for _ in 0..<12 {
                let reply = try await h.call(
                    .post, "/api/v1/transactions/\(transaction)/authorization", token: teller,
                    body:
                        #"{"mode":"local","material":[\#(AuthzHarness.idScan),\#(AuthzHarness.voucherImage)],"supervisor":{"user":"super1","password":"guess","decision":"approve"}}"#
                )
                codes.append(reply.code)
                h.time.advance(seconds: 61)
            }
            #expect(codes.filter { $0 == "authz.local_credentials" }.count == 10)
            #expect(codes.suffix(2) == ["auth.locked", "auth.locked"])
            let signIn = try await h.call(.post, "/api/v1/sessions", token: nil, body: #"{"user":"super1","password":"\#(WebHarness.password)"}"#)
            #expect(signIn.code == "auth.locked")
        }
    }
}

/// A throttle and the database it counts in, called as the service calls it: each attempt admitted (and counted) in
/// its own transaction.
private struct Counts {
    let throttle: SignInThrottle
    let database: Database

    init(_ throttle: SignInThrottle, _ database: Database) {
        self.throttle = throttle
        self.database = database
    }

    /// Would an attempt go through now? Asked in a transaction that is rolled back: asking counts nothing.
    func check(_ user: String, _ address: String) async throws -> SignInThrottle.Admission {
        struct Asked: Error { let admission: SignInThrottle.Admission }
        do {
            try await database.transaction { tx in throw Asked(admission: try await throttle.admit(user: user, address: address, in: tx)) }
        } catch let asked as Asked {
            return asked.admission
        }
        Issue.record("the transaction was not rolled back")
        return .refused(retryAfterSeconds: 0, locked: false)
    }

    /// An attempt that goes through and fails: the lockouts it starts.
    func failed(_ user: String, _ address: String) async throws -> [SignInThrottle.Lockout] {
        switch try await database.transaction({ try await throttle.admit(user: user, address: address, in: $0) }) {
        case .admitted(let attempt): return attempt.lockouts
        case .refused(let seconds, let locked):
            Issue.record("refused for \(seconds) s (locked: \(locked))")
            return []
        }
    }
}
