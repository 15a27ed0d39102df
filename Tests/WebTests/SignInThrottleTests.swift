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
                #expect(try await throttle.check("super1", "10.0.0.1") == .allowed)
                lockouts += try await throttle.failed("super1", "10.0.0.1")
            }
            // The fourth failure makes the next try wait 1 s, the fifth 2 s, the sixth 4 s …
            #expect(try await throttle.check("super1", "10.0.0.1") == .allowed)
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
            #expect(try await throttle.check("super2", "10.0.0.1") == .allowed)
            time.advance(seconds: 900)
            #expect(try await throttle.check("super1", "10.0.0.9") == .allowed)
            // After the lockout the count starts again.
            #expect(try await throttle.failed("super1", "10.0.0.9").isEmpty)
            #expect(try await throttle.check("super1", "10.0.0.9") == .allowed)
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
            #expect(try await throttle.check("someone-else", "10.9.9.8") == .allowed)
            // A spray of unknown names leaves a row each; once quiet, later failures take them away a few at a time.
            #expect(try await WebHarness.count("SELECT count(*)::int FROM sign_in_failures", in: h.db) == 51)
            time.advance(seconds: 3600)
            for _ in 0..<7 { _ = try await throttle.failed("teller1", "10.0.0.1") }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM sign_in_failures", in: h.db) == 2)
        }
    }

    @Test func aRightPasswordStartsTheUsersCountAgain() async throws {
        try await AuthzHarness.run { h in
            let throttle = Counts(SignInThrottle(time: ManualTime()), h.database)
            for _ in 0..<3 { _ = try await throttle.failed("teller1", "10.0.0.1") }
            try await h.database.transaction { try await throttle.throttle.succeeded(user: "teller1", in: $0) }
            for _ in 0..<3 { _ = try await throttle.failed("teller1", "10.0.0.1") }
            #expect(try await throttle.check("teller1", "10.0.0.1") == .allowed)
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

            let throttles = [SignInThrottle(time: h.time), SignInThrottle(time: h.time)]
            let started = try await withThrowingTaskGroup(of: [SignInThrottle.Lockout].self) { group in
                for index in 0..<24 {
                    group.addTask {
                        try await h.database.transaction {
                            try await throttles[index % 2].failed(user: "officer2", address: "10.2.2.\(index)", in: $0)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(started == [.started(key: "user:officer2", seconds: 900)])
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

/// A throttle and the database it counts in, called as the service calls it: checks in a read, failures in the
/// transaction that would audit them.
private struct Counts {
    let throttle: SignInThrottle
    let database: Database

    init(_ throttle: SignInThrottle, _ database: Database) {
        self.throttle = throttle
        self.database = database
    }

    func check(_ user: String, _ address: String) async throws -> SignInThrottle.Verdict {
        try await database.read { try await throttle.check(user: user, address: address, in: $0) }
    }

    func failed(_ user: String, _ address: String) async throws -> [SignInThrottle.Lockout] {
        try await database.transaction { try await throttle.failed(user: user, address: address, in: $0) }
    }
}
