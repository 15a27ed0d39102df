import Crypto
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
    public var problem: String?
    /// The PAdES level the signature reaches as checked: "B-T" when its signature time-stamp holds, "B-LT" when the
    /// file's DSS also holds revocation data about its certificate, "B-LTA" when a document time-stamp that holds
    /// covers that DSS; else "B-B". A document time-stamp itself reports "DocTimeStamp".
    public var level: String
    /// The time its time-stamp proves the signature existed at; the certificate chain is judged at that time.
    public let provenTime: Date?
    /// When the file's own revocation data says a certificate of the signer's chain was revoked, at or before the
    /// proven time (a revocation after it does not matter: the signature was made while the certificate stood).
    public var revokedAt: Date? = nil

    public var isValid: Bool { intact && chainTrusted && laterChangesAllowed && revokedAt == nil }
}

/// The revocation data of a file's DSS (unfiltered streams only) and where the DSS dictionary sits.
struct DSSContents {
    let revocationData: [[UInt8]]
    let offset: Int

    /// Nil when the file has no DSS or it cannot be read: no long-term level is then claimed.
    init?(_ structure: PDFFileStructure) {
        guard let catalog = try? structure.dictionary(structure.root), let reference = catalog["DSS"].flatMap(PDFReference.init),
            let offset = structure.offsets[reference.number], let dss = try? structure.dictionary(reference)
        else { return nil }
        var items: [[UInt8]] = []
        for key in ["OCSPs", "CRLs"] {
            guard let raw = dss[key], let references = try? PDFScanner.references(inArray: raw, limits: structure.limits) else { continue }
            for item in references.prefix(64) { if let data = try? structure.streamData(item) { items.append(data) } }
        }
        self.revocationData = items
        self.offset = offset
    }
}

