import Accounts
import Hummingbird
import Services
import Storage

/// Administration under dual control (issue #18): security administrators propose changes of the directory and a
/// second one approves or rejects them. The session token is passed to the database with each step: it is how the
/// database knows which administrator acts.
struct AdminController: Sendable {
    let desk: AdminDesk

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/admin/changes", use: list)
        router.post("/api/v1/admin/changes", use: propose)
        router.post("/api/v1/admin/changes/{id}/approve", use: approve)
        router.post("/api/v1/admin/changes/{id}/reject", use: reject)
        router.get("/api/v1/admin/changes/{id}/source", use: source)
    }

    /// Every step is confirmed with the administrator's own password, typed again.
    struct ProposalBody: Decodable {
        let kind: AdminChange.Kind
        let target: String
        let details: [String: AdminDetail]?
        let password: String
    }

    struct Decision: Decodable {
        let reason: String?
        let password: String
    }

    /// The `{id}` of the path: a positive change number, or 404 as for a change that does not exist.
    static func changeID(_ context: AppRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }), id > 0 else {
            throw AppError(.notFound, code: "admin.unknown_change", "no such change")
        }
        return id
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let state = try request.uri.queryParameters.get("state").map { text in
            guard let state = AdminChange.State(rawValue: text) else {
                throw AppError(.badRequest, code: "admin.bad_change", "state is proposed, approved or rejected")
            }
            return state
        }
        let before = try request.uri.queryParameters.get("before").map { text in
            guard let id = Int64(text), id > 0 else { throw AppError(.badRequest, code: "admin.bad_change", "before is a change id") }
            return id
        }
        let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 50
        return try PrefillController.json(.ok, try await desk.changes(state: state, before: before, limit: limit, user: user))
    }

    @Sendable func propose(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let body = try await request.decode(as: ProposalBody.self, context: context)
        let proposal = AdminDesk.Proposal(kind: body.kind, target: body.target, details: body.details)
        return try PrefillController.json(.created, try await desk.propose(proposal, by: try context.acting(password: body.password)))
    }

    /// A proposed rule set's text, exactly as proposed, for the second administrator to read before approving.
    @Sendable func source(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try Self.changeID(context)
        let text = try await desk.ruleSource(id, user: user)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    @Sendable func approve(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await decide(request, context: context, approve: true)
    }

    @Sendable func reject(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await decide(request, context: context, approve: false)
    }

    private func decide(_ request: Request, context: AppRequestContext, approve: Bool) async throws -> Response {
        _ = try context.requireUser()
        let id = try Self.changeID(context)
        let body = try await request.decode(as: Decision.self, context: context)
        let decided = try await desk.decide(id, approve: approve, reason: body.reason, by: try context.acting(password: body.password))
        // The answer may carry a one-time password: no cache keeps it.
        return try PrefillController.json(.ok, decided, noStore: true)
    }
}
