import Foundation
import Hummingbird
import Services
import Vouchers

/// The development PKI's revocation data over HTTP, where its certificates point: `POST /pki/ocsp` (RFC 6960
/// Appendix A, `application/ocsp-request` → `application/ocsp-response`), the same request base64-encoded in a
/// `GET /pki/ocsp/{request}`, and `GET /pki/crl/{ca}.crl` (`application/pkix-crl`). Only when this instance
/// publishes them (development); otherwise 404 `pki.not_here`.
struct PKIController: Sendable {
    let publication: PKIPublication?

    /// An OCSP request for a handful of certificates, optionally signed, is far below this.
    static let maximumRequestBytes = 8192

    func register(on router: Router<AppRequestContext>) {
        router.post("/pki/ocsp", use: answerPost)
        router.get("/pki/ocsp/{request}", use: answerGet)
        router.get("/pki/crl/{name}", use: revocationList)
    }

    private func published() throws -> PKIPublication {
        guard let publication else {
            throw AppError(.notFound, code: "pki.not_here", "this instance publishes no revocation data / 本实例不提供证书状态服务")
        }
        return publication
    }

    @Sendable func answerPost(_ request: Request, context: AppRequestContext) async throws -> Response {
        let publication = try published()
        guard request.headers[.contentType]?.hasPrefix("application/ocsp-request") == true else {
            throw AppError(.unsupportedMediaType, code: "pki.bad_request", "send an application/ocsp-request / 请以 application/ocsp-request 提交")
        }
        let body = try await request.body.collect(upTo: Self.maximumRequestBytes)
        return Self.answer(try await publication.ocspAnswer(to: Array(buffer: body)))
    }

    /// RFC 6960 A.1: the DER request, base64 and URL-encoded, as the last path segment.
    @Sendable func answerGet(_ request: Request, context: AppRequestContext) async throws -> Response {
        let publication = try published()
        let segment = context.parameters.get("request") ?? ""
        guard segment.utf8.count <= Self.maximumRequestBytes * 2, let decoded = segment.removingPercentEncoding,
            let der = Data(base64Encoded: decoded)
        else {
            throw AppError(.badRequest, code: "pki.bad_request", "the OCSP request is not base64 / OCSP 请求不是 base64 编码")
        }
        return Self.answer(try await publication.ocspAnswer(to: Array(der)))
    }

    /// A malformed request still gets a signed-protocol answer ("malformedRequest") with 200, as OCSP clients expect.
    static func answer(_ der: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/ocsp-response"], body: .init(byteBuffer: ByteBuffer(bytes: der)))
    }

    @Sendable func revocationList(_ request: Request, context: AppRequestContext) async throws -> Response {
        let publication = try published()
        guard let crl = publication.revocationList(named: context.parameters.get("name") ?? "") else {
            throw AppError(.notFound, code: "pki.no_such_crl", "no such revocation list / 没有该证书吊销列表")
        }
        return Response(status: .ok, headers: [.contentType: "application/pkix-crl"], body: .init(byteBuffer: ByteBuffer(bytes: crl)))
    }
}
