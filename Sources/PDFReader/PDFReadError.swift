/// Why a PDF could not be read, with a stable code and words for people (never the parser's internals).
public struct PDFReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Not a PDF at all.
        case notPDF = "pdf.not_pdf"
        /// A PDF whose structure is broken or self-contradictory.
        case damaged = "pdf.damaged"
        /// A valid PDF this reader does not handle (cross-reference streams, encryption).
        case unsupported = "pdf.unsupported"
        /// Beyond `PDFLimits`: too large, too deep, too many objects, fields or signatures.
        case tooComplex = "pdf.too_complex"
    }

    public let code: Code
    /// What is wrong, in English words.
    public let message: String
    /// The same in Chinese.
    public let messageZh: String
    /// For logs and tests only: the parser's own account, never shown to the uploader.
    public let detail: String

    public init(_ code: Code, _ message: String, zh: String, detail: String = "") {
        self.code = code
        self.message = message
        self.messageZh = zh
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(message)\(detail.isEmpty ? "" : " (\(detail))")" }

    static func damaged(_ detail: String) -> PDFReadError {
        PDFReadError(.damaged, "the file's structure is damaged", zh: "文件结构已损坏", detail: detail)
    }

    static func from(_ error: PDFSyntaxError) -> PDFReadError {
        switch error {
        case .malformed(let detail): return .damaged(detail)
        case .tooComplex(let detail): return tooComplex(detail)
        }
    }

    static func tooComplex(_ detail: String) -> PDFReadError {
        PDFReadError(.tooComplex, "the file is larger or more complex than a voucher can be", zh: "文件过大或结构过于复杂，不可能是凭证", detail: detail)
    }
}
