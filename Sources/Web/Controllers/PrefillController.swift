import Accounts
import Audit
import Forms
import Foundation
import Hummingbird
import Kernel
import Services

/// The form catalogue and pre-filled forms over HTTP. Reading forms, checking values and creating a pre-fill need
/// no login (customers on their phones) and are limited per client; picking one up is for tellers.
struct PrefillController: Sendable {
    let services: CounterServices?

    var counter: CounterServices {
        get throws {
            guard let services else {
                throw AppError(.serviceUnavailable, code: "prefill.not_configured", "pre-fill is not configured on this instance (data key missing)")
            }
            return services
        }
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/forms", use: list)
        router.get("/api/v1/forms/{id}", use: form)
        router.post("/api/v1/forms/{id}/check", use: check)
        router.post("/api/v1/prefills", use: create)
        router.post("/api/v1/prefills/pickup", use: pickUp)
    }

    struct FormSummary: Encodable {
        let id: String
        let version: Int
        let title: LocalizedText
        let category: String
    }

    struct FormList: ResponseEncodable { let forms: [FormSummary] }

    struct ValuesBody: Decodable { let values: [String: String] }

    struct CreateBody: Decodable {
        let form: String
        let values: [String: String]
    }

    struct Problem: Encodable {
        let field: String
        let code: String
        let message: LocalizedText
        init(_ problem: FieldProblem) { (field, code, message) = (problem.field, problem.code, problem.message) }
    }

    struct CheckResult: ResponseEncodable {
        let values: [String: String]
        let problems: [Problem]
        /// Valid amounts in Chinese capital numerals (人民币伍万元整), as the voucher will print them.
        let words: [String: String]
    }

    struct CreatedBody: ResponseEncodable {
        let code: String
        let form: String
        let expiresAt: String
        enum CodingKeys: String, CodingKey {
            case code, form
            case expiresAt = "expires_at"
        }
    }

    struct PickedUpBody: ResponseEncodable {
        let form: String
        let formVersion: Int
        let values: [String: String]
        let createdAt: String
        enum CodingKeys: String, CodingKey {
            case form, values
            case formVersion = "form_version"
            case createdAt = "created_at"
        }
    }

    struct CodeBody: Decodable { let code: String }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> FormList {
        let forms = try counter.catalogue.forms.values.sorted { ($0.category, $0.id) < ($1.category, $1.id) }
        return FormList(forms: forms.map { FormSummary(id: $0.id, version: $0.version, title: $0.title, category: $0.category) })
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try counter.catalogue.form(try context.parameters.require("id"))
        return try Self.json(.ok, form)
    }

    /// The page's live hints: the same check as the submission, for whatever the customer has typed so far
    /// (missing required fields are not reported here; the submission reports them).
    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> CheckResult {
        let counter = try counter
        let form = try counter.catalogue.form(try context.parameters.require("id"))
        let body = try await request.decode(as: ValuesBody.self, context: context)
        try Self.bound(body.values)
        let (valid, problems, words) = counter.prefills.checkWhileTyping(form, values: body.values)
        return CheckResult(values: valid, problems: problems.map(Problem.init), words: words)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let counter = try counter
        let body = try await request.decode(as: CreateBody.self, context: context)
        try Self.bound(body.values)
        do {
            let created = try await counter.prefills.create(formID: body.form, values: body.values)
            let expires = Timestamp(microsecondsSinceEpoch: created.expiresAtUs).description
            return try Self.json(.created, CreatedBody(code: created.code, form: created.formID, expiresAt: expires))
        } catch let problems as FormProblems {
            return try Self.invalid(problems, requestID: context.requestID)
        }
    }

    @Sendable func pickUp(_ request: Request, context: AppRequestContext) async throws -> PickedUpBody {
        let user = try context.requireUser()
        let body = try await request.decode(as: CodeBody.self, context: context)
        let picked = try await counter.prefills.pickUp(code: String(body.code.prefix(32)), user: user, terminal: context.terminal)
        return PickedUpBody(
            form: picked.form.id, formVersion: picked.form.version, values: picked.values,
            createdAt: Timestamp(microsecondsSinceEpoch: picked.createdAtUs).description)
    }

    // MARK: Helpers

    /// At most the form's size in fields, each value at most 1,000 characters (the forms' limits are far lower).
    static func bound(_ values: [String: String]) throws {
        guard values.count <= FormDefinition.maximumFields, values.allSatisfy({ $0.key.utf8.count <= 64 && $0.value.count <= 1000 }) else {
            throw AppError(.badRequest, code: "form.too_large", "at most \(FormDefinition.maximumFields) fields of at most 1,000 characters")
        }
    }

    /// 400 with every field at fault, so the page can mark them all.
    static func invalid(_ problems: FormProblems, requestID: String) throws -> Response {
        struct Body: Encodable {
            let error: ErrorMiddleware.ErrorBody.Detail
            let problems: [Problem]
        }
        let summary = problems.problems.map { "\($0.field): \($0.message.en)" }.joined(separator: "; ")
        return try json(
            .badRequest,
            Body(
                error: .init(code: "form.invalid", message: summary, text: ErrorCatalogue.text("form.invalid"), requestID: requestID),
                problems: problems.problems.map(Problem.init)))
    }

    /// `noStore`: an answer no cache may keep (personal data, a one-time password, a picture of now).
    static func json(_ status: HTTPResponse.Status, _ value: some Encodable, noStore: Bool = false) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var response = Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
        if noStore { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
