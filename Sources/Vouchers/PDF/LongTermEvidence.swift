import CCrypto
import Crypto
public import Foundation
import PDFReader

/// What a validator needs to check every signature and time-stamp of a file offline, decades ahead (ETSI EN 319
/// 142-1 §5.4.2, the DSS): certificates, OCSP responses and CRLs, each DER.
public struct ValidationData: Sendable, Equatable {
    public var certificates: [[UInt8]]
    public var ocspResponses: [[UInt8]]
    public var crls: [[UInt8]]

    public init(certificates: [[UInt8]] = [], ocspResponses: [[UInt8]] = [], crls: [[UInt8]] = []) {
        self.certificates = certificates
        self.ocspResponses = ocspResponses
        self.crls = crls
    }

    /// The certificates a CMS signature carries (its signature time-stamp's included), or an OCSP response carries
    /// (its responder's).
    public static func certificates(in der: [UInt8]) throws(VoucherError) -> [[UInt8]] {
        // Read without OpenSSL when the structure is plain DER (ours always is); OpenSSL otherwise.
        if let found = DER.certificates(inSignature: der) ?? DER.certificates(inOCSPResponse: der) { return found }
        return try certificatesByOpenSSL(in: der)
    }

    static func certificatesByOpenSSL(in der: [UInt8]) throws(VoucherError) -> [[UInt8]] {
        var error = [CChar](repeating: 0, count: 512)
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard cs_der_certificates(der, der.count, &out, &length, &error, error.count) == 0 else {
            throw VoucherError(.badInput, CCryptoText.message(error))
        }
        guard let out else { return [] }
        defer { cs_free(out) }
        return DER.split(Array(UnsafeBufferPointer(start: out, count: length)))
    }

    /// The certificates of a PEM bundle (trust anchors a validator may lack), DER. Read as bytes: walking the text by
    /// Character was a visible part of each B-LTA seal.
    public static func certificates(pem: String) -> [[UInt8]] {
        let text = Array(pem.utf8)
        let begin = Array("-----BEGIN CERTIFICATE-----".utf8)
        let end = Array("-----END CERTIFICATE-----".utf8)
        func find(_ marker: [UInt8], from start: Int) -> Int? {
            guard text.count >= marker.count, start <= text.count - marker.count else { return nil }
            return (start...(text.count - marker.count)).first { text[$0] == marker[0] && text[$0..<$0 + marker.count].elementsEqual(marker) }
        }
        var found: [[UInt8]] = []
        var index = 0
        while let opening = find(begin, from: index), let closing = find(end, from: opening + begin.count) {
            let body = text[(opening + begin.count)..<closing].filter { $0 != 10 && $0 != 13 && $0 != 32 && $0 != 9 }
            if let der = Data(base64Encoded: Data(body)) { found.append(Array(der)) }
            index = closing + end.count
        }
        return found
    }

    /// What a validator needs for every signature of `pdf`: the certificates each signature carries (with its
    /// time-stamp's), the trust anchors (`anchorsPEM`, which a validator decades ahead may no longer have at hand),
    /// the OCSP answers about the signers' certificates with their responders' certificates, and the CRLs that
    /// cover the rest of the chains (the CAs', the TSA's).
    public static func collect(from pdf: [UInt8], anchorsPEM: [String], ocspResponses: [[UInt8]], crls: [[UInt8]]) throws(VoucherError)
        -> ValidationData
    {
        let signatures: [SignedPDF.Signature]
        do { signatures = try SignedPDF(pdf, limits: .signing).signatures } catch { throw VoucherError(.badInput, error.description) }
        return try collect(from: signatures, anchorsPEM: anchorsPEM, ocspResponses: ocspResponses, crls: crls)
    }

    static func collect(from signatures: [SignedPDF.Signature], anchorsPEM: [String], ocspResponses: [[UInt8]], crls: [[UInt8]])
        throws(VoucherError) -> ValidationData
    {
        var data = ValidationData(ocspResponses: ocspResponses, crls: crls)
        for signature in signatures { data.certificates += try certificates(in: signature.cms) }
        for pem in anchorsPEM { data.certificates += certificates(pem: pem) }
        for response in ocspResponses { data.certificates += try certificates(in: response) }
        data.deduplicate()
        return data
    }

