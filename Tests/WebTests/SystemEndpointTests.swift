import Foundation
import Hummingbird
import HummingbirdTesting
import Services
import Storage
import TestSupport
import Testing
import Web

@Suite struct SystemEndpointTests {
    @Test func healthChecksTheDatabase() async throws {
        try await WebHarness.withService { client, _ in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""database":"ok""#))
            }
        }
    }

    @Test func healthSaysWhenTheDatabaseIsGone() async throws {
        let unreachable = DatabaseSettings(endpoint: .socket(path: "/nonexistent/.s.PGSQL.5432"), username: "countersign_app", database: "x")
        let database = Database(settings: unreachable, logger: TestDatabase.logger)
        let app = CountersignApp.buildApplication(database: database, configuration: WebConfiguration(), logger: TestDatabase.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("unreachable"))
            }
        }
    }

    @Test func metricsCountRequestsByRouteAndShowChainHeads() async throws {
        try await WebHarness.withService { client, _ in
            _ = try await WebHarness.login(client, user: "teller1")
            try await client.execute(uri: "/health", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(text.contains(#"hb_requests{http_route="/health",http_request_method="GET",http_response_status_code="200"}"#))
                #expect(text.contains("http_server_request_duration_bucket"))
                #expect(text.contains("countersign_audit_appends_total"))
                // Metrics are the process's: other tests' services move the same gauge, so its value is theirs too.
                #expect(text.contains(#"countersign_audit_chain_head_seq{chain="BR001"} "#))
            }
        }
    }

    @Test func requestIDsAreEchoedOrCreated() async throws {
        try await WebHarness.withService { client, _ in
            try await client.execute(uri: "/health", method: .get, headers: [.init("X-Request-Id")!: "abc-123"]) { response in
                #expect(response.headers[.init("X-Request-Id")!] == "abc-123")
            }
            try await client.execute(uri: "/health", method: .get, headers: [.init("X-Request-Id")!: "bad id <script>"]) { response in
                let id = response.headers[.init("X-Request-Id")!] ?? ""
                #expect(!id.isEmpty && id != "bad id <script>")
            }
        }
    }

    @Test func unknownRoutesGetJSONForProgramsAndHTMLForPeople() async throws {
        try await WebHarness.withService { client, _ in
            try await client.execute(uri: "/no/such/page", method: .get, headers: [.accept: "application/json"]) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = try JSONDecoder().decode(WebHarness.ErrorBody.self, from: Data(buffer: response.body))
                #expect(body.error.code == "route.not_found")
                #expect(body.error.request_id == response.headers[.init("X-Request-Id")!])
            }
            try await client.execute(uri: "/no/such/page", method: .get, headers: [.accept: "text/html,application/xhtml+xml"]) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let page = String(buffer: response.body)
                #expect(page.contains("<!doctype html>"))
                #expect(page.contains("route.not_found"))
            }
        }
    }

    @Test func theStartPageAndStylesheetAreServed() async throws {
        try await WebHarness.withService { client, _ in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("/openapi.yaml"))
            }
            try await client.execute(uri: "/static/site.css", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/css") == true)
            }
        }
    }
}
