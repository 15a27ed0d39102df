import Foundation
import Hummingbird
import Services
import Vouchers

/// The development time-stamp authority over HTTP (RFC 3161 §3.4), for other instances and tools pointed at it with
/// `COUNTERSIGN_TSA_URL`: `POST /tsa` with an `application/timestamp-query` body answers with an
/// `application/timestamp-reply`. Only when this instance runs the in-process TSA; a production bank uses its own.
struct TimeStampController: Sendable {
    let authority: LocalTimeStampAuthority?

    /// A query is a digest, a nonce and a few flags: well under a kilobyte.
    static let maximumQueryBytes = 4096

    func register(on router: Router<AppRequestContext>) {
        router.post("/tsa", use: respond)
    }

    @Sendable func respond(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let authority else {
            throw AppError(.notFound, code: "tsa.not_here", "this instance runs no time-stamp authority / 本实例不提供时间戳服务")
        }
        guard request.headers[.contentType]?.hasPrefix("application/timestamp-query") == true else {
            throw AppError(.unsupportedMediaType, code: "tsa.bad_query", "send an application/timestamp-query / 请以 application/timestamp-query 提交")
        }
        let body = try await request.body.collect(upTo: Self.maximumQueryBytes)
        let reply = try authority.respond(to: Array(buffer: body))
        return Response(
            status: .ok, headers: [.contentType: "application/timestamp-reply"], body: .init(byteBuffer: ByteBuffer(bytes: reply)))
    }
}
