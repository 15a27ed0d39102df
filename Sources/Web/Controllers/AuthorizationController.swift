import Accounts
import Audit
import Authorization
import Foundation
import Hummingbird
import Kernel
import Services
import Storage

/// Transactions and their authorization over HTTP. Tellers submit, request, resubmit and commit; supervisors and
/// officers set presence, read their queue, claim and decide. See `/openapi.yaml` for the shapes.
struct AuthorizationController: Sendable {
    let services: AuthorizationServices?

    var tellers: AuthorizationDesk {
        get throws {
            guard let services else { throw Self.notConfigured }
            return services.tellers
        }
    }

    var officers: OfficerDesk {
        get throws {
            guard let services else { throw Self.notConfigured }
            return services.officers
        }
    }

    static let notConfigured = AppError(
        .serviceUnavailable, code: "authz.not_configured", "authorization is not configured on this instance (rules or data key missing)")

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/v1/transactions", use: submit)
        router.get("/api/v1/transactions/vocabulary", use: vocabulary)
        router.post("/api/v1/transactions/{id}/authorization", use: request)
        router.post("/api/v1/transactions/{id}/commit", use: commit)
        router.post("/api/v1/transactions/{id}/withdraw", use: withdraw)
        router.get("/api/v1/authz/requests/{id}", use: show)
        router.post("/api/v1/authz/requests/{id}/resubmit", use: resubmit)
        router.post("/api/v1/authz/requests/{id}/claim", use: claim)
        router.post("/api/v1/authz/requests/{id}/decision", use: decide)
        router.get("/api/v1/authz/requests/{id}/material/{kind}", use: material)
        router.get("/api/v1/authz/queue", use: queue)
        router.put("/api/v1/authz/presence", use: presence)
        router.get("/api/v1/authz/statistics", use: statistics)
        router.get("/api/v1/authz/dashboard", use: dashboard)
    }

    // MARK: Bodies

    struct SubmitResponse: ResponseEncodable {
        let transaction: String
        let authorizationRequired: Bool
        let ruleSetVersion: String
        let matchedRules: [String]
        let requirement: RuleSet.Requirement?
        let payloadDigest: String
        /// As the bank's directory has them, for the teller to see what was judged.
        let accountType: String
        let customerRisk: String
        /// Each matched rule's description ("zh · en"), in the order of `matched_rules`: why authorization is needed,
        /// in words (e.g. why local mode is not offered after hours).
        let ruleDescriptions: [String]
        enum CodingKeys: String, CodingKey {
            case transaction, requirement
            case ruleDescriptions = "rule_descriptions"
            case accountType = "account_type"
            case customerRisk = "customer_risk"
            case authorizationRequired = "authorization_required"
            case ruleSetVersion = "rule_set_version"
            case matchedRules = "matched_rules"
            case payloadDigest = "payload_digest"
        }

        init(_ submitted: AuthorizationDesk.Submitted, payloadDigest: SHA256Hash, rules: RuleSet) {
            self.transaction = submitted.transactionID
            self.authorizationRequired = submitted.decision.required
            self.ruleSetVersion = submitted.decision.ruleSetVersion
            self.matchedRules = submitted.decision.matchedRules
            self.requirement = submitted.decision.requirement
            self.payloadDigest = payloadDigest.hex
            self.accountType = submitted.decision.facts.accountType
            self.customerRisk = submitted.decision.facts.customerRisk
            self.ruleDescriptions = submitted.decision.matchedRules.map(rules.describe)
        }
    }

    struct MaterialUpload: Decodable {
        let kind: String
        let mediaType: String
        let data: String
        enum CodingKeys: String, CodingKey {
            case kind, data
            case mediaType = "media_type"
        }
    }

    struct LocalBody: Decodable {
        let user: String
        let password: String
        let decision: String
        let reason: String?
    }

    /// A submission as a teller sends it: the account (or, to open one, the customer's resident ID) it is about,
    /// never the account type or customer risk — those are the bank's directory's.
    struct SubmissionBody: Decodable {
        let code: String
        let amount: String
        let currency: String
        let channel: String
        let fields: [String: String]
        let account: String?
        let customer: String?
        let replaces: String?
        let accountType: String?
        let customerRisk: String?
        enum CodingKeys: String, CodingKey {
            case code, amount, currency, channel, fields, account, customer, replaces
            case accountType = "account_type"
            case customerRisk = "customer_risk"
        }

        var draft: AuthorizationDesk.Draft {
            get throws {
                guard accountType == nil, customerRisk == nil else {
                    throw AuthorizationError.factsFromDirectory
                }
                let subject: DirectorySubject
                switch (account, customer) {
                case (let account?, nil) where (1...40).contains(account.count): subject = .account(account)
                case (nil, let customer?) where (1...40).contains(customer.count): subject = .customer(customer)
                default:
                    throw AppError(
                        .badRequest, code: "txn.no_subject",
                        "name the account (account) or, to open one, the customer's resident ID (customer) / 请填写账号，开户请填写客户身份证号")
                }
                return AuthorizationDesk.Draft(
                    code: code, amount: amount, currency: currency, channel: channel, fields: fields, subject: subject, replaces: replaces)
            }
        }
    }

    struct RequestBody: Decodable {
        let mode: String
        let material: [MaterialUpload]?
        let supervisor: LocalBody?
    }

    struct ResubmitBody: Decodable {
        let mode: String?
        let material: [MaterialUpload]?
    }

    struct DecisionBody: Decodable {
        let decision: String
        let reason: String?
        let payloadDigest: String
        let materialDigest: String
        enum CodingKeys: String, CodingKey {
            case decision, reason
            case payloadDigest = "payload_digest"
            case materialDigest = "material_digest"
        }
    }

    struct PresenceBody: Codable, ResponseEncodable { let status: String }

    struct RequestView: ResponseEncodable {
        let request: RequestSnapshot
        let transactionPayload: TransactionSubmission?
        /// For a counter transaction, to those who see its payload: what the customer confirmed and signed.
        var customer: CustomerSide?
        /// Why it needs authorization: the matched rules in the words of the rule set that judged it.
        var rules: [AuthorizationDesk.MatchedRule]?
        /// To the officer holding it: the earlier versions and the account's recent transactions.
        var history: RequestHistory?
        enum CodingKeys: String, CodingKey {
            case request, customer, rules, history
            case transactionPayload = "transaction_payload"
        }
    }

    struct WithdrawBody: Decodable { let reason: String }

    struct WithdrawView: ResponseEncodable {
        let transaction: String
        let state: TransactionState
        let request: RequestSnapshot?
    }

    struct QueueView: ResponseEncodable {
        let presence: OfficerPresence
        let requests: [RequestSnapshot]
    }

    struct CommitView: ResponseEncodable {
        let transaction: String
        let state: TransactionState
        let authorization: RequestSnapshot?

        init(_ committed: AuthorizationDesk.Committed, seenBy user: UserIdentity) {
            self.transaction = committed.transactionID
            self.state = .committed
            self.authorization = committed.request?.seen(by: user)
        }
    }

    struct VocabularyView: ResponseEncodable {
        let ruleSetVersion: String
        let transactionCodes: [String]
        let currencies: [String]
        let accountTypes: [String]
        let customerRisks: [String]
        let channels: [String]
        enum CodingKeys: String, CodingKey {
            case currencies, channels
            case ruleSetVersion = "rule_set_version"
            case transactionCodes = "transaction_codes"
            case accountTypes = "account_types"
            case customerRisks = "customer_risks"
        }
    }

    // MARK: Teller

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SubmitResponse> {
        let user = try context.requireUser()
        let body = try await request.decode(as: SubmissionBody.self, context: context)
        try AuthorizationDesk.requireTeller(user)
        let submission = try await tellers.resolve(try body.draft)
        let submitted = try await tellers.submit(submission, user: user, terminal: context.terminal)
        return EditedResponse(
            status: .created, headers: [.location: "/api/v1/transactions/\(submitted.transactionID)"],
            response: SubmitResponse(submitted, payloadDigest: submission.digest, rules: try tellers.rules))
    }

    /// The words a submission may use (account types, customer risks, …), for the consoles' choices.
    @Sendable func vocabulary(_ request: Request, context: AppRequestContext) async throws -> VocabularyView {
        _ = try context.requireUser()
        let words = try tellers.rules.vocabulary
        return VocabularyView(
            ruleSetVersion: try tellers.rules.version, transactionCodes: words.transactionCodes.sorted(), currencies: words.currencies.sorted(),
            accountTypes: words.accountTypes.sorted(), customerRisks: words.customerRisks.sorted(), channels: words.channels.sorted())
    }

    @Sendable func request(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<RequestSnapshot> {
        let user = try context.requireUser()
        let body = try await request.decode(as: RequestBody.self, context: context)
        let mode = try Self.mode(body.mode)
        let local = body.supervisor.map {
            AuthorizationDesk.LocalDecision(
                supervisor: $0.user, password: $0.password, decision: $0.decision, reason: $0.reason, clientAddress: context.clientAddress)
        }
        let snapshot = try await tellers.request(
            transaction: try context.parameters.require("id"), mode: mode, material: try Self.uploads(body.material), local: local, user: user,
            terminal: context.terminal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/authz/requests/\(snapshot.id)"], response: snapshot.seen(by: user))
    }

    @Sendable func resubmit(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<RequestSnapshot> {
        let user = try context.requireUser()
        try AuthorizationDesk.requireTeller(user)
        let body = try await request.decode(as: ResubmitBody.self, context: context)
        let snapshot = try await tellers.resubmit(
            request: try context.parameters.require("id"), mode: try body.mode.map(Self.mode), material: try Self.uploads(body.material), user: user,
            terminal: context.terminal)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/authz/requests/\(snapshot.id)"], response: snapshot.seen(by: user))
    }

    @Sendable func commit(_ request: Request, context: AppRequestContext) async throws -> CommitView {
        let user = try context.requireUser()
        let body = try await request.decode(as: SubmissionBody.self, context: context)
        try AuthorizationDesk.requireTeller(user)
        let committed = try await tellers.commit(
            transaction: try context.parameters.require("id"), submission: try await tellers.resolve(try body.draft), user: user,
            terminal: context.terminal)
        return CommitView(committed, seenBy: user)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> RequestView {
        let user = try context.requireUser()
        let (snapshot, payload) = try await tellers.view(request: try context.parameters.require("id"), user: user)
        var view = RequestView(request: snapshot.seen(by: user), transactionPayload: payload)
        if let payload, payload.channel == CounterBooking.channel {
            view.customer = try await tellers.customerSide(transaction: snapshot.transaction)
        }
        if let (history, rules) = try await tellers.history(transaction: snapshot.transaction) {
            view.rules = rules
            // The history names the officers who decided and the account's other transactions: for whoever decides
            // now, not for the teller (背对背) or anyone else.
            if snapshot.claimedBy == user.id { view.history = history }
        }
        return view
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> WithdrawView {
        let user = try context.requireUser()
        let body = try await request.decode(as: WithdrawBody.self, context: context)
        let withdrawn = try await tellers.withdraw(
            transaction: try context.parameters.require("id"), reason: body.reason, user: user, terminal: context.terminal)
        return WithdrawView(transaction: withdrawn.transactionID, state: .abandoned, request: withdrawn.request?.seen(by: user))
    }

    // MARK: Officer

    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> QueueView {
        let (presence, requests) = try await officers.queue(user: try context.requireUser())
        return QueueView(presence: presence, requests: requests)
    }

    @Sendable func presence(_ request: Request, context: AppRequestContext) async throws -> PresenceBody {
        let user = try context.requireUser()
        let body = try await request.decode(as: PresenceBody.self, context: context)
        return PresenceBody(status: try await officers.setPresence(body.status, user: user, terminal: context.terminal).rawValue)
    }

    @Sendable func claim(_ request: Request, context: AppRequestContext) async throws -> RequestSnapshot {
        try await officers.claim(try context.parameters.require("id"), user: try context.requireUser(), terminal: context.terminal)
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> RequestSnapshot {
        let user = try context.requireUser()
        let body = try await request.decode(as: DecisionBody.self, context: context)
        return try await officers.decide(
            try context.parameters.require("id"), decision: body.decision, reason: body.reason, payloadDigest: body.payloadDigest,
            materialDigest: body.materialDigest, user: user, terminal: context.terminal)
    }

    @Sendable func material(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (type, bytes) = try await officers.material(
            try context.parameters.require("id"), kind: try context.parameters.require("kind"), user: try context.requireUser())
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The centre's picture of now: its supervisors and auditors.
    @Sendable func dashboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let services else { throw Self.notConfigured }
        let dashboard = try await services.centre.dashboard(user: try context.requireUser())
        return try PrefillController.json(.ok, dashboard, noStore: true)
    }

    /// Officers see their own figures; supervisors also their branch's; auditors everyone's.
    @Sendable func statistics(_ request: Request, context: AppRequestContext) async throws -> AuthorizationStatistics {
        let user = try context.requireUser()
        let (officers, branches): ([String]?, [String]?) =
            switch user.role {
            case .auditor, .admin: (nil, nil)
            case .supervisor: ([user.id], [user.branch])
            case .officer: ([user.id], [])
            case .teller, .securityAdmin:
                throw AppError(.forbidden, code: "auth.forbidden", "statistics are for officers, supervisors and auditors")
            }
        return try await tellers.statistics(officers: officers, branches: branches)
    }

    // MARK: Parsing

    static func mode(_ text: String) throws -> AuthorizationMode {
        guard let mode = AuthorizationMode(rawValue: text) else {
            throw AppError(.badRequest, code: "authz.bad_mode", "mode is local, cross-terminal, cross-branch or central")
        }
        return mode
    }

    static func uploads(_ material: [MaterialUpload]?) throws -> [AuthorizationDesk.Upload] {
        // Counted and sized before decoding, so an oversized body costs no base64 work; MaterialList checks the rest.
        guard (material?.count ?? 0) <= MaterialList.maximumItems else {
            throw SubmissionError("authz.bad_material", "at most \(MaterialList.maximumItems) items of material")
        }
        return try (material ?? []).map { item in
            // base64 of 512 KiB is ~700,000 characters; refuse larger before decoding.
            guard item.data.utf8.count <= (MaterialItem.maximumBytes / 3 + 1) * 4 else {
                throw SubmissionError("authz.material_too_large", "material '\(item.kind.prefix(40))' is larger than 512 KiB", kind: .tooLarge)
            }
            guard let bytes = Data(base64Encoded: item.data) else {
                throw AppError(.badRequest, code: "authz.bad_material", "material '\(item.kind.prefix(40))' is not base64")
            }
            return AuthorizationDesk.Upload(kind: item.kind, mediaType: item.mediaType, bytes: Array(bytes))
        }
    }
}
