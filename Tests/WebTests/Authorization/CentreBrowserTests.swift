import Foundation
import Storage
import TestSupport
import Testing

/// Issue #18 (Tests/Browser/centre.py, on a phone): the centre's dashboard refuses a branch's supervisor and shows the
/// centre's supervisor an officer coming online and a central request waiting, each within a refresh.
@Suite struct CentreBrowserTests {
    @Test func theCentresSupervisorWatchesTheQueueOnAPhone() async throws {
        struct Outcome: Decodable { let request: String }
        let run = try await BrowserCheck.run(
            "centre.py", arguments: ["--password", WebHarness.password, "--artifacts", Repository.artifacts("centre")])
        let outcome = try JSONDecoder().decode(Outcome.self, from: Data(run.lastLine.utf8))
        #expect(
            try await WebHarness.count("SELECT count(*)::int FROM authz_requests WHERE id = '\(outcome.request)' AND state = 'pending'", in: run.db)
                == 1)
    }
}
