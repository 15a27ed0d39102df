import Accounts
import Foundation
import Hummingbird
import HummingbirdTesting
import Storage
import TestSupport
import Testing

@Suite struct SessionAPITests {
    @Test func signingInCreatesASessionAndItsAuditEventTogether() async throws {
        try await WebHarness.withService { client, db in
            let token = try await WebHarness.login(client, user: "teller1")
            try await client.execute(uri: "/api/v1/session", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#""id":"teller1""#))
                #expect(text.contains(#""display_name":"王柜员""#))
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM sessions", in: db) == 1)
            #expect(
                try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'session.login' AND chain_id = 'BR001'", in: db)
                    == 1)
            // The token itself is never stored.
            #expect(try await WebHarness.count("SELECT count(*)::int FROM sessions WHERE token_hash = convert_to('\(token)', 'UTF8')", in: db) == 0)

            try await client.execute(uri: "/api/v1/session", method: .delete, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/session", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .unauthorized)
                #expect(WebHarness.errorCode(response) == "auth.invalid_token")
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'session.logout'", in: db) == 1)
        }
    }

    @Test func aWrongPasswordIsRefusedAndAudited() async throws {
        try await WebHarness.withService { client, db in
            let body = ByteBuffer(string: #"{"user":"teller1","password":"wrong"}"#)
            try await client.execute(uri: "/api/v1/sessions", method: .post, body: body) { response in
                #expect(response.status == .unauthorized)
                #expect(WebHarness.errorCode(response) == "auth.invalid_credentials")
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM sessions", in: db) == 0)
            #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action = 'session.login_failed'", in: db) == 1)
        }
    }

    @Test(arguments: [
        (#"{"user":"teller1""#, "request.invalid"),
        (#"{"password":"x"}"#, "request.invalid"),
        (#"{"user":"teller1","password":5}"#, "request.invalid"),
        (#"{"user":"Teller 1","password":"x"}"#, "auth.invalid_user"),
        (#"{"user":"teller1","password":""}"#, "auth.invalid_password"),
        (#"{"user":"teller1","password":"x","terminal":"T 1"}"#, "auth.invalid_terminal"),
    ])
    func badInputGetsAClearErrorAndChangesNothing(body: String, code: String) async throws {
        try await WebHarness.withService { client, db in
            try await client.execute(uri: "/api/v1/sessions", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                #expect(WebHarness.errorCode(response) == code)
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM sessions", in: db) == 0)
            #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action <> 'rules.activated'", in: db) == 0)
        }
    }

    @Test func bodiesOverTheLimitAreRefusedBeforeAnythingHappens() async throws {
        try await WebHarness.withService { client, db in
            let padding = String(repeating: "x", count: WebHarness.bodyLimit + 1)
            let body = ByteBuffer(string: #"{"user":"teller1","password":"\#(padding)"}"#)
            try await client.execute(uri: "/api/v1/sessions", method: .post, body: body) { response in
                #expect(response.status == .contentTooLarge)
                #expect(WebHarness.errorCode(response) == "request.too_large")
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE action <> 'rules.activated'", in: db) == 0)
        }
    }

    /// The lookups of requests that arrive together go in one statement: each request still gets its own user, and
    /// a signed-out or unknown token in the same batch is refused without touching the others.
    @Test func tokensLookedUpTogetherEachGetTheirOwnAnswer() async throws {
        try await WebHarness.withService { client, db in
            let teller = try await WebHarness.login(client, user: "teller1")
            let auditor = try await WebHarness.login(client, user: "auditor1")
            let signedOut = try await WebHarness.login(client, user: "teller2")
            try await client.execute(uri: "/api/v1/session", method: .delete, headers: [.authorization: "Bearer \(signedOut)"]) { response in
                #expect(response.status == .noContent)
            }
            let unknown = SessionToken.generate().value
            // One statement for all of them, in an order that repeats and mixes.
            let tokens = [signedOut, teller, unknown, auditor, teller, signedOut].map(SessionToken.init(value:))
            let found = try await db.with(db.app) { database in
                try await database.read { try await Directory.users(forTokens: tokens, in: $0) }
            }
            #expect(found.map { $0?.user.id } == [nil, "teller1", nil, "auditor1", "teller1", nil])
            #expect(found[1]?.terminal == "T01")
            // Through the service, concurrently: every answer matches its own token.
            let expected = [teller: "teller1", auditor: "auditor1", signedOut: "", unknown: ""]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<60 {
                    let token = [teller, auditor, signedOut, unknown][round % 4]
                    group.addTask {
                        try await client.execute(uri: "/api/v1/session", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                            if let user = expected[token], !user.isEmpty {
                                #expect(response.status == .ok)
                                #expect(String(buffer: response.body).contains(#""id":"\#(user)""#))
                            } else {
                                #expect(response.status == .unauthorized)
                                #expect(WebHarness.errorCode(response) == "auth.invalid_token")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func aMalformedAuthorizationHeaderIsRefused() async throws {
        try await WebHarness.withService { client, _ in
            try await client.execute(uri: "/api/v1/session", method: .get, headers: [.authorization: "Basic abc"]) { response in
                #expect(response.status == .unauthorized)
                #expect(WebHarness.errorCode(response) == "auth.bad_header")
            }
            try await client.execute(uri: "/api/v1/session", method: .get) { response in
                #expect(WebHarness.errorCode(response) == "auth.required")
            }
        }
    }
}

@Suite struct AuditAPITests {
    @Test func auditorsReadChainsAndTellersMayNot() async throws {
        try await WebHarness.withService { client, _ in
            let teller = try await WebHarness.login(client, user: "teller1")
            let auditor = try await WebHarness.login(client, user: "auditor1")
            try await client.execute(uri: "/api/v1/audit/chains", method: .get, headers: [.authorization: "Bearer \(teller)"]) { response in
                #expect(response.status == .forbidden)
                #expect(WebHarness.errorCode(response) == "auth.forbidden")
            }
            try await client.execute(uri: "/api/v1/audit/chains", method: .get, headers: [.authorization: "Bearer \(auditor)"]) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#""chain":"BR001""#) && text.contains(#""chain":"HQ""#))
            }
            try await client.execute(
                uri: "/api/v1/audit/chains/BR001/events?limit=10", method: .get, headers: [.authorization: "Bearer \(auditor)"]
            ) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#""action":"session.login""#))
                #expect(text.contains(#""actor":"teller1""#))
            }
            try await client.execute(
                uri: "/api/v1/audit/chains/BR001/events?limit=5000", method: .get, headers: [.authorization: "Bearer \(auditor)"]
            ) { response in
                #expect(response.status == .badRequest)
                #expect(WebHarness.errorCode(response) == "request.invalid_parameter")
            }
        }
    }
}
