public import Forms
import Foundation

extension FormCatalogue {
    /// The example data shipped beside a form (used by the tests, the README and the benchmarks).
    public func example(_ id: String) throws -> VoucherData {
        _ = try form(id)
        return try JSONDecoder().decode(VoucherData.self, from: try Data(contentsOf: folder.appendingPathComponent("\(id).example.json")))
    }
}
