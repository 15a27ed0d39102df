import CCrypto
public import Foundation

/// A revoked certificate as a CA publishes it: its serial (upper-case hex) and when it was revoked.
public struct RevokedCertificate: Sendable, Equatable {
    public let serial: String
    public let revokedAt: Date

    public init(serial: String, revokedAt: Date) {
        self.serial = serial
        self.revokedAt = revokedAt
    }

    /// The list the OpenSSL shim reads: "SERIALHEX UNIXSECONDS" per line. Serials that are not hex are refused here,
    /// not passed on.
    static func lines(_ revoked: [RevokedCertificate]) throws(VoucherError) -> String {
        var text = ""
        for entry in revoked {
            guard (1...64).contains(entry.serial.count), entry.serial.allSatisfy(\.isHexDigit) else {
                throw VoucherError(.badInput, "certificate serial \(entry.serial) is not hexadecimal")
            }
            text += "\(entry.serial) \(Int64(entry.revokedAt.timeIntervalSince1970.rounded(.down)))\n"
        }
        return text
    }
}

/// A CA's certificate revocation list (RFC 5280), signed with the CA's own key (issue #16, part 2). Only the CA's
/// holder makes one — `countersign pki crl`, never the service.
public enum RevocationList {
    public static func make(
        signedBy ca: Signer, revoked: [RevokedCertificate], thisUpdate: Date, nextUpdate: Date, number: UInt64
    ) throws(VoucherError) -> [UInt8] {
        let list = try RevokedCertificate.lines(revoked)
        var error = [CChar](repeating: 0, count: 512)
        var der: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard
            cs_crl_create(ca.handle, seconds(thisUpdate), seconds(nextUpdate), number, list, &der, &length, &error, error.count) == 0,
            let der
        else { throw VoucherError(.signingFailed, CCryptoText.message(error)) }
        return CCryptoText.bytes(der, count: length)
    }

    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }
}

/// An OCSP responder (RFC 6960) a CA delegated: its certificate is issued by the CA for OCSP signing and carries
/// id-pkix-ocsp-nocheck, so the CA's key never sits in the service. It states what the caller's revocation list
/// says, as of the caller's clock.
public struct OCSPResponder: Sendable {
    public let signer: Signer
    /// The CA whose certificates it answers for (PEM); anything else is "unknown".
    public let issuerPEM: String
    /// How long an answer may be relied on (nextUpdate − thisUpdate).
    public let validity: TimeInterval
    let clock: @Sendable () -> Date

    public init(signer: Signer, issuerPEM: String, validity: TimeInterval = 86_400, clock: @escaping @Sendable () -> Date = Date.init) {
        self.signer = signer
        self.issuerPEM = issuerPEM
        self.validity = validity
        self.clock = clock
    }

    /// The DER answer to a DER request: signed statuses, or the protocol's own "malformedRequest" for bytes that are
    /// not a request (a reply, not an error: OCSP clients expect one).
    public func respond(to request: [UInt8], revoked: [RevokedCertificate]) throws(VoucherError) -> [UInt8] {
        let list = try RevokedCertificate.lines(revoked)
        let now = clock()
        var error = [CChar](repeating: 0, count: 512)
        var der: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard
            cs_ocsp_respond(
                signer.handle, issuerPEM, list, RevocationList.seconds(now), RevocationList.seconds(now.addingTimeInterval(validity)),
                request, request.count, &der, &length, &error, error.count) == 0,
            let der
        else { throw VoucherError(.signingFailed, CCryptoText.message(error)) }
        return CCryptoText.bytes(der, count: length)
    }
}

/// What a certificate's issuer says about it, as of its answer.
public enum CertificateStatus: Sendable, Equatable {
    case good
    case revoked(Date)
    /// The responder does not know the certificate: not one its CA issued, as far as it can tell.
    case unknown
}

/// Where the service asks about its own certificates before it signs with them (RFC 6960): the development PKI's
/// responder in process, or the bank CA's over HTTP; and where it gets the CRLs that cover the rest of its chains
/// (the CAs', the TSA's) for the long-term evidence it writes into each voucher.
public protocol RevocationAuthority: Sendable {
    /// The DER OCSP response to a DER request.
    func answer(_ request: [UInt8]) async throws -> [UInt8]
    /// The current CRLs of the CAs above the signing certificates and of the TSA (DER).
    func revocationLists() async throws -> [[UInt8]]
}

