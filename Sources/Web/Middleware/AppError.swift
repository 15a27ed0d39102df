import Audit
import Authorization
import Forms
public import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Services
import Storage
import Vouchers

/// An error as the API reports it: HTTP status, stable machine-readable code, and a message for people.
public struct AppError: Error, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// For 429 and 503: when to try again (sent as `Retry-After`).
    public let retryAfterSeconds: Int64?

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, retryAfterSeconds: Int64? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Maps any error to what the client is told. Unknown errors become a 500 that reveals nothing internal.
    static func from(_ error: any Error) -> AppError {
        switch error {
        case let error as AppError:
            return error
        case let error as any HTTPAnswerable:
            return error.answer
        case let error as AuditError:
            return AppError(.badRequest, code: error.code.rawValue, error.message)
        case let error as StorageError:
            switch error.code {
            case .constraintViolation: return AppError(.conflict, code: error.code.rawValue, error.message)
            case .notFound: return AppError(.notFound, code: error.code.rawValue, error.message)
            case .refused: return AppError(.forbidden, code: error.code.rawValue, error.message)
            case .unavailable: return AppError(.serviceUnavailable, code: error.code.rawValue, "the database is unavailable")
            case .contention:
                // Rolled back whole by PostgreSQL: nothing was written, and the same request may simply be sent again.
                return AppError(
                    .serviceUnavailable, code: error.code.rawValue, "another change met this one head on; nothing was saved, try again",
                    retryAfterSeconds: 1)
            default: return AppError(.internalServerError, code: "internal", "an internal error occurred")
            }
        case let error as SubmissionError:
            return AppError(error.kind == .tooLarge ? .contentTooLarge : .badRequest, code: error.code, error.message)
        case let error as VoucherError:
            switch error.code {
            case .badInput: return AppError(.badRequest, code: error.code.rawValue, error.message)
            case .unknownSeal: return AppError(.notFound, code: error.code.rawValue, error.message)
            case .sealRevoked, .sealExpired, .certificateRevoked, .certificateUnknown:
                return AppError(.conflict, code: error.code.rawValue, error.message)
            case .verificationFailed: return AppError(.unprocessableContent, code: error.code.rawValue, error.message)
            case .timeStampUnavailable, .timeStampRefused:
                // Retryable: nothing was written; the voucher stays where it was until a time-stamp can be had.
                return AppError(.serviceUnavailable, code: error.code.rawValue, "no time-stamp could be had: \(error.message)")
            case .revocationUnavailable:
                // Likewise: no signature is made until the certificate's standing can be established.
                return AppError(.serviceUnavailable, code: error.code.rawValue, "the certificate's standing could not be checked: \(error.message)")
            default: return AppError(.internalServerError, code: error.code.rawValue, "the voucher could not be produced")
            }
        case let error as FormError:
            switch error.code {
            case .unknownForm: return AppError(.notFound, code: error.code.rawValue, error.message)
            case .badDefinition: return AppError(.internalServerError, code: error.code.rawValue, "the form catalogue is broken")
            }
        case let error as FormProblems:
            let summary = error.problems.map { "\($0.field): \($0.message.en)" }.joined(separator: "; ")
            return AppError(.badRequest, code: "form.invalid", summary)
        case let error as DecodingError:
            return AppError(.badRequest, code: "request.invalid_json", "the request body is not the expected JSON: \(describe(error))")
        case let error as HTTPError:
            return fromHTTPError(error)
        case is NIOTooManyBytesError:
            // A body sent without Content-Length (chunked) that grew past the limit while it was collected.
            return AppError(.contentTooLarge, code: "request.too_large", "the request body is larger than allowed / 请求体过大")
        case is HTTPParserError:
            return AppError(.badRequest, code: "request.malformed", "the request is not valid HTTP (a bad chunk size, say) / 请求格式错误")
        default:
            return AppError(.internalServerError, code: "internal", "an internal error occurred")
        }
    }

    private static func fromHTTPError(_ error: HTTPError) -> AppError {
        switch error.status {
        case .notFound: return AppError(.notFound, code: "route.not_found", "no such page or endpoint")
        case .contentTooLarge: return AppError(.contentTooLarge, code: "request.too_large", "the request body is larger than allowed")
        case .methodNotAllowed: return AppError(.methodNotAllowed, code: "route.method_not_allowed", "this endpoint does not accept that method")
        case .unsupportedMediaType:
            return AppError(.unsupportedMediaType, code: "request.unsupported_media_type", error.body ?? "unsupported media type")
        case .badRequest: return AppError(.badRequest, code: "request.invalid", error.body ?? "the request is malformed")
        default: return AppError(error.status, code: "http.\(error.status.code)", error.body ?? error.status.reasonPhrase)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case .dataCorrupted: "malformed JSON"
        @unknown default: "malformed JSON"
        }
    }
}
