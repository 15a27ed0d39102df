import Foundation
import Hummingbird
import HummingbirdTesting
import Services
import Storage
import TestSupport
import Testing
import Web

@Suite struct OpenAPITests {
    /// Paths and their methods from the document (its `paths:` block is written one path per line, methods below).
    static func documented(_ yaml: String) -> Set<String> {
        var routes = Set<String>()
        var inPaths = false
        var currentPath: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            guard inPaths else { continue }
            if !line.hasPrefix(" "), !line.isEmpty { break }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "patch", "delete"].contains(String(key)) { routes.insert("\(key.uppercased()) \(path)") }
            }
        }
        return routes
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let database = Database(settings: .embedded(dataDirectory: "/nonexistent", username: "x"), logger: TestDatabase.logger)
        let router = CountersignApp.buildRouter(database: database, configuration: WebConfiguration())
        let registered = Set(
            router.routes.map { route in
                // Hummingbird prints captures as {name}, as OpenAPI does.
                "\(route.method.rawValue) \(route.path.description)"
            })
        let url = try #require(Self.repoDocument())
        let documented = Self.documented(try String(contentsOf: url, encoding: .utf8))
        #expect(registered.count >= 9)
        #expect(registered.subtracting(documented).isEmpty, "undocumented: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "documented but missing: \(documented.subtracting(registered).sorted())")
    }

    static func repoDocument() -> URL? {
        Repository.root.appendingPathComponent("Sources/Web/Resources/openapi.yaml")
    }

    @Test func theServedDocumentIsTheOneInTheRepository() async throws {
        try await WebHarness.withService { client, _ in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                let served = String(buffer: response.body)
                let inRepo = try String(contentsOf: try #require(Self.repoDocument()), encoding: .utf8)
                #expect(served == inRepo)
                #expect(served.hasPrefix("openapi: 3.1.0"))
            }
        }
    }
}
