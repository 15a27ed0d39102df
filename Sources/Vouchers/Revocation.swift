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
        defer { cs_free(der) }
        return Array(UnsafeBufferPointer(start: der, count: length))
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
        defer { cs_free(der) }
        return Array(UnsafeBufferPointer(start: der, count: length))
    }
}
