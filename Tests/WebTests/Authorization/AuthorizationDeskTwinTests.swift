import Accounts
import Authorization
import Crypto
import Kernel
import Services
import Storage
import Testing

/// Issue #17, part 1: the teller's authorization desk over its repository's in-memory twin — its own rules (modes,
/// where local mode happens, replacing an officer who left, what may be committed and what a lost race answers)
/// checked in milliseconds, without PostgreSQL. The same flows run end to end against the database in
/// AuthorizationFlowTests; the guards themselves in Tests/pgtap.
@Suite struct AuthorizationDeskTwinTests {
    struct Directory: AccountDirectory {
        func facts(_ subject: DirectorySubject) async throws -> CustomerFacts? { CustomerFacts(accountType: "personal-debit", customerRisk: "low") }
    }

    static let teller = UserIdentity(id: "teller1", displayName: "柜员一", branch: "BR001", role: .teller)
    static let material = [
        AuthorizationDesk.Upload(kind: "id_scan", mediaType: "image/jpeg", bytes: [0xFF, 0xD8, 1]),
        AuthorizationDesk.Upload(kind: "voucher_image", mediaType: "image/jpeg", bytes: [0xFF, 0xD8, 2]),
    ]
    /// Two central officers also see the teller's screen (rule cash-withdrawal-band-3).
    static let centralMaterial = material + [AuthorizationDesk.Upload(kind: "teller_screen", mediaType: "image/png", bytes: [0x89, 0x50])]

    static func desk() -> (AuthorizationDesk, InMemoryAuthorizationRepository) {
        let repository = InMemoryAuthorizationRepository(rules: AuthzHarness.rules)
        let desk = AuthorizationDesk(
            repository: repository, rules: AuthzHarness.rules, dataKey: DataKey(key: SymmetricKey(size: .bits256)),
            time: ManualTime(AuthzHarness.businessMorning()), directory: Directory())
        return (desk, repository)
    }

    static func submission(_ amount: String) -> TransactionSubmission {
        TransactionSubmission(
            code: "cash-withdrawal", amount: amount, currency: "CNY", account: "6222020200112233445", accountType: "personal-debit",
            customerRisk: "low", channel: "counter", fields: ["account": "6222020200112233445", "name": "张三"])
    }

    /// Submitted at terminal T01: 150,000 needs a supervisor (any mode), 1,500,000 two central officers.
    static func submitted(_ desk: AuthorizationDesk, _ amount: String) async throws -> String {
        try await desk.submit(submission(amount), user: teller, terminal: "T01").transactionID
    }