/// Finds every signature field of a PDF and checks each one's coverage, the revisions after it, its CMS and its
/// certificate chain. The file may come from anyone: everything the reader does is bounded by `limits`.
public enum PAdESVerifier {
    /// With `timeStampRootsPEM`, a signature time-stamp is checked against those roots and the signer's chain is
    /// judged at the time it proves (a certificate that expired since does not matter); one that does not hold makes
    /// the signature invalid. Without them, time-stamps are not looked at and every chain is judged now.
    ///
    /// `validationTime` (nil: now) is when the file is judged — decades after signing, say. The newest archive
    /// time-stamp's authority is judged then; each older archive time-stamp's, and each signature time-stamp's, at
    /// the time the oldest later archive time-stamp that holds proves (it covers them: they existed then, while
    /// their authority's certificate was valid). That chain of proofs is what archive renewal extends.
    public static func verify(
        _ pdf: [UInt8], trustedRootsPEM: String, timeStampRootsPEM: String? = nil, at validationTime: Date? = nil, limits: PDFLimits = .standard
    ) throws(PDFReadError) -> [SignatureReport] {
        let file = try SignedPDF(pdf, limits: limits)
        // From the newest revision back: `covered` is the time the oldest later archive time-stamp that holds proves.
        var reports: [SignatureReport] = []
        var covered = validationTime
        for signature in file.signatures.reversed() {
            if isDocumentTimeStamp(signature) {
                let stamp = documentTimeStamp(signature, pdf: pdf, timeStampRoots: timeStampRootsPEM, at: covered)
                if stamp.isValid, let proven = stamp.provenTime { covered = proven }
                reports.append(stamp)
            } else {
                reports.append(report(signature, pdf: pdf, roots: trustedRootsPEM, timeStampRoots: timeStampRootsPEM, at: covered))
            }
        }
        reports.reverse()
        // Long-term levels, judged from the DSS's revocation data at each signature's proven time: its issuers' word
        // that no certificate of its chain was revoked then (B-LT), and a document time-stamp that holds, added after
        // the DSS (B-LTA). A revocation at or before the proven time makes the signature invalid.
        guard let dss = DSSContents(file.structure) else { return reports }
        let archived = zip(file.signatures, reports).filter { $0.1.level == "DocTimeStamp" && $0.1.isValid }.map { $0.0.ranges.last?.upperBound ?? 0 }
        for (index, signature) in file.signatures.enumerated() where reports[index].level == "B-T" && reports[index].isValid {
            guard let proven = reports[index].provenTime else { continue }
            switch ValidationData.judge(signature.cms, revocationData: dss.revocationData, trustedRootsPEM: trustedRootsPEM, at: proven) {
            case .good:
                reports[index].level = archived.contains { $0 > dss.offset } ? "B-LTA" : "B-LT"
            case .revoked(let subject, let when):
                reports[index].revokedAt = when
                reports[index].problem =
                    "\(subject) was revoked at \(Self.iso(when)), before the time-stamp's time \(Self.iso(proven)) (the file's own revocation data)"
            case .unproven, .untrusted:
                continue
            }
        }
        return reports
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func isDocumentTimeStamp(_ signature: SignedPDF.Signature) -> Bool {
        signature.dictionary.name("Type") == "DocTimeStamp" || signature.dictionary.name("SubFilter") == "ETSI.RFC3161"
    }

    /// A document time-stamp: its token over the SHA-256 of the bytes it covers, from an authority trusted here as
    /// of `time`.
    private static func documentTimeStamp(_ signature: SignedPDF.Signature, pdf: [UInt8], timeStampRoots: String?, at time: Date?)
        -> SignatureReport
    {
        let coverage: SignatureReport.Coverage = signature.coversWholeFile ? .wholeFile : .earlierRevision
        func result(intact: Bool, trusted: Bool, problem: String?, time: Date?) -> SignatureReport {
            SignatureReport(
                field: signature.field, signer: "文档时间戳 Document time-stamp", sealID: nil, claimedTime: "", coverage: coverage, intact: intact,
                chainTrusted: trusted, laterChangesAllowed: signature.laterChangeProblem == nil,
                problem: signature.laterChangeProblem ?? problem, level: "DocTimeStamp", provenTime: time)
        }
        if let problem = signature.coverageProblem { return result(intact: false, trusted: false, problem: problem, time: nil) }
        var hash = SHA256()
        for range in signature.ranges { hash.update(data: pdf[range]) }
        do {
            switch try TimeStamp.documentProof(token: signature.cms, digest: Array(hash.finalize()), trustedRootsPEM: timeStampRoots ?? "", at: time)
            {
            case .proven(let time): return result(intact: true, trusted: true, problem: nil, time: time)
            case .untrusted(let why): return result(intact: true, trusted: false, problem: "its authority is not trusted here (\(why))", time: nil)
            case .none: return result(intact: false, trusted: false, problem: "no time-stamp token", time: nil)
            }
        } catch {
            return result(intact: false, trusted: false, problem: "the time-stamp is not over this file's bytes (\(error.message))", time: nil)
        }
    }

    /// A signature: its time-stamp's authority judged as of `covered` (nil: now), its chain at the time that proves —
    /// or, without a time-stamp that holds, at `covered` (a later archive time-stamp proves it existed then).
    private static func report(_ signature: SignedPDF.Signature, pdf: [UInt8], roots: String, timeStampRoots: String?, at covered: Date?)
        -> SignatureReport
    {
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
                switch try TimeStamp.proof(of: signature.cms, trustedRootsPEM: timeStampRoots, at: covered) {
                case .none: break
                case .proven(let time): proven = time
                case .untrusted(let why): unproven = "its time-stamp proves no time here (\(why)): judged now"
                }
            } catch {
                return refused("the signature carries a time-stamp that is not its own (\(error.message))")
            }
        }
        guard
            let (signer, trusted) = try? CMSSignature.check(
                signature.cms, over: pdf, ranges: signature.ranges, trustedRootsPEM: roots, at: proven ?? covered)
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
