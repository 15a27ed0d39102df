import Foundation
import TestSupport
import Testing

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
        // Names that look like codes but are not answered as errors: audit actions and storage contexts.
        return codes.filter { !$0.hasPrefix("txn.committed") && !$0.hasPrefix("txn.submitted") }
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
}
