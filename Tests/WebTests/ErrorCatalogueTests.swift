import Foundation
import Storage
import TestSupport
import Testing

@testable import Services
@testable import Web

/// Issue #15 part 3: every error code the service can answer has its Chinese and English text. The codes are read
/// from the sources as they are written at the throw sites (`code: "…"`, the error enums' raw values, the screen's
/// `error("…")`, submission and field problems), so a new code without an entry fails here — and an entry for a
/// code nothing answers any more fails too.
@Suite struct ErrorCatalogueTests {
    static func codesInSources() throws -> Set<String> {
        let root = URL(fileURLWithPath: Repository.path("Sources"))
        let patterns = [
            #"code: "([a-z_]+\.[a-z_]+)""#, #"case \w+ = "([a-z_]+\.[a-z_]+)""#, #"\.error\("([a-z_]+\.[a-z_]+)""#,
            #"SubmissionError\("([a-z_]+\.[a-z_]+)""#, #"code: "(internal)""#,
        ].map { try! NSRegularExpression(pattern: $0) }
        // Field and submission problems are written as plain strings in the modules that check them.
        let problems = try! NSRegularExpression(pattern: #""((?:field|txn)\.[a-z_]+)""#)
        var codes: Set<String> = []
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        for case let file as URL in files where file.pathExtension == "swift" && file.lastPathComponent != "ErrorCatalogue.swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            let checks = file.path.contains("/Sources/Forms/") || file.path.contains("/Sources/Authorization/")
            for pattern in patterns + (checks ? [problems] : []) {
                for match in pattern.matches(in: text, range: range) {
                    codes.insert(String(text[Range(match.range(at: 1), in: text)!]))
                }
            }
        }
        // Names that look like codes but are not answered as errors: audit actions, storage contexts, and the kinds
        // of administrative change (`user.create`, `branch.create`, …).
        let kinds = Set(AdminChange.Kind.allCases.map(\.rawValue))
        return codes.filter { !$0.hasPrefix("txn.committed") && !$0.hasPrefix("txn.submitted") && !kinds.contains($0) }
    }

    @Test func everyCodeTheServiceAnswersHasChineseAndEnglishText() throws {
        let codes = try Self.codesInSources()
        #expect(codes.count > 150, "the scan found \(codes.count) codes")
        let missing = codes.filter { ErrorCatalogue.text($0) == nil }.sorted()
        #expect(missing.isEmpty, "no catalogue entry for: \(missing)")
        for code in codes {
            guard let text = ErrorCatalogue.text(code) else { continue }
            #expect(!text.zh.isEmpty && !text.en.isEmpty && text.zh.unicodeScalars.contains { $0.value >= 0x4E00 }, "\(code)")
        }
        let stale = Set(ErrorCatalogue.entries.keys).subtracting(codes).sorted()
        #expect(stale.isEmpty, "catalogue entries no source answers: \(stale)")
    }

    /// Issue #17, part 1: the application layer's refusals, read from their code enums rather than the sources, each
    /// have words, and each answers with the status Web's table gives it and its code as written.
    @Test func everyDomainCodeHasItsTextAndAStatusOfItsOwn() {
        func answers<C>(_ codes: [C]) -> [(String, AppError)] where C: RawRepresentable<String> & CaseIterable & Sendable {
            codes.map { ($0.rawValue, AppError.from(Refusal($0, "particulars"))) }
        }
        let all =
            answers(AccessErrorCode.allCases) + answers(AvailabilityErrorCode.allCases) + answers(AuthorizationErrorCode.allCases)
            + answers(CounterErrorCode.allCases) + answers(VerificationErrorCode.allCases) + answers(VoucherDeskErrorCode.allCases)
            + answers(AdminErrorCode.allCases)
        #expect(all.count >= 80)
        for (code, answer) in all {
            #expect(ErrorCatalogue.text(code) != nil, "\(code)")
            #expect(answer.code == code && answer.message == "particulars", "\(code) answered as \(answer.code)")
            // Only the one code that means "our own records disagree" may be a 500.
            #expect(answer.status.code < 500 || code == "voucher.source_mismatch" || answer.status == .serviceUnavailable, "\(code)")
        }
        // Refusals told over the WebSockets only (no HTTP status): their words are what the screen and consoles show.
        for code in ScreenRefusalCode.allCases.map(\.rawValue) + PushRefusalCode.allCases.map(\.rawValue) {
            #expect(ErrorCatalogue.text(code) != nil, "\(code)")
        }
        #expect(AppError.from(InconsistencyError("a digest")).code == "internal")
        #expect(AppError.from(InconsistencyError("a digest")).message.contains("digest") == false)
    }
}

/// Issue #17, part 2: the error catalogue is published in `/openapi.yaml` as `x-error-codes` (code → zh/en text), kept
/// in step with `ErrorCatalogue` by this test. `COUNTERSIGN_WRITE_OPENAPI=1 swift test --filter ErrorCodesInOpenAPI`
/// rewrites the block after the catalogue changes.
@Suite struct ErrorCodesInOpenAPITests {
    static let begin = "# BEGIN x-error-codes (generated from Sources/Services/Errors/ErrorCatalogue.swift by ErrorCodesInOpenAPITests)"
    static let end = "# END x-error-codes"

    /// The block as it must read: every code, sorted, its texts as JSON strings (valid YAML flow scalars).
    static func block() throws -> String {
        func quoted(_ text: String) throws -> String { String(decoding: try JSONEncoder().encode(text), as: UTF8.self) }
        var lines = [begin, "x-error-codes:"]
        for code in ErrorCatalogue.entries.keys.sorted() {
            let (zh, en) = ErrorCatalogue.entries[code]!
            lines.append("  \(code): { zh: \(try quoted(zh)), en: \(try quoted(en)) }")
        }
        lines.append(end)
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func theOpenAPIDocumentListsEveryErrorCodeWithItsTexts() throws {
        let path = Repository.path("Sources/Web/Resources/openapi.yaml")
        var document = try String(contentsOfFile: path, encoding: .utf8)
        let expected = try Self.block()
        let current = document.range(of: Self.begin).flatMap { start in
            document.range(of: Self.end + "\n", range: start.lowerBound..<document.endIndex).map { start.lowerBound..<$0.upperBound }
        }
        if ProcessInfo.processInfo.environment["COUNTERSIGN_WRITE_OPENAPI"] == "1" {
            if let current { document.replaceSubrange(current, with: expected) } else { document += expected }
            try document.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let published = try #require(current.map { String(document[$0]) }, "openapi.yaml has no x-error-codes block")
        #expect(
            published == expected,
            "x-error-codes is out of step with ErrorCatalogue: run COUNTERSIGN_WRITE_OPENAPI=1 swift test --filter ErrorCodesInOpenAPI")
    }
}
