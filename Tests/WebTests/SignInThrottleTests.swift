import Audit
import Foundation
import Kernel
import Services
import Testing
import Web

/// Password guessing is slowed, then locked out, per user and per address, on the service's clock (issue #13).
@Suite struct SignInThrottleTests {
    @Test func freeFailuresThenGrowingDelaysThenOneLockout() {
        let time = ManualTime(Timestamp(microsecondsSinceEpoch: 1_800_000_000_000_000))
        let throttle = SignInThrottle(time: time)
        var lockouts: [SignInThrottle.Lockout] = []
        for _ in 0..<3 {
            #expect(throttle.check(user: "super1", address: "10.0.0.1") == .allowed)
            lockouts += throttle.failed(user: "super1", address: "10.0.0.1")
        }
        // The fourth failure makes the next try wait 1 s, the fifth 2 s, the sixth 4 s …
        #expect(throttle.check(user: "super1", address: "10.0.0.1") == .allowed)
        lockouts += throttle.failed(user: "super1", address: "10.0.0.1")
        #expect(throttle.check(user: "super1", address: "10.0.0.1") == .refused(retryAfterSeconds: 1, locked: false))
        time.advance(seconds: 1)
        lockouts += throttle.failed(user: "super1", address: "10.0.0.1")
        #expect(throttle.check(user: "super1", address: "10.0.0.2") == .refused(retryAfterSeconds: 2, locked: false))
        for _ in 5..<10 {
            time.advance(seconds: 60)
            lockouts += throttle.failed(user: "super1", address: "10.0.0.1")
        }
        #expect(lockouts == [.started(key: "user:super1", seconds: 900)])
        #expect(throttle.check(user: "super1", address: "10.0.0.9") == .refused(retryAfterSeconds: 900, locked: true))
        // Another user from the same address is not locked (the address has ten free failures).
        #expect(throttle.check(user: "super2", address: "10.0.0.1") == .allowed)
        time.advance(seconds: 900)
        #expect(throttle.check(user: "super1", address: "10.0.0.9") == .allowed)
        // After the lockout the count starts again.
        #expect(throttle.failed(user: "super1", address: "10.0.0.9").isEmpty)
        #expect(throttle.check(user: "super1", address: "10.0.0.9") == .allowed)
    }

    @Test func oneAddressTryingManyUsersIsLockedOut() {
        let time = ManualTime(Timestamp(microsecondsSinceEpoch: 1_800_000_000_000_000))
        let throttle = SignInThrottle(time: time)
        var lockouts: [SignInThrottle.Lockout] = []
        for index in 0..<50 {
            time.advance(seconds: 11)
            lockouts += throttle.failed(user: "user\(index)", address: "10.9.9.9")
        }
        #expect(lockouts == [.started(key: "address:10.9.9.9", seconds: 900)])
        #expect(throttle.check(user: "someone-else", address: "10.9.9.9") == .refused(retryAfterSeconds: 900, locked: true))
        #expect(throttle.check(user: "someone-else", address: "10.9.9.8") == .allowed)
    }

    @Test func aRightPasswordStartsTheUsersCountAgain() {
        let throttle = SignInThrottle(time: ManualTime())
        for _ in 0..<3 { _ = throttle.failed(user: "teller1", address: "10.0.0.1") }
        throttle.succeeded(user: "teller1")
        for _ in 0..<3 { _ = throttle.failed(user: "teller1", address: "10.0.0.1") }
        #expect(throttle.check(user: "teller1", address: "10.0.0.1") == .allowed)
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
    /// on every instance at once: the right password works again without waiting out the lockout.
    @Test func twoAdministratorsUnlockALockedOutUser() async throws {
        try await AuthzHarness.run { h in
            for attempt in 0..<12 {
                _ = try await h.call(.post, "/api/v1/sessions", token: nil, body: #"{"user":"super1","password":"guess"}"#)
                h.time.advance(seconds: attempt < 10 ? 61 : 1)
            }
            let right = #"{"user":"super1","password":"\#(WebHarness.password)"}"#
            let locked = try await h.call(.post, "/api/v1/sessions", token: nil, body: right)
            #expect(locked.status == .tooManyRequests && locked.code == "auth.locked")
            try await waitUntil { h.signIn.followingUnlocks.load(ordering: .acquiring) }
            let sec1 = try await h.login("sec1")
            let sec2 = try await h.login("sec2")
            let proposed = try await h.call(
                .post, "/api/v1/admin/changes", token: sec1, body: #"{"password":"correct horse","kind":"user.unlock","target":"super1"}"#)
            let id = try #require((proposed.json["id"] as? NSNumber)?.int64Value, "\(String(decoding: proposed.body, as: UTF8.self))")
            // Proposed is not unlocked.
            #expect(try await h.call(.post, "/api/v1/sessions", token: nil, body: right).status == .tooManyRequests)
            #expect(try await h.call(.post, "/api/v1/admin/changes/\(id)/approve", token: sec2, body: #"{"password":"correct horse"}"#).status == .ok)
            // The announcement reaches the instance at commit; no clock moves meanwhile.
            try await waitUntil { try await h.call(.post, "/api/v1/sessions", token: nil, body: right).status == .created }
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
