/// Why a voucher operation was refused, with a stable code that tests and HTTP clients compare.
public struct VoucherError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case badSignerFile = "voucher.bad_signer_file"
        case wrongPassword = "voucher.wrong_password"
        case signingFailed = "voucher.signing_failed"
        case verificationFailed = "voucher.verification_failed"
        case badInput = "voucher.bad_input"
        case renderingFailed = "voucher.rendering_failed"
        case unknownSeal = "voucher.unknown_seal"
        case sealRevoked = "voucher.seal_revoked"
        case sealExpired = "voucher.seal_expired"
        /// The time-stamp authority did not answer (a signature is never made without its time-stamp).
        case timeStampUnavailable = "tsa.unavailable"
        /// The authority answered with something that is not a valid time-stamp for what was asked.
        case timeStampRefused = "tsa.refused"
        /// No OCSP answer to rely on about a signing certificate (none, or not one the CA's responder signed).
        case revocationUnavailable = "ocsp.unavailable"
        /// The certificate's CA revoked it, or does not know it: it signs nothing.
        case certificateRevoked = "voucher.certificate_revoked"
        case certificateUnknown = "voucher.certificate_unknown"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