    @Test func aModeTheRulesDoNotAllowIsRefusedBeforeAnythingIsWritten() async throws {
        let (desk, repository) = Self.desk()
        let id = try await Self.submitted(desk, "1500000.00")
        let written = repository.events.count
        let refused = await #expect(throws: AuthorizationError.self) {
            _ = try await desk.request(
                transaction: id, mode: .crossBranch, material: Self.material, local: nil, user: Self.teller, terminal: "T01")
        }
        #expect(refused?.code == .modeNotAllowed)
        #expect(repository.events.count == written)
    }

    @Test func localModeIsDecidedOnlyAtTheTerminalTheTransactionCameFrom() async throws {
        let (desk, repository) = Self.desk()
        repository.configure { $0.supervisors["super1"] = "right" }
        let id = try await Self.submitted(desk, "150000.00")
        let local = AuthorizationDesk.LocalDecision(supervisor: "super1", password: "right", decision: "approve", reason: nil)
        let elsewhere = await #expect(throws: AuthorizationError.self) {
            _ = try await desk.request(transaction: id, mode: .local, material: Self.material, local: local, user: Self.teller, terminal: "T02")
        }
        #expect(elsewhere?.code == .localTerminal)
        let wrong = AuthorizationDesk.LocalDecision(supervisor: "super1", password: "wrong", decision: "approve", reason: nil)
        let refused = await #expect(throws: AccessError.self) {
            _ = try await desk.request(transaction: id, mode: .local, material: Self.material, local: wrong, user: Self.teller, terminal: "T01")
        }
        #expect(refused?.code == .localCredentialsRefused)
        let approved = try await desk.request(
            transaction: id, mode: .local, material: Self.material, local: local, user: Self.teller, terminal: "T01")
        #expect(approved.state == .approved)
        let committed = try await desk.commit(transaction: id, submission: Self.submission("150000.00"), user: Self.teller, terminal: "T01")
        #expect(committed.request?.state == .committed)
    }

    @Test func anOfficerWhoLeftBeforeTheRequestWasWrittenIsReplacedTwiceThenTheDeskGivesUp() async throws {
        let (desk, repository) = Self.desk()
        let id = try await Self.submitted(desk, "1500000.00")
        repository.configure {
            $0.candidates = ["officer1", "officer2", "officer3"]
            $0.gone = ["officer1", "officer2"]
        }
        let request = try await desk.request(
            transaction: id, mode: .central, material: Self.centralMaterial, local: nil, user: Self.teller, terminal: "T01")
        #expect(request.assignedTo == "officer3" && request.state == .pending)
        #expect(repository.events.filter { $0.action == "authz.requested" }.count == 1, "only the written attempt is audited")

        let (other, twin) = Self.desk()
        let second = try await Self.submitted(other, "1500000.00")
        twin.configure {
            $0.candidates = ["officer1", "officer2", "officer3"]
            $0.gone = ["officer1", "officer2", "officer3"]
        }
        let stuck = await #expect(throws: StorageError.self) {
            _ = try await other.request(
                transaction: second, mode: .central, material: Self.centralMaterial, local: nil, user: Self.teller, terminal: "T01")
        }
        #expect(stuck?.constraint == "authz_assigned_available")
    }

    @Test func onlyTheApprovedPayloadIsCommittedAndOnlyOnce() async throws {
        let (desk, repository) = Self.desk()
        let id = try await Self.submitted(desk, "150000.00")
        let notYet = await #expect(throws: AuthorizationError.self) {
            _ = try await desk.commit(transaction: id, submission: Self.submission("150000.00"), user: Self.teller, terminal: "T01")
        }
        #expect(notYet?.code == .notApproved)
        let request = try await desk.request(
            transaction: id, mode: .crossTerminal, material: Self.material, local: nil, user: Self.teller, terminal: "T01")
        repository.decide(request.id, .approved)
        let changed = await #expect(throws: AuthorizationError.self) {
            _ = try await desk.commit(transaction: id, submission: Self.submission("150000.01"), user: Self.teller, terminal: "T01")
        }
        #expect(changed?.code == .payloadChanged)
        let committed = try await desk.commit(transaction: id, submission: Self.submission("150000.00"), user: Self.teller, terminal: "T01")
        #expect(committed.transactionID == id && committed.request?.state == .committed)
        let again = await #expect(throws: AuthorizationError.self) {
            _ = try await desk.commit(transaction: id, submission: Self.submission("150000.00"), user: Self.teller, terminal: "T01")
        }
        #expect(again?.code == .alreadyCommitted)
        #expect(repository.events.filter { $0.action == "txn.committed" }.count == 1)
    }

    /// Two instances commit the same approval at once: the loser is told it was already committed, not that nothing
    /// was approved (the answer a teller can act on).
    @Test func theLoserOfACommitRaceIsToldItWasAlreadyCommitted() async throws {
        let (desk, repository) = Self.desk()
        let id = try await Self.submitted(desk, "150000.00")
        let request = try await desk.request(
            transaction: id, mode: .crossTerminal, material: Self.material, local: nil, user: Self.teller, terminal: "T01")
        repository.decide(request.id, .approved)
        repository.configure { $0.loseNextCommitRace = true }
        let lost = await #expect(throws: AuthorizationError.self) {
            _ = try await desk.commit(transaction: id, submission: Self.submission("150000.00"), user: Self.teller, terminal: "T01")
        }
        #expect(lost?.code == .alreadyCommitted)
    }

    @Test func aTransactionThatNeedsNoAuthorizationIsCommittedWithoutARequest() async throws {
        let (desk, _) = Self.desk()
        let id = try await Self.submitted(desk, "1000.00")
        let asked = await #expect(throws: AuthorizationError.self) {
            _ = try await desk.request(transaction: id, mode: .central, material: Self.material, local: nil, user: Self.teller, terminal: "T01")
        }
        #expect(asked?.code == .notOpen, "a transaction that needs no authorization is ready to commit, not open for a request")
        let committed = try await desk.commit(transaction: id, submission: Self.submission("1000.00"), user: Self.teller, terminal: "T01")
        #expect(committed.request == nil)
    }
}