    /// Each item once, in first-seen order.
    mutating func deduplicate() {
        func unique(_ items: [[UInt8]]) -> [[UInt8]] {
            var seen = Set<[UInt8]>()
            return items.filter { seen.insert($0).inserted }
        }
        certificates = unique(certificates)
        ocspResponses = unique(ocspResponses)
        crls = unique(crls)
    }
}

/// What a file's own revocation data says about a signer's chain at the time a time-stamp proves (issue #16, part
/// 4): no network, so the verdict decades later is the verdict today.
public enum RevocationJudgement: Sendable, Equatable {
    /// Every certificate below the root has its issuer's word that it was not revoked at that time.
    case good
    /// A certificate of the chain was revoked at or before that time.
    case revoked(subject: String, at: Date)
    /// A certificate of the chain has no word from its issuer about that time in the data.
    case unproven(subject: String)
    /// The chain reaches no trusted root at that time, or the signature carries no signer certificate.
    case untrusted(String)
}

extension ValidationData {
    /// Judges the chain of `cms`'s signer at `time` from `revocationData` (OCSP answers, CRLs) alone.
    static func judge(_ cms: [UInt8], revocationData: [[UInt8]], trustedRootsPEM: String, at time: Date) -> RevocationJudgement {
        var verdict: Int32 = 0
        var revokedAt: Int64 = 0
        var which = [CChar](repeating: 0, count: 512)
        var error = [CChar](repeating: 0, count: 512)
        // One buffer, so every item's pointer is valid for the whole call.
        let joined = revocationData.flatMap { $0 }
        let lengths = revocationData.map(\.count)
        let status = joined.withUnsafeBufferPointer { buffer in
            var offset = 0
            var pointers: [UnsafePointer<UInt8>?] = []
            for length in lengths {
                pointers.append(buffer.baseAddress.map { $0 + offset })
                offset += length
            }
            return cs_revocation_judge_cms(
                cms, cms.count, pointers, lengths, lengths.count, trustedRootsPEM, RevocationList.seconds(time), &verdict, &revokedAt, &which,
                which.count, &error, error.count)
        }
        guard status == 0 else { return .untrusted(CCryptoText.message(error)) }
        let subject = CCryptoText.message(which)
        switch Int(verdict) {
        case Int(CS_REVOCATION_GOOD): return .good
        case Int(CS_REVOCATION_REVOKED): return .revoked(subject: subject, at: Date(timeIntervalSince1970: Double(revokedAt)))
        default: return .unproven(subject: subject)
        }
    }
}

/// PAdES B-LT and B-LTA as incremental updates written here (no PDF library): a DSS revision holding the
/// validation data of every signature, then a document time-stamp over the whole file (issue #16, part 3).
public enum LongTermEvidence {
    /// Bytes reserved for a document time-stamp token: the token with its TSA's chain is 3–5 KB.
    public static let timeStampReserve = 12 * 1024

