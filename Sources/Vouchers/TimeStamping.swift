import CCrypto
import Crypto
public import Foundation

/// RFC 3161 time-stamps for PAdES B-T: a signature's time-stamp proves the signature existed at that time, so it can
/// be validated at that time long after its certificates expire (issue #16).
public enum TimeStamp {
    /// A token as the TSA signed it (a CMS ContentInfo, DER) and the time it states.
    public struct Token: Sendable {
        public let der: [UInt8]
        public let time: Date
    }

    /// A query for `digest` (SHA-256) with a fresh nonce, asking for the TSA's certificate.
    public static func query(digest: [UInt8]) throws(VoucherError) -> [UInt8] {
        var error = [CChar](repeating: 0, count: 512)
        var der: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard cs_ts_query(digest, digest.count, &der, &length, &error, error.count) == 0, let der else {
            throw VoucherError(.badInput, CCryptoText.message(error))
        }
        return CCryptoText.bytes(der, count: length)
    }

    /// Checks `reply` against the `query` it answers: granted, the same imprint and nonce, signed by a certificate
    /// for time-stamping that chains to one of `trustedRootsPEM`. Anything else is refused, never used.
    public static func check(reply: [UInt8], query: [UInt8], trustedRootsPEM: String) throws(VoucherError) -> Token {
        var error = [CChar](repeating: 0, count: 512)
        var der: UnsafeMutablePointer<UInt8>?
        var length = 0
        var time: Int64 = 0
        guard
            cs_ts_check_reply(reply, reply.count, query, query.count, trustedRootsPEM, &der, &length, &time, &error, error.count) == 0,
            let der
        else { throw VoucherError(.timeStampRefused, CCryptoText.message(error)) }
        defer { cs_free(der) }
        return Token(der: Array(UnsafeBufferPointer(start: der, count: length)), time: Date(timeIntervalSince1970: Double(time)))
    }

    /// What a signature's time-stamp proves, as checked against the trusted time-stamping roots.
    public enum Proof: Sendable, Equatable {
        /// The signature carries no time-stamp.
        case none
        /// It existed at this time.
        case proven(Date)
        /// Its time-stamp is over this signature, but its authority is not trusted here (a root no longer
        /// configured, a TSA certificate expired since): it proves no time, and the signature is judged as if it had
        /// none — not as broken.
        case untrusted(String)
    }

    /// What a document time-stamp token (`/SubFilter /ETSI.RFC3161`) proves about the bytes whose SHA-256 is
    /// `digest`. Throws when it is not over those bytes or cannot be read: the file was changed, or the token taken
    /// from elsewhere. Its authority's chain is judged as of `time` (nil: now) — the time a later archive time-stamp
    /// proves the token existed at.
    public static func documentProof(token: [UInt8], digest: [UInt8], trustedRootsPEM: String, at time: Date? = nil) throws(VoucherError)
        -> Proof
    {
        guard digest.count == 32 else { throw VoucherError(.badInput, "a SHA-256 digest is needed") }
        var error = [CChar](repeating: 0, count: 512)
        var proven: Int64 = 0
        let status = cs_ts_token_check(
            token, token.count, digest, trustedRootsPEM, time.map(RevocationList.seconds) ?? 0, &proven, &error, error.count)
        switch status {
        case 0: return .proven(Date(timeIntervalSince1970: Double(proven)))
        case CS_ERR_UNTRUSTED.rawValue: return .untrusted(CCryptoText.message(error))
        default: throw VoucherError(.verificationFailed, CCryptoText.message(error))
        }
    }

    /// The proof of `cms`'s signature time-stamp. Throws when the time-stamp is not over this signature (taken from
    /// another one) or cannot be read: a forgery, not a missing proof. Its authority's chain is judged as of `time`
    /// (nil: now), as ``documentProof(token:digest:trustedRootsPEM:at:)``.
    public static func proof(of cms: [UInt8], trustedRootsPEM: String, at time: Date? = nil) throws(VoucherError) -> Proof {
        var error = [CChar](repeating: 0, count: 512)
        var proven: Int64 = 0
        let status = cs_cms_timestamp_check(cms, cms.count, trustedRootsPEM, time.map(RevocationList.seconds) ?? 0, &proven, &error, error.count)
        switch status {
        case 0: return proven == 0 ? .none : .proven(Date(timeIntervalSince1970: Double(proven)))
        case CS_ERR_UNTRUSTED.rawValue: return .untrusted(CCryptoText.message(error))
        default: throw VoucherError(.verificationFailed, CCryptoText.message(error))
        }
    }

