import Authorization
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Services
@testable import Web

/// The console's texts: every key the page or its script asks for exists in both languages, including the ones the
/// script builds from data (transaction codes, modes, states), and the page is served with its security headers.
@Suite struct OfficerConsolePageTests {
    static let table = PageText.officerConsole

    /// `t("key")` calls in a source file.
    static func keys(in path: String) throws -> Set<String> {
        let source = try String(contentsOfFile: Repository.path(path), encoding: .utf8)
        let regex = try Regex(#"\bt\("([a-z_.\-]+)"\)"#)
        return Set(source.matches(of: regex).compactMap { $0.output[1].substring.map(String.init) })
    }

    @Test func everyLiteralKeyExistsInBothLanguages() throws {
        let used = try Self.keys(in: "Sources/Web/Resources/static/officer.js").union(Self.keys(in: "Sources/Web/Pages/OfficerConsolePage.swift"))
        #expect(used.count > 30)
        let missing = used.filter { Self.table.entries[$0] == nil }
        #expect(missing.isEmpty, "missing texts: \(missing.sorted())")
        for (key, entry) in Self.table.entries {
            #expect(!entry.zh.isEmpty && !entry.en.isEmpty && entry.zh != entry.en, "\(key)")
        }
    }

    @Test func everyKeyThePrefillPagesUseExistsInBothLanguages() throws {
        let script = try String(contentsOfFile: Repository.path("Sources/Web/Resources/static/prefill.js"), encoding: .utf8)
        let page = try String(contentsOfFile: Repository.path("Sources/Web/Pages/PrefillPage.swift"), encoding: .utf8)
        var used = Set(script.matches(of: try Regex(#"T\["([a-z_.]+)"\]"#)).compactMap { $0.output[1].substring.map(String.init) })
        used.formUnion(
            page.matches(of: try Regex(#"t\("([a-z_.]+)"\)|text\["([a-z_.]+)""#)).compactMap { match in
                (match.output[1].substring ?? match.output[2].substring).map(String.init)
            })
        #expect(used.count > 10)
        let missing = used.filter { PageText.prefill.entries[$0] == nil }
        #expect(missing.isEmpty, "missing texts: \(missing.sorted())")
    }

    @Test func everyKeyTheCounterPagesUseExistsInBothLanguages() throws {
        var used = Set<String>()
        for script in ["teller.js", "screen.js", "verify.js"] {
            let source = try String(contentsOfFile: Repository.path("Sources/Web/Resources/static/\(script)"), encoding: .utf8)
            used.formUnion(source.matches(of: try Regex(#"T\["([a-z_.]+)"\]"#)).compactMap { $0.output[1].substring.map(String.init) })
        }
        used.formUnion(try Self.keys(in: "Sources/Web/Pages/CounterPages.swift"))
        // Built at run time from the session state.
        used.formUnion(["state.editing", "state.confirmed", "state.rejected", "state.signed", "state.no_screen"])
        #expect(used.count > 25)
        let missing = used.filter { PageText.counter.entries[$0] == nil }
        #expect(missing.isEmpty, "missing texts: \(missing.sorted())")
    }

    /// The teller console builds these from the rule set and the request: account types, risks, modes, material.
    @Test func everyWordTheTellerChoosesOrIsToldHasALabel() throws {
        let rules = try RuleSet.load(Repository.root.appendingPathComponent("Rules/authorization-rules.json"))
        let states = RequestState.allCases.map(\.rawValue)
        let needed =
            rules.vocabulary.accountTypes.map { "acct.\($0)" } + rules.vocabulary.customerRisks.map { "risk.\($0)" }
            + AuthorizationMode.allCases.map { "mode.\($0.rawValue)" } + Set(rules.rules.flatMap(\.requirement.material)).map { "material.\($0)" }
            + states.map { "authz.state.\($0)" }
        let missing = needed.filter { PageText.counter.entries[$0] == nil }
        #expect(missing.isEmpty, "missing texts: \(missing.sorted())")
        for (key, entry) in PageText.counter.entries {
            #expect(!entry.zh.isEmpty && !entry.en.isEmpty && entry.zh != entry.en, "\(key)")
        }
    }

    @Test func everyTransactionCodeModeAndStateHasALabel() throws {
        let rules = try RuleSet.load(Repository.root.appendingPathComponent("Rules/authorization-rules.json"))
        let states = RequestState.allCases.map(\.rawValue)
        let needed =
            rules.vocabulary.transactionCodes.map { "code.\($0)" } + AuthorizationMode.allCases.map { "mode.\($0.rawValue)" }
            + states.map { "state.\($0)" } + AuthorizationDecision.allCases.map { "decided.\($0.rawValue)" }
            + AuthorizationDecision.allCases.map { "decision.\($0.rawValue)" }
        let missing = needed.filter { Self.table.entries[$0] == nil }
        #expect(missing.isEmpty, "missing texts: \(missing.sorted())")
    }

    @Test func theTextsCannotCloseTheScriptElement() {
        let json = PageText(["x": (zh: "</script><b>", en: "a\"b\\c\n")]).json(in: .zh)
        #expect(!json.contains("<"))
        let decoded = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
        #expect(decoded?["x"] == "</script><b>")
    }

    @Test func thePageComesInBothLanguagesWithItsSecurityHeaders() async throws {
        try await WebHarness.withService { client, _ in
            try await client.execute(uri: "/officer", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                let page = String(buffer: response.body)
                #expect(page.contains(#"<html lang="zh-CN">"#) && page.contains("授权工作台") && page.contains(#"href="/officer?lang=en""#))
            }
            try await client.execute(uri: "/officer?lang=en", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains(#"<html lang="en">"#) && page.contains("Authorization console"))
            }
            try await client.execute(uri: "/static/officer.js", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/javascript") == true)
            }
            try await client.execute(uri: "/static/Package.swift", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