    /// The file with a DSS revision: `data` merged with the DSS the file already has (its entries kept as they are,
    /// the new ones added). A new DSS dictionary is written and the catalog points at it — an object of a signed
    /// revision is never rewritten, so every earlier signature's "later changes" stay the kind a validator allows.
    public static func addingDSS(_ pdf: [UInt8], data: ValidationData) throws(VoucherError) -> [UInt8] {
        var data = data
        data.deduplicate()
        let structure = try SignatureUpdate.read { () throws(PDFReadError) in try PDFFileStructure(pdf, limits: .signing) }
        var catalog = try SignatureUpdate.read { () throws(PDFReadError) in try structure.dictionary(structure.root) }
        var size = structure.size
        var objects: [(Int, [UInt8])] = []
        func stream(_ bytes: [UInt8]) -> PDFReference {
            let number = size
            size += 1
            objects.append((number, Array("<</Length \(bytes.count)>>\nstream\n".utf8) + bytes + Array("\nendstream".utf8)))
            return PDFReference(number: number)
        }
        var dss = PDFDictionary(entries: [])
        if let existing = catalog["DSS"].flatMap(PDFReference.init) {
            dss = try SignatureUpdate.read { () throws(PDFReadError) in try structure.dictionary(existing) }
        }
        for (key, items) in [("Certs", data.certificates), ("OCSPs", data.ocspResponses), ("CRLs", data.crls)] where !items.isEmpty {
            var references: [PDFReference] = []
            if let raw = dss[key] {
                references = try SignatureUpdate.parse { () throws(PDFSyntaxError) in try PDFScanner.references(inArray: raw) }
            }
            references += items.map(stream)
            dss[key] = SignatureUpdate.array(references)
        }
        dss["Type"] = Array("/DSS".utf8)
        let dssNumber = size
        size += 1
        objects.append((dssNumber, dss.serialized))
        catalog["DSS"] = PDFReference(number: dssNumber).bytes
        objects.append((structure.root.number, catalog.serialized))
        var output = pdf
        if output.last != 10 { output.append(10) }
        _ = RevisionWriter.append(objects, size: size, after: structure, to: &output)
        return output
    }

    /// PAdES B-LTA for a file whose signatures were just made, as the service seals: for each signature, its CA's
    /// answer about the signer's certificate, asked after signing (validators want revocation data issued after the
    /// signature) and required to be good; the CRLs above; the trust anchors; a DSS; a document time-stamp. A
    /// responder or TSA that does not answer fails it (nothing is returned); a revoked certificate is refused.
    /// The parsing and writing run on `executor`; the waits for the CA and the TSA do not.
    public static func archive(
        _ pdf: [UInt8], revocation: RevocationCheck, timeStamper: TimeStamper, at time: Date, executor: some BlockingExecutor = .inPlace
    ) async throws -> [UInt8] {
        let signatures = try await executor.run { () throws -> [SignedPDF.Signature] in
            do { return try SignedPDF(pdf, limits: .signing).signatures } catch let error as PDFReadError {
                throw VoucherError(.badInput, error.description)
            }
        }
        // The CA is asked about every signature at once: with a bank's responder over the network, the voucher waits
        // for one round trip, not one per signature.
        let signed = signatures.filter { !PAdESVerifier.isDocumentTimeStamp($0) }
        let answers = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for (index, signature) in signed.enumerated() {
                let (cms, field) = (signature.cms, signature.field)
                group.addTask {
                    let (status, response) = try await revocation.status(ofSignature: cms, at: time)
                    guard status == .good else {
                        throw VoucherError(.certificateRevoked, "the certificate of \(field) is not good at its CA: \(status)")
                    }
                    return (index, response)
                }
            }
            var found: [(Int, [UInt8])] = []
            for try await answer in group { found.append(answer) }
            return found.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let crls: [[UInt8]]
        do { crls = try await revocation.authority.revocationLists() } catch {
            throw VoucherError(.revocationUnavailable, "the CRLs for the voucher's long-term evidence cannot be had: \(error)")
        }
        let anchors = [revocation.trustedRootsPEM, timeStamper.trustedRootsPEM]
        let withDSS = try await executor.run {
            try addingDSS(pdf, data: try ValidationData.collect(from: signatures, anchorsPEM: anchors, ocspResponses: answers, crls: crls))
        }
        let archived = signatures.filter(PAdESVerifier.isDocumentTimeStamp).count
        return try await addingDocumentTimeStamp(
            withDSS, fieldName: "ArchiveTimeStamp\(archived + 1)", timeStamper: timeStamper, executor: executor)
    }

