import CCrypto
public import Foundation

/// A private key with its certificate chain, loaded once and reused for every signature.
///
/// `@unchecked Sendable`: it owns an OpenSSL key and certificates that are never modified after loading, and
/// OpenSSL 3 allows concurrent signing with a shared immutable `EVP_PKEY`/`X509` (each call makes its own contexts).
public final class Signer: @unchecked Sendable {
    let handle: OpaquePointer
    /// RFC 2253 subject of the signing certificate, and of its issuer.
    public let subject: String
    public let issuer: String
    /// The certificate's serial in upper-case hex: with the issuer, what a CRL or OCSP answer names it by.
    public let serial: String
    /// "RSA" or "EC".
    public let algorithm: String
    /// The certificate's validity window.
    public let notBefore: Date
    public let notAfter: Date

    private init(handle: OpaquePointer) {
        self.handle = handle
        var buffer = [CChar](repeating: 0, count: 1024)
        cs_signer_subject(handle, &buffer, buffer.count)
        self.subject = CCryptoText.message(buffer)
        buffer = [CChar](repeating: 0, count: 1024)
        cs_signer_issuer(handle, &buffer, buffer.count)
        self.issuer = CCryptoText.message(buffer)
        buffer = [CChar](repeating: 0, count: 96)
        cs_signer_serial(handle, &buffer, buffer.count)
        self.serial = CCryptoText.message(buffer)
        self.algorithm = String(cString: cs_signer_algorithm(handle))
        var from: Int64 = 0
        var until: Int64 = 0
        cs_signer_validity(handle, &from, &until)
        self.notBefore = Date(timeIntervalSince1970: Double(from))
        self.notAfter = Date(timeIntervalSince1970: Double(until))
    }

    deinit { cs_signer_free(handle) }

    /// Loads a PKCS#12 file (legacy RC2/3DES encodings included).
    public static func pkcs12(_ data: Data, password: String) throws(VoucherError) -> Signer {
        var handle: OpaquePointer?
        var error = [CChar](repeating: 0, count: 512)
        let status = data.withUnsafeBytes { bytes in
            cs_signer_load_pkcs12(bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count, password, &handle, &error, error.count)
        }
        guard status == 0, let handle else {
            let message = CCryptoText.message(error)
            throw VoucherError(message.contains("password") ? .wrongPassword : .badSignerFile, message)
        }
        return Signer(handle: handle)
    }

    /// Loads a PEM private key (optionally encrypted) and a PEM bundle: the signing certificate first, then its chain.
    public static func pem(key: String, password: String? = nil, certificates: String) throws(VoucherError) -> Signer {
        var handle: OpaquePointer?
        var error = [CChar](repeating: 0, count: 512)
        let status = cs_signer_load_pem(key, password, certificates, &handle, &error, error.count)
        guard status == 0, let handle else { throw VoucherError(.badSignerFile, CCryptoText.message(error)) }
        return Signer(handle: handle)
    }
}

enum CCryptoText {
    /// Bytes the shim allocated, copied out and freed: every DER result comes back this way.
    static func bytes(_ pointer: UnsafeMutablePointer<UInt8>, count: Int) -> [UInt8] {
        defer { cs_free(pointer) }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    static func message(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
