import Accounts
import Authorization
import Crypto
import Kernel
import Services
import Storage
import Testing

/// Issue #17, part 1: the officer's desk over the same in-memory twin — the claim retried when the request was
/// widened under it, refused when someone else holds it or the teller withdrew it; a decision only by the holder,
/// within the lease, on what the officer saw, with a reason when it is not an approval.
@Suite struct OfficerDeskTwinTests {
    static let officer = UserIdentity(id: "officer1", displayName: "授权员一", branch: "CENTRE", role: .officer)
    static let other = UserIdentity(id: "officer2", displayName: "授权员二", branch: "CENTRE", role: .officer)

    /// A pending cross-terminal request for 150,000 and the desks and clock around it.
    static func pending() async throws -> (OfficerDesk, InMemoryAuthorizationRepository, RequestSnapshot, ManualTime) {
        let time = ManualTime(AuthzHarness.businessMorning())
        let repository = InMemoryAuthorizationRepository(rules: AuthzHarness.rules)
        let key = DataKey(key: SymmetricKey(size: .bits256))
        let tellers = AuthorizationDesk(
            repository: repository, rules: AuthzHarness.rules, dataKey: key, time: time, directory: AuthorizationDeskTwinTests.Directory())
        let id = try await AuthorizationDeskTwinTests.submitted(tellers, "150000.00")
        let request = try await tellers.request(
            transaction: id, mode: .crossTerminal, material: AuthorizationDeskTwinTests.material, local: nil,
            user: AuthorizationDeskTwinTests.teller, terminal: "T01")
        return (OfficerDesk(repository: repository, dataKey: key, time: time), repository, request, time)
    }

    @Test func aClaimIsTriedAgainWhenTheRequestWasWidenedUnderItAndAtMostThreeTimes() async throws {
        let (desk, repository, request, _) = try await Self.pending()
        repository.configure { $0.widenBeforeNextClaims = 2 }
        let claimed = try await desk.claim(request.id, user: Self.officer, terminal: nil)
        #expect(claimed.state == .claimed && claimed.claimedBy == "officer1")
        #expect(repository.state.withLock { $0.claimsTried } == 3)

        let (again, twin, second, _) = try await Self.pending()
        twin.configure { $0.widenBeforeNextClaims = 3 }
        let refused = await #expect(throws: AuthorizationError.self) { _ = try await again.claim(second.id, user: Self.officer, terminal: nil) }
        #expect(refused?.code == .alreadyClaimed)
        #expect(twin.state.withLock { $0.claimsTried } == 3)
    }

    @Test func aRequestHeldByAnotherOrWithdrawnIsNotClaimed() async throws {
        let (desk, repository, request, _) = try await Self.pending()
        _ = try await desk.claim(request.id, user: Self.other, terminal: nil)
        let taken = await #expect(throws: AuthorizationError.self) { _ = try await desk.claim(request.id, user: Self.officer, terminal: nil) }
        #expect(taken?.code == .alreadyClaimed)
        repository.decide(request.id, .withdrawn)
        let gone = await #expect(throws: AuthorizationError.self) { _ = try await desk.claim(request.id, user: Self.officer, terminal: nil) }
        #expect(gone?.code == .withdrawn)
    }

    @Test func onlyTheHolderDecidesWithinTheLeaseOnWhatTheySawWithAReasonToRefuse() async throws {
        let (desk, _, request, time) = try await Self.pending()
        let digests = (payload: request.payloadDigest, material: request.materialDigest)
        func decide(_ decision: String, _ reason: String?, by user: UserIdentity = Self.officer, payload: String = digests.payload) async throws
            -> RequestSnapshot
        {
            try await desk.decide(
                request.id, decision: decision, reason: reason, payloadDigest: payload, materialDigest: digests.material, user: user, terminal: nil)
        }
        let unclaimed = await #expect(throws: AuthorizationError.self) { _ = try await decide("approve", nil) }
        #expect(unclaimed?.code == .noClaim)
        _ = try await desk.claim(request.id, user: Self.officer, terminal: nil)
        let notHolder = await #expect(throws: AuthorizationError.self) { _ = try await decide("approve", nil, by: Self.other) }
        #expect(notHolder?.code == .noClaim)
        let stale = await #expect(throws: AuthorizationError.self) {
            _ = try await decide("approve", nil, payload: String(repeating: "0", count: 64))
        }
        #expect(stale?.code == .staleView)
        let silent = await #expect(throws: AuthorizationError.self) { _ = try await decide("reject", "  ") }
        #expect(silent?.code == .reasonRequired)
        let unknown = await #expect(throws: AuthorizationError.self) { _ = try await decide("maybe", nil) }
        #expect(unknown?.code == .badDecision)
        time.advance(seconds: Double(request.leaseSeconds) + 1)
        let lapsed = await #expect(throws: AuthorizationError.self) { _ = try await decide("approve", nil) }
        #expect(lapsed?.code == .leaseExpired)
    }

    @Test func theHoldersReturnGoesBackWithItsReason() async throws {
        let (desk, repository, request, _) = try await Self.pending()
        _ = try await desk.claim(request.id, user: Self.officer, terminal: nil)
        let returned = try await desk.decide(
            request.id, decision: "return", reason: "身份证复印件不清晰", payloadDigest: request.payloadDigest, materialDigest: request.materialDigest,
            user: Self.officer, terminal: nil)
        #expect(returned.state == .returned && returned.reason == "身份证复印件不清晰")
        #expect(repository.events.last?.action == "authz.returned")
        #expect(repository.events.last?.payload.canonicalText.contains("身份证复印件不清晰") == true, "the audit event carries the reason")
    }
}