    /// Archive renewal (issue #16, part 5; ETSI EN 319 142-1 §5.5): before the certificate of the file's newest
    /// archive time-stamp expires, a DSS with what validates that time-stamp (its TSA's certificates, the current
    /// CRLs) and a new document time-stamp over everything, which carries the proof on for the new TSA certificate's
    /// life. A file without an archive time-stamp is not B-LTA and is refused.
    public static func renew(_ pdf: [UInt8], revocation: RevocationCheck, timeStamper: TimeStamper) async throws -> [UInt8] {
        let stamps: [SignedPDF.Signature]
        do { stamps = try SignedPDF(pdf, limits: .signing).signatures.filter(PAdESVerifier.isDocumentTimeStamp) } catch {
            throw VoucherError(.badInput, error.description)
        }
        guard let newest = stamps.last else { throw VoucherError(.badInput, "the file has no archive time-stamp to renew (it is not B-LTA)") }
        let crls: [[UInt8]]
        do { crls = try await revocation.authority.revocationLists() } catch {
            throw VoucherError(.revocationUnavailable, "the CRLs for the renewal cannot be had: \(error)")
        }
        let data = try ValidationData.collect(from: [newest], anchorsPEM: [timeStamper.trustedRootsPEM], ocspResponses: [], crls: crls)
        // What is added must do its work: the newest stamp's TSA certificate shown unrevoked, now, by the data alone.
        let judged = ValidationData.judge(newest.cms, revocationData: crls, trustedRootsPEM: timeStamper.trustedRootsPEM, at: Date())
        guard judged == .good else {
            throw VoucherError(
                .revocationUnavailable, "the CRLs at hand do not show the newest archive time-stamp's TSA certificate unrevoked: \(judged)")
        }
        return try await addingDocumentTimeStamp(
            try addingDSS(pdf, data: data), fieldName: "ArchiveTimeStamp\(stamps.count + 1)", timeStamper: timeStamper)
    }

    /// When the certificate of the file's newest archive time-stamp expires: past it, nothing proves the file
    /// existed unchanged, so the archive is renewed before. Nil when the file has no archive time-stamp.
    public static func archiveExpiry(_ pdf: [UInt8]) throws(VoucherError) -> Date? {
        let stamps: [SignedPDF.Signature]
        do { stamps = try SignedPDF(pdf, limits: .signing).signatures.filter(PAdESVerifier.isDocumentTimeStamp) } catch {
            throw VoucherError(.badInput, error.description)
        }
        guard let newest = stamps.last else { return nil }
        return try signerValidity(newest.cms).upperBound
    }

    /// The validity of the certificate that signed a CMS (a signature or a time-stamp token).
    public static func signerValidity(_ cms: [UInt8]) throws(VoucherError) -> ClosedRange<Date> {
        var notBefore: Int64 = 0
        var notAfter: Int64 = 0
        var error = [CChar](repeating: 0, count: 512)
        guard cs_cms_signer_validity(cms, cms.count, &notBefore, &notAfter, &error, error.count) == 0, notBefore <= notAfter else {
            throw VoucherError(.badInput, CCryptoText.message(error))
        }
        return Date(timeIntervalSince1970: Double(notBefore))...Date(timeIntervalSince1970: Double(notAfter))
    }

    /// The file with a document time-stamp (`/SubFilter /ETSI.RFC3161`) over all of it, in a new invisible field.
    /// The TSA not answering fails it: nothing is returned.
    public static func addingDocumentTimeStamp(
        _ pdf: [UInt8], fieldName: String, timeStamper: TimeStamper, executor: some BlockingExecutor = .inPlace
    ) async throws -> [UInt8] {
        let request = SignatureRequest(fieldName: fieldName, rect: (x: 0, y: 0, width: 1, height: 1), appearance: .strokes([]), time: Date())
        let (prepared, digest) = try await executor.run { () throws -> (PAdESSigner.Prepared, [UInt8]) in
            let prepared = try PAdESSigner.revision(pdf, request: request, kind: .documentTimeStamp, reserve: timeStampReserve)
            var hash = SHA256()
            for range in prepared.ranges { hash.update(data: prepared.output[range]) }
            return (prepared, Array(hash.finalize()))
        }
        let token = try await timeStamper.token(for: digest).der
        return try await executor.run {
            var stamped = prepared
            stamped.cms = token
            return try stamped.embedded()
        }
    }
}