    /// SHA-256 of the signature value of `cms`: what its signature time-stamp covers.
    public static func signatureDigest(of cms: [UInt8]) throws(VoucherError) -> [UInt8] {
        if let value = DER.signatureValue(cms) { return Array(SHA256.hash(data: value)) }
        return try signatureDigestByOpenSSL(of: cms)
    }

    static func signatureDigestByOpenSSL(of cms: [UInt8]) throws(VoucherError) -> [UInt8] {
        var error = [CChar](repeating: 0, count: 512)
        var digest = [UInt8](repeating: 0, count: 32)
        guard cs_cms_signature_digest(cms, cms.count, &digest, &error, error.count) == 0 else {
            throw VoucherError(.signingFailed, CCryptoText.message(error))
        }
        return digest
    }

    /// `cms` with `token` added as its signature time-stamp (an unsigned attribute: the signature stays as it was).
    public static func adding(_ token: Token, to cms: [UInt8]) throws(VoucherError) -> [UInt8] {
        var error = [CChar](repeating: 0, count: 512)
        var der: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard cs_cms_add_timestamp(cms, cms.count, token.der, token.der.count, &der, &length, &error, error.count) == 0, let der else {
            throw VoucherError(.signingFailed, CCryptoText.message(error))
        }
        return CCryptoText.bytes(der, count: length)
    }
}

/// Where time-stamp queries go and replies come from: the service's own development TSA, in process, or an
/// external TSA over HTTP (``HTTPTimeStampAuthority``). The reply is checked by ``TimeStamper``, never here.
public protocol TimeStampAuthority: Sendable {
    func reply(to query: [UInt8]) async throws -> [UInt8]
}

/// The development TSA: `countersign certs init` makes its key and certificate (extended key usage
/// timeStamping, critical). Serials are 128 random bits (unique across instances sharing the key); the time is the
/// caller's clock, so tests can set it.
public final class LocalTimeStampAuthority: TimeStampAuthority {
    /// The development TSA's policy (an OID under the private-use arc this project uses for development only).
    public static let developmentPolicy = "1.3.6.1.4.1.55555.1.1"

    let signer: Signer
    let policy: String
    let clock: @Sendable () -> Date

    public init(signer: Signer, policy: String = LocalTimeStampAuthority.developmentPolicy, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.signer = signer
        self.policy = policy
        self.clock = clock
    }

    public func reply(to query: [UInt8]) async throws -> [UInt8] { try respond(to: query) }

    /// The reply, synchronously: the in-process TSA does no I/O.
    public func respond(to query: [UInt8]) throws(VoucherError) -> [UInt8] {
        var error = [CChar](repeating: 0, count: 512)
        var der: UnsafeMutablePointer<UInt8>?
        var length = 0
        let seconds = Int64(clock().timeIntervalSince1970.rounded(.down))
        guard cs_tsa_respond(signer.handle, policy, seconds, query, query.count, &der, &length, &error, error.count) == 0, let der else {
            throw VoucherError(.signingFailed, CCryptoText.message(error))
        }
        return CCryptoText.bytes(der, count: length)
    }
}

/// Gets a checked token for a digest: the query, the authority's reply, the check against the trusted TSA roots.
/// A TSA that does not answer, or answers wrongly, is an error — a signature never silently goes without its
/// time-stamp.
public struct TimeStamper: Sendable {
    public let authority: any TimeStampAuthority
    public let trustedRootsPEM: String

    public init(authority: any TimeStampAuthority, trustedRootsPEM: String) {
        self.authority = authority
        self.trustedRootsPEM = trustedRootsPEM
    }

    public func token(for digest: [UInt8]) async throws -> TimeStamp.Token {
        let query = try TimeStamp.query(digest: digest)
        let reply: [UInt8]
        do {
            reply = try await authority.reply(to: query)
        } catch let error as VoucherError {
            throw error
        } catch {
            throw VoucherError(.timeStampUnavailable, "the time-stamp authority did not answer: \(error)")
        }
        let token = try TimeStamp.check(reply: reply, query: query, trustedRootsPEM: trustedRootsPEM)
        // It must fit beside the signature in the space the PDF reserves for both.
        guard token.der.count <= Self.maximumTokenBytes else {
            throw VoucherError(.timeStampRefused, "the time-stamp token is \(token.der.count) bytes; at most \(Self.maximumTokenBytes) fit")
        }
        return token
    }

    /// A token with its TSA's certificate chain is 2–5 KB; the signature's reserve holds 12 KB with the CMS.
    public static let maximumTokenBytes = 8 * 1024

    /// `cms` with a signature time-stamp from this TSA.
    public func stamp(_ cms: [UInt8]) async throws -> [UInt8] {
        try TimeStamp.adding(try await token(for: try TimeStamp.signatureDigest(of: cms)), to: cms)
    }
}
