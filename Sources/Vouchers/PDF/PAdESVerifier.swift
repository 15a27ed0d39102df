public import Foundation
public import PDFReader

/// What `countersign voucher verify` reports for each signature of a PDF.
public struct SignatureReport: Sendable, Equatable {
    public enum Coverage: String, Sendable { case wholeFile = "whole file", earlierRevision = "earlier revision" }

    public let field: String
    public let signer: String
    /// The registry id of the seal, for e-seal signatures.
    public let sealID: String?
    /// The claimed signing time as written in /M.
    public let claimedTime: String
    public let coverage: Coverage
    /// The byte range describes this signature exactly, the signed bytes are unchanged and the signature over them
    /// verifies.
    public let intact: Bool
    /// The signer's certificate chains to one of the configured roots.
    public let chainTrusted: Bool
    /// Every revision after this signature only adds what a later signature may add.
    public let laterChangesAllowed: Bool
    public let problem: String?
    /// The PAdES level the signature reaches as checked: "B-T" when its signature time-stamp holds, else "B-B".
    public let level: String
    /// The time its time-stamp proves the signature existed at; the certificate chain is judged at that time.
    public let provenTime: Date?

    public var isValid: Bool { intact && chainTrusted && laterChangesAllowed }
}

/// Finds every signature field of a PDF and checks each one's coverage, the revisions after it, its CMS and its
/// certificate chain. The file may come from anyone: everything the reader does is bounded by `limits`.
public enum PAdESVerifier {
    /// With `timeStampRootsPEM`, a signature time-stamp is checked against those roots and the signer's chain is
    /// judged at the time it proves (a certificate that expired since does not matter); one that does not hold makes
    /// the signature invalid. Without them, time-stamps are not looked at and every chain is judged now.
    public static func verify(_ pdf: [UInt8], trustedRootsPEM: String, timeStampRootsPEM: String? = nil, limits: PDFLimits = .standard)
        throws(PDFReadError) -> [SignatureReport]
    {
        try SignedPDF(pdf, limits: limits).signatures.map { report($0, pdf: pdf, roots: trustedRootsPEM, timeStampRoots: timeStampRootsPEM) }
    }

    private static func report(_ signature: SignedPDF.Signature, pdf: [UInt8], roots: String, timeStampRoots: String?) -> SignatureReport {
        let sealID = signature.dictionary["CountersignSealID"].map(PDFText.decode)
        let time = PDFText.decode(signature.dictionary["M"] ?? [])
        let coverage: SignatureReport.Coverage = signature.coversWholeFile ? .wholeFile : .earlierRevision
        func refused(_ problem: String) -> SignatureReport {
            SignatureReport(
                field: signature.field, signer: "", sealID: sealID, claimedTime: time, coverage: coverage, intact: false, chainTrusted: false,
                laterChangesAllowed: signature.laterChangeProblem == nil, problem: problem, level: "B-B", provenTime: nil)
        }
        if let problem = signature.coverageProblem { return refused(problem) }
        var proven: Date?
        var unproven: String?
        if let timeStampRoots {
            do {
                switch try TimeStamp.proof(of: signature.cms, trustedRootsPEM: timeStampRoots) {
                case .none: break
                case .proven(let time): proven = time
                case .untrusted(let why): unproven = "its time-stamp proves no time here (\(why)): judged now"
                }
            } catch {
                return refused("the signature carries a time-stamp that is not its own (\(error.message))")
            }
        }
        guard
            let (signer, trusted) = try? CMSSignature.check(signature.cms, over: pdf, ranges: signature.ranges, trustedRootsPEM: roots, at: proven)
        else {
            return refused("the signed bytes were changed or the signature is broken")
        }
        let untrusted =
            proven == nil
            ? "the certificate does not chain to a trusted root" : "the certificate did not chain to a trusted root at the time-stamp's time"
        let problem = signature.laterChangeProblem ?? (trusted ? unproven : [untrusted, unproven].compactMap { $0 }.joined(separator: "; "))
        return SignatureReport(
            field: signature.field, signer: signer, sealID: sealID, claimedTime: time, coverage: coverage, intact: true, chainTrusted: trusted,
            laterChangesAllowed: signature.laterChangeProblem == nil, problem: problem, level: proven == nil ? "B-B" : "B-T", provenTime: proven)
    }
}
