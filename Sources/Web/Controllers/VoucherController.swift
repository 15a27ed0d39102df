import Accounts
import Foundation
import Hummingbird
import Kernel
import Services
import Storage
import Vouchers

/// Vouchers over HTTP: a specimen preview, and the vouchers of the user's branch (auditors: all). A voucher is
/// made only at the end of the counter (`POST /api/v1/counter/sessions/{id}/voucher`): there is no route that
/// signs or seals a voucher, so no sequence of requests mints evidence outside the counter flow.
struct VoucherController: Sendable {
    let desk: VoucherDesk?

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/v1/vouchers", use: create)
        router.get("/api/v1/vouchers/{id}", use: show)
        router.get("/api/v1/vouchers/{id}/pdf", use: pdf)
    }

    struct CreateRequest: Decodable {
        let form: String
        let values: [String: String]
    }

    struct VoucherView: ResponseEncodable {
        let id: String
        let form: String
        let formVersion: Int
        let branch: String
        let teller: String
        let state: VoucherState
        let pdfSHA256: String
        let seal: String?
        let pdf: String

        init(_ record: Storage.VoucherRecord) {
            id = record.id
            form = record.formID
            formVersion = record.formVersion
            branch = record.branch
            teller = record.teller
            state = record.state
            pdfSHA256 = record.pdfSHA256.hexString
            seal = record.sealID
            pdf = "/api/v1/vouchers/\(record.id)/pdf"
        }

        enum CodingKeys: String, CodingKey {
            case id, form, branch, teller, state, seal, pdf
            case formVersion = "form_version"
            case pdfSHA256 = "pdf_sha256"
        }
    }

    private func requireDesk() throws -> VoucherDesk {
        guard let desk else {
            throw AppError(.serviceUnavailable, code: "voucher.not_configured", "vouchers are not configured on this instance (keys missing)")
        }
        return desk
    }

    private func requireTeller(_ context: AppRequestContext) throws -> UserIdentity {
        let user = try context.requireUser()
        guard user.role == .teller else { throw AppError(.forbidden, code: "auth.forbidden", "only tellers prepare vouchers") }
        return user
    }

    /// A watermarked preview (样张 SPECIMEN) of a form with values, for checking a layout: not stored, not signed.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try requireTeller(context)
        let body = try await request.decode(as: CreateRequest.self, context: context)
        guard body.values.count <= 100, body.values.allSatisfy({ $0.key.count <= 64 && $0.value.count <= 200 }) else {
            throw AppError(.badRequest, code: "voucher.too_many_values", "at most 100 values of at most 200 characters")
        }
        let pdf = try await requireDesk().specimen(formID: body.form, values: body.values, user: user)
        return Response(
            status: .ok, headers: [.contentType: "application/pdf", .contentDisposition: "inline; filename=\"specimen-\(body.form).pdf\""],
            body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> VoucherView {
        VoucherView(try await requireDesk().voucher(try context.parameters.require("id"), for: try context.requireUser()))
    }

    @Sendable func pdf(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await requireDesk().pdf(try context.parameters.require("id"), for: try context.requireUser(), terminal: context.terminal)
        return Response(
            status: .ok,
            headers: [.contentType: "application/pdf", .contentDisposition: "attachment; filename=\"\(record.id).pdf\""],
            body: .init(byteBuffer: ByteBuffer(bytes: record.pdf)))
    }
}
