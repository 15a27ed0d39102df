import CCrypto
public import Foundation

/// Detached CAdES signatures (RFC 5652 SignedData) as PAdES embeds them in a PDF's `/Contents`.
public enum CMSSignature {
    /// Signs the bytes of `document` in `ranges` (a PDF's `/ByteRange`, in order) without copying them.
    /// The result has one SignerInfo with content-type, message-digest and signing-certificate-v2, and no signing-time.
    public static func sign(_ document: [UInt8], ranges: [Range<Int>], with signer: Signer) throws(VoucherError) -> [UInt8] {
        try checked(ranges, within: document.count)
        var error = [CChar](repeating: 0, count: 512)
        var der: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = document.withUnsafeBufferPointer { buffer in
            withParts(buffer, ranges) { parts, lengths in
                cs_cms_sign_detached(signer.handle, parts, lengths, ranges.count, &der, &length, &error, error.count)
            }
        }
        guard status == 0, let der else { throw VoucherError(.signingFailed, CCryptoText.message(error)) }
        return CCryptoText.bytes(der, count: length)
    }

    /// Checks `cms` over `ranges` of `document`; with `trustedRootsPEM` the signer must chain to one of those roots.
    /// Returns the signer's subject.
    @discardableResult
    public static func verify(_ cms: [UInt8], over document: [UInt8], ranges: [Range<Int>], trustedRootsPEM: String?) throws(VoucherError)
        -> String
    {
        let checked = try check(cms, over: document, ranges: ranges, trustedRootsPEM: trustedRootsPEM)
        if trustedRootsPEM != nil && !checked.chainTrusted {
            throw VoucherError(.verificationFailed, "the signer's certificate does not chain to a trusted root")
        }
        return checked.signer
    }

    /// Checks `cms` over `ranges` of `document` once: throws when the signature or the signed bytes do not hold;
    /// otherwise returns the signer's subject and whether its chain leads to one of `trustedRootsPEM` (false
    /// without roots), judged at `time` (now when nil).
    public static func check(_ cms: [UInt8], over document: [UInt8], ranges: [Range<Int>], trustedRootsPEM: String?, at time: Date? = nil)
        throws(VoucherError) -> (signer: String, chainTrusted: Bool)
    {
        try checked(ranges, within: document.count)
        var error = [CChar](repeating: 0, count: 512)
        var subject = [CChar](repeating: 0, count: 512)
        var trusted: Int32 = 0
        let status = cms.withUnsafeBufferPointer { signature in
            document.withUnsafeBufferPointer { buffer in
                withParts(buffer, ranges) { parts, lengths in
                    cs_cms_verify_detached(
                        signature.baseAddress, signature.count, parts, lengths, ranges.count, trustedRootsPEM,
                        time.map { Int64($0.timeIntervalSince1970.rounded(.down)) } ?? 0, &trusted, &subject, subject.count, &error, error.count)
                }
            }
        }
        guard status == 0 else { throw VoucherError(.verificationFailed, CCryptoText.message(error)) }
        return (CCryptoText.message(subject), trusted == 1)
    }

    private static func checked(_ ranges: [Range<Int>], within count: Int) throws(VoucherError) {
        guard ranges.allSatisfy({ $0.lowerBound >= 0 && $0.upperBound <= count }) else {
            throw VoucherError(.badInput, "a byte range lies outside the document")
        }
    }

    private static func withParts<T>(
        _ buffer: UnsafeBufferPointer<UInt8>, _ ranges: [Range<Int>],
        _ body: (UnsafePointer<UnsafePointer<UInt8>?>, UnsafePointer<Int>) -> T
    ) -> T {
        let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let parts: [UnsafePointer<UInt8>?] = ranges.map { base + $0.lowerBound }
        let lengths = ranges.map(\.count)
        return parts.withUnsafeBufferPointer { p in lengths.withUnsafeBufferPointer { l in body(p.baseAddress!, l.baseAddress!) } }
    }
}
