import Accounts
import Audit
import Hummingbird
import Services
import Storage

/// Read access to the audit trail for auditors (post-transaction supervision).
struct AuditController: Sendable {
    let database: Database

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/audit/chains", use: chains)
        router.get("/api/v1/audit/chains/{chain}/events", use: events)
    }

    struct ChainsResponse: ResponseEncodable {
        let chains: [ChainHead]
    }

    struct EventView: Encodable {
        let chain: String
        let seq: Int64
        let time: String
        let actor: String
        let branch: String?
        let terminal: String?
        let action: String
        let subject: String
        let payload: String
        let encodingVersion: Int16
        let prevHash: String
        let hash: String
        enum CodingKeys: String, CodingKey {
            case chain, seq, time, actor, branch, terminal, action, subject, payload, hash
            case encodingVersion = "encoding_version"
            case prevHash = "prev_hash"
        }
    }

    struct EventsResponse: ResponseEncodable {
        let events: [EventView]
        let nextAfter: Int64?
        enum CodingKeys: String, CodingKey {
            case events
            case nextAfter = "next_after"
        }
    }

    @Sendable func chains(_ request: Request, context: AppRequestContext) async throws -> ChainsResponse {
        try Self.requireAuditor(context)
        return ChainsResponse(chains: try await database.read { try await AuditLog.heads(in: $0) })
    }

    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> EventsResponse {
        try Self.requireAuditor(context)
        let chain = try context.parameters.require("chain")
        guard !chain.isEmpty, chain.utf8.count <= 64 else {
            throw AppError(.badRequest, code: "audit.invalid_chain", "chain must be 1–64 characters")
        }
        let after = try Self.integer(request.uri.queryParameters["after"], name: "after", default: 0, range: 0...Int64.max)
        let limit = try Self.integer(request.uri.queryParameters["limit"], name: "limit", default: 100, range: 1...1000)
        let records = try await database.read { try await AuditLog.events(chain: chain, afterSeq: after, limit: Int(limit), in: $0) }
        let views = records.map {
            EventView(
                chain: $0.chain, seq: $0.seq, time: $0.time.description, actor: $0.actor, branch: $0.branch, terminal: $0.terminal,
                action: $0.action, subject: $0.subject, payload: $0.payload, encodingVersion: $0.encodingVersion,
                prevHash: $0.prevHash.hex, hash: $0.hash.hex)
        }
        return EventsResponse(events: views, nextAfter: records.count == Int(limit) ? records.last?.seq : nil)
    }

    private static func requireAuditor(_ context: AppRequestContext) throws {
        guard try context.requireUser().role.canReadAudit else {
            throw AppError(.forbidden, code: "auth.forbidden", "only auditors may read the audit trail")
        }
    }

    private static func integer(_ text: Substring?, name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
        guard let text else { return value }
        guard let number = Int64(text), range.contains(number) else {
            throw AppError(.badRequest, code: "request.invalid_parameter", "\(name) must be an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return number
    }
}
