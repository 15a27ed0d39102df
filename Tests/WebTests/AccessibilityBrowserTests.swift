import Foundation
import Testing

/// Issue #15: every page checked by axe-core (PyPI's axe-selenium-python) in headless Chromium at a phone, a
/// tablet and a desktop size — the start page, pre-fill (list and form), /verify in both languages, the customer
/// screen, and the teller and officer consoles and the administrators' page before and after signing in
/// (Tests/Browser/accessibility.py). A
/// serious or critical violation fails the test.
@Suite struct AccessibilityBrowserTests {
    @Test func everyPageHasNoSeriousAccessibilityViolation() async throws {
        let run = try await BrowserCheck.run("accessibility.py", arguments: ["--password", WebHarness.password])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.lastLine.utf8)) as? [String: Any], "\(run.lastLine)")
        #expect(result["checked"] as? Int == 36)
    }
}