/// Asks about a signing certificate and checks the answer: a seal or witness certificate its CA has revoked is not
/// used, whatever the registry says (the CA may have revoked it on its own). The checked answer is kept as evidence
/// of the certificate's standing at signing (PAdES B-LT).
public struct RevocationCheck: Sendable {
    public let authority: any RevocationAuthority
    /// The roots the responder's certificate must chain to (the signing PKI's).
    public let trustedRootsPEM: String

    public init(authority: any RevocationAuthority, trustedRootsPEM: String) {
        self.authority = authority
        self.trustedRootsPEM = trustedRootsPEM
    }

    /// An answer about one certificate is a few kilobytes; anything far larger is not one.
    static let maximumResponseBytes = 64 * 1024

    /// The certificate's status at `time` and the answer that says so. Throws `ocsp.unavailable` when there is no
    /// answer to rely on (none, malformed, not signed by the CA or its responder, not current, not to this request).
    public func status(of signer: Signer, at time: Date) async throws(VoucherError) -> (status: CertificateStatus, response: [UInt8]) {
        try await status(of: .signer(signer), at: time)
    }

    /// The same for the signer of a CMS signature already made (what the DSS records about it).
    public func status(ofSignature cms: [UInt8], at time: Date) async throws(VoucherError) -> (status: CertificateStatus, response: [UInt8]) {
        try await status(of: .signature(cms), at: time)
    }

    enum Subject {
        case signer(Signer)
        case signature([UInt8])
    }

    func status(of subject: Subject, at time: Date) async throws(VoucherError) -> (status: CertificateStatus, response: [UInt8]) {
        // The certificate and its chain, read once (OpenSSL decodes every certificate of a CMS it parses).
        let signer: OpaquePointer
        var owned: OpaquePointer?
        switch subject {
        case .signer(let known): signer = known.handle
        case .signature(let cms):
            var error = [CChar](repeating: 0, count: 512)
            guard cs_signer_from_cms(cms, cms.count, &owned, &error, error.count) == 0, let owned else {
                throw VoucherError(.badSignerFile, CCryptoText.message(error))
            }
            signer = owned
        }
        // The caller's Signer stays alive (its handle in use) until this returns; a signer made here is freed then.
        defer {
            if let owned { cs_signer_free(owned) }
            withExtendedLifetime(subject) {}
        }
        return try await status(of: signer, at: time)
    }

    private func status(of signer: OpaquePointer, at time: Date) async throws(VoucherError) -> (status: CertificateStatus, response: [UInt8]) {
        let request = try Self.request(about: signer)
        let response: [UInt8]
        do {
            response = try await authority.answer(request)
        } catch let error as VoucherError {
            throw error
        } catch {
            throw VoucherError(.revocationUnavailable, "the OCSP responder did not answer: \(error)")
        }
        guard response.count <= Self.maximumResponseBytes else { throw VoucherError(.revocationUnavailable, "the OCSP answer is too large") }
        var error = [CChar](repeating: 0, count: 512)
        var status: Int32 = 0
        var revokedAt: Int64 = 0
        let checked = cs_ocsp_check_response(
            response, response.count, request, request.count, signer, trustedRootsPEM, RevocationList.seconds(time), &status, &revokedAt, &error,
            error.count)
        guard checked == 0 else {
            throw VoucherError(.revocationUnavailable, "the OCSP answer cannot be relied on: \(CCryptoText.message(error))")
        }
        switch status {
        case 0: return (.good, response)
        case 1: return (.revoked(Date(timeIntervalSince1970: Double(revokedAt))), response)
        default: return (.unknown, response)
        }
    }

    /// The answer, when it says the certificate is good at `time`; otherwise the certificate is not used.
    public func requireGood(_ signer: Signer, at time: Date) async throws(VoucherError) -> [UInt8] {
        let (status, response) = try await status(of: signer, at: time)
        switch status {
        case .good: return response
        case .revoked(let when):
            throw VoucherError(.certificateRevoked, "the certificate \(signer.subject) was revoked by its CA at \(when)")
        case .unknown: throw VoucherError(.certificateUnknown, "the CA's responder does not know the certificate \(signer.subject)")
        }
    }

    static func request(about signer: OpaquePointer) throws(VoucherError) -> [UInt8] {
        var error = [CChar](repeating: 0, count: 512)
        var der: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard cs_ocsp_query(signer, &der, &length, &error, error.count) == 0, let der else {
            throw VoucherError(.badSignerFile, CCryptoText.message(error))
        }
        return CCryptoText.bytes(der, count: length)
    }
}
