import Audit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Storage
import TestSupport
import Testing

/// The HTTP API and the audit trail as tests use them: sign in, call with JSON, read and verify the trail.
struct TestAPI: Sendable {
    let client: any TestClientProtocol
    let db: TestDatabase

    func login(_ user: String, terminal: String = "T01") async throws -> String {
        let body = #"{"user":"\#(user)","password":"\#(WebHarness.password)","terminal":"\#(terminal)"}"#
        return try await client.execute(uri: "/api/v1/sessions", method: .post, body: ByteBuffer(string: body)) { response in
            guard response.status == .created else { throw HarnessFailure("login \(user): \(String(buffer: response.body))") }
            return try JSONDecoder().decode(WebHarness.Token.self, from: Data(buffer: response.body)).token
        }
    }

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let body: Data
        var headers: HTTPFields = [:]
        var json: [String: any Sendable] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: any Sendable]) ?? [:] }
        var code: String { ((json["error"] as? [String: any Sendable])?["code"] as? String) ?? "none: \(String(decoding: body, as: UTF8.self))" }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: body) }
    }

    @discardableResult
    /// `background`: sent as a console's own reads are (not the user's activity).
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String?, body: String? = nil, background: Bool = false) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if background { headers[HTTPField.Name("Countersign-Background")!] = "1" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            Reply(status: response.status, body: Data(buffer: response.body), headers: response.headers)
        }
    }

    /// `countersign audit verify`'s check, run in-process: every chain recomputes and links.
    func auditVerifies(chain: String) async throws {
        let report = try await db.with(db.app) { try await AuditVerification.verify($0) }
        #expect(report.isIntact, "\(report.breaks)")
        #expect(report.chains.contains { $0.chain == chain && $0.rows > 0 })
    }

    func auditActions(subject: String) async throws -> [String] {
        try await db.with(db.owner) { database in
            try await database.read { tx in
                var actions: [String] = []
                for try await action in try await tx.query("SELECT action FROM audit_events WHERE subject = \(subject) ORDER BY at, seq")
                    .decode(String.self)
                {
                    actions.append(action)
                }
                return actions
            }
        }
    }

    /// A raw body (a PDF, say) with its content type.
    func send(_ method: HTTPRequest.Method, _ uri: String, contentType: String, body: Data) async throws -> Reply {
        try await client.execute(uri: uri, method: method, headers: [.contentType: contentType], body: ByteBuffer(bytes: body)) { response in
            Reply(status: response.status, body: Data(buffer: response.body), headers: response.headers)
        }
    }

    /// Actions of the events whose action starts with `prefix`, in order.
    func auditActions(prefix: String) async throws -> [String] {
        try await db.with(db.owner) { database in
            try await database.read { tx in
                try await tx.query("SELECT action FROM audit_events WHERE starts_with(action, \(prefix)) ORDER BY at, seq").collect().map {
                    try $0.decode(String.self)
                }
            }
        }
    }
}
