/// Checking a PDF anyone uploads, or a receipt looked up by its number.
public typealias VerificationError = Refusal<VerificationErrorCode>

public enum VerificationErrorCode: String, CaseIterable, Sendable {
    case notSigned = "verify.not_signed"
    case unreadable = "verify.unreadable"
    case tooComplex = "verify.too_complex"
    case noReceipt = "verify.no_receipt"
}
