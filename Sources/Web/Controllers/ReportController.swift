import Hummingbird
import Services
import Storage

/// Reports over HTTP (issue #18, part 5): the same figures as JSON for the page, or as a CSV or XLSX download.
struct ReportController: Sendable {
    let desk: ReportDesk?

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/reports", use: report)
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let desk else {
            throw AppError(.serviceUnavailable, code: "authz.not_configured", "authorization is not configured on this instance")
        }
        let q = request.uri.queryParameters
        var query = ReportQuery()
        query.period = q["period"].map(String.init)
        query.date = q["date"].map(String.init)
        query.by = q["by"].map(String.init)
        query.branch = q["branch"].map(String.init)
        let format = q["format"].map(String.init) ?? "json"
        guard ["json", "csv", "xlsx"].contains(format) else {
            throw SupervisionError(.badQuery, "format is json, csv or xlsx / 格式为 json、csv 或 xlsx")
        }
        let report = try await desk.report(query, user: try context.requireUser())
        guard format != "json" else { return try PrefillController.json(.ok, report, noStore: true) }
        let table = ReportTable(report)
        let name = "countersign-\(report.periodName)-\(report.by.rawValue)"
        let (bytes, type) =
            format == "csv"
            ? (table.csv(), "text/csv; charset=utf-8")
            : (try table.xlsx(sheet: report.periodName), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name).\(format)\"", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
