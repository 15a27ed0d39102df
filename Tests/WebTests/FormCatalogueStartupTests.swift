import Foundation
import TestSupport
import Testing

/// `countersign serve` refuses to start on a broken form catalogue, and says which file and field.
@Suite struct FormCatalogueStartupTests {
    @Test func aBrokenFormStopsTheServiceWithTheFileAndFieldNamed() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("forms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOfFile: Repository.path("Forms/transfer.json"), encoding: .utf8)
            .replacingOccurrences(of: #""type": "account", "label": { "zh": "收款人账号""#, with: #""type": "iban", "label": { "zh": "收款人账号""#)
        try text.write(to: folder.appendingPathComponent("transfer.json"), atomically: true, encoding: .utf8)
        // The database is unreachable on purpose: the catalogue must be refused before the service even tries it.
        let run = try await ChildProcess.run(
            CountersignBinary.path, ["serve", "--database-url", "postgres://nobody@/none?host=/nonexistent", "--port", "0"],
            environment: ["COUNTERSIGN_FORMS_DIR": folder.path], timeout: .seconds(20))
        #expect(run.status != 0)
        #expect(run.errors.contains("form.bad_definition") && run.errors.contains("transfer.json") && run.errors.contains("iban"), "\(run.errors)")
    }
}
