import Hummingbird
import Services
import Storage

/// Post-transaction supervision over HTTP (issue #18, part 4): the auditors' search and evidence pages, samples of a
/// day, and findings the branches answer. Every answer is personal data or close to it: none is cached.
struct SupervisionController: Sendable {
    let desk: SupervisionDesk?

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/audit/transactions", use: search)
        router.get("/api/v1/audit/transactions/{id}", use: evidence)
        router.get("/api/v1/audit/events", use: trail)
        router.get("/api/v1/audit/samples", use: samples)
        router.post("/api/v1/audit/samples", use: draw)
        router.post("/api/v1/audit/samples/{id}/reviewed", use: reviewed)
        router.get("/api/v1/audit/findings", use: findings)
        router.post("/api/v1/audit/findings", use: raise)
        router.post("/api/v1/audit/findings/{id}/answer", use: answer)
        router.post("/api/v1/audit/findings/{id}/close", use: close)
        router.post("/api/v1/audit/findings/{id}/return", use: giveBack)
    }

    /// Every step the database records as the user's is confirmed with their own password, typed again.
    struct DrawBody: Decodable {
        let day: String
        let branch: String?
        let size: Int
        let password: String
    }

    struct ReviewedBody: Decodable {
        let transaction: String
        let password: String
    }

    struct RaiseBody: Decodable {
        let transaction: String
        let description: String
        let password: String
    }

    struct TextBody: Decodable {
        let text: String
        let password: String
    }

    private func requireDesk() throws -> SupervisionDesk {
        guard let desk else {
            throw AppError(.serviceUnavailable, code: "authz.not_configured", "authorization is not configured on this instance")
        }
        return desk
    }

    /// A positive number in the path, or 404 as for one that does not exist.
    static func number(_ context: AppRequestContext, code: SupervisionErrorCode) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }), id > 0 else {
            throw SupervisionError(code, "no such \(code == .sampleNotFound ? "sample" : "finding") / 没有该记录")
        }
        return id
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let desk = try requireDesk()
        let q = request.uri.queryParameters
        var query = SearchQuery()
        query.from = q["from"].map(String.init)
        query.to = q["to"].map(String.init)
        query.branch = q["branch"].map(String.init)
        query.teller = q["teller"].map(String.init)
        query.officer = q["officer"].map(String.init)
        query.code = q["code"].map(String.init)
        query.minimumMinor = q["min_minor"].map(String.init)
        query.maximumMinor = q["max_minor"].map(String.init)
        query.currency = q["currency"].map(String.init)
        query.state = q["state"].map(String.init)
        query.after = q["after"].map(String.init)
        query.limit = q["limit"].map(String.init)
        query.id = q["id"].map(String.init)
        return try PrefillController.json(.ok, try await desk.search(query, user: try context.requireUser()), noStore: true)
    }

    @Sendable func trail(_ request: Request, context: AppRequestContext) async throws -> Response {
        let desk = try requireDesk()
        let q = request.uri.queryParameters
        var query = AuditTrailQuery()
        query.from = q["from"].map(String.init)
        query.to = q["to"].map(String.init)
        query.actor = q["actor"].map(String.init)
        query.action = q["action"].map(String.init)
        query.branch = q["branch"].map(String.init)
        query.subject = q["subject"].map(String.init)
        query.after = q["after"].map(String.init)
        query.limit = q["limit"].map(String.init)
        return try PrefillController.json(.ok, try await desk.searchTrail(query, user: try context.requireUser()), noStore: true)
    }

    @Sendable func evidence(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        return try PrefillController.json(
            .ok, try await requireDesk().evidence(id, user: try context.requireUser(), terminal: context.terminal), noStore: true)
    }

    @Sendable func samples(_ request: Request, context: AppRequestContext) async throws -> Response {
        try PrefillController.json(.ok, ["samples": try await requireDesk().samples(user: try context.requireUser())], noStore: true)
    }

    @Sendable func draw(_ request: Request, context: AppRequestContext) async throws -> Response {
        let desk = try requireDesk()
        _ = try context.requireUser()
        let body = try await request.decode(as: DrawBody.self, context: context)
        let sample = try await desk.drawSample(
            day: body.day, branch: body.branch, size: body.size, by: try context.acting(password: body.password))
        return try PrefillController.json(.created, sample, noStore: true)
    }

    @Sendable func reviewed(_ request: Request, context: AppRequestContext) async throws -> Response {
        let desk = try requireDesk()
        _ = try context.requireUser()
        let id = try Self.number(context, code: .sampleNotFound)
        let body = try await request.decode(as: ReviewedBody.self, context: context)
        return try PrefillController.json(
            .ok, try await desk.reviewed(sample: id, transaction: body.transaction, by: try context.acting(password: body.password)),
            noStore: true)
    }

    @Sendable func findings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let desk = try requireDesk()
        let user = try context.requireUser()
        let state = try request.uri.queryParameters.get("state").map { text in
            guard let state = Finding.State(rawValue: text) else {
                throw SupervisionError(.badQuery, "state is raised, answered or closed / 状态为 raised、answered 或 closed")
            }
            return state
        }
        let before = try request.uri.queryParameters.get("before").map { text in
            guard let id = Int64(text), id > 0 else { throw SupervisionError(.badQuery, "before is a finding id / before 为差错编号") }
            return id
        }
        return try PrefillController.json(.ok, ["findings": try await desk.findings(state: state, before: before, user: user)], noStore: true)
    }

    @Sendable func raise(_ request: Request, context: AppRequestContext) async throws -> Response {
        let desk = try requireDesk()
        _ = try context.requireUser()
        let body = try await request.decode(as: RaiseBody.self, context: context)
        let finding = try await desk.raise(
            transaction: body.transaction, description: body.description, by: try context.acting(password: body.password))
        return try PrefillController.json(.created, finding, noStore: true)
    }

    @Sendable func answer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let desk = try requireDesk()
        _ = try context.requireUser()
        let id = try Self.number(context, code: .findingNotFound)
        let body = try await request.decode(as: TextBody.self, context: context)
        return try PrefillController.json(
            .ok, try await desk.answer(finding: id, answer: body.text, by: try context.acting(password: body.password)), noStore: true)
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await conclude(request, context: context, close: true)
    }

    @Sendable func giveBack(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await conclude(request, context: context, close: false)
    }

    private func conclude(_ request: Request, context: AppRequestContext, close: Bool) async throws -> Response {
        let desk = try requireDesk()
        _ = try context.requireUser()
        let id = try Self.number(context, code: .findingNotFound)
        let body = try await request.decode(as: TextBody.self, context: context)
        return try PrefillController.json(
            .ok,
            try await desk.conclude(finding: id, close: close, note: body.text, by: try context.acting(password: body.password)), noStore: true)
    }
}
