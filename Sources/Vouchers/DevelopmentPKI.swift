import CCrypto
public import Foundation

/// The development PKI that `countersign certs init` writes into `Certs/`: a root, an issuing CA under it, two
/// bank e-seal certificates (RSA-2048 and ECDSA P-256) and the counter "witness" certificate that signs customer
/// signatures, each also as a PKCS#12 file; and the development time-stamping authority under a root of its own
/// that outlives the others (a time-stamp must stay checkable long after the certificates it vouches for expire);
/// and the revocation data validators need offline (PAdES B-LT): a CRL per CA and an OCSP responder certificate.
/// Lifetimes as a bank's PKI has them and long-term validation needs: root 25 years, issuing CA 15, leaves 825 days.
/// A voucher validated ten years ahead must still find its issuing CA valid — pyHanko (0.38) judges an expired
/// intermediate a chain failure that no proof of existence repairs, while an expired leaf is repaired by one.
/// Test only: generated on each machine, never committed.
public enum DevelopmentPKI {
    /// The password of every development PKCS#12 file. Development only, and printed in the README on purpose.
    public static let password = "countersign-dev"

    /// A certificate to issue: file stem, subject lines, key algorithm.
    struct Leaf {
        let stem: String
        let subject: String
        let algorithm: String
    }

    static let leaves = [
        Leaf(stem: "seal-rsa", subject: "C=CN\nO=示例银行 Demo Bank (DEV)\nOU=北京分行营业部\nCN=业务专用章 Business Seal (DEV RSA)", algorithm: "RSA-2048"),
        Leaf(stem: "seal-ec", subject: "C=CN\nO=示例银行 Demo Bank (DEV)\nOU=北京分行营业部\nCN=业务专用章 Business Seal (DEV EC)", algorithm: "EC-P256"),
        Leaf(stem: "witness", subject: "C=CN\nO=示例银行 Demo Bank (DEV)\nCN=柜面见证 Counter Witness (DEV)", algorithm: "EC-P256"),
    ]

    /// The signing PKI's files, relative to the folder.
    public static let signingFiles =
        ["root-ca.pem", "root-ca.key", "issuing-ca.pem", "issuing-ca.key"]
        + leaves.flatMap { ["\($0.stem).pem", "\($0.stem).key", "\($0.stem).p12"] }
    /// The time-stamping authority's files: its root (30 years) and its certificate (20 years, extended key usage
    /// timeStamping, critical), so a voucher validated ten years ahead still finds them valid.
    public static let timeStampingFiles = ["tsa-root.pem", "tsa-root.key", "tsa.pem", "tsa.key", "tsa.p12"]
    /// The revocation data's files: the OCSP responder the issuing CA delegated (extended key usage OCSPSigning,
    /// id-pkix-ocsp-nocheck) and each CA's CRL.
    public static let revocationFiles = ["ocsp.pem", "ocsp.key", "ocsp.p12"] + revocationLists
    /// Each CA's CRL, named after the CA's files (`root-ca.crl` is the root's list, covering the issuing CA).
    public static let revocationLists = ["root-ca.crl", "issuing-ca.crl", "tsa-root.crl"]
    /// The files `create` writes.
    public static let files = signingFiles + timeStampingFiles + revocationFiles
    /// Where the certificates say their revocation data is published when no base URL is given: `make run`'s address.
    public static let defaultBaseURL = "http://127.0.0.1:8080"

    /// The extensions that tell a validator where revocation data about a certificate issued by `ca` is published;
    /// none without a base URL.
    static func pointers(issuedBy ca: String, baseURL: String?, ocsp: Bool) -> [String] {
        guard let baseURL else { return [] }
        return ["crlDistributionPoints=URI:\(baseURL)/pki/crl/\(ca).crl"] + (ocsp ? ["authorityInfoAccess=OCSP;URI:\(baseURL)/pki/ocsp"] : [])
    }

    /// Writes the whole PKI into `folder`; its certificates point at `baseURL` for their CRLs and OCSP. Refuses to
    /// replace existing files unless `replace` is set: a replaced root invalidates every voucher signed under the
    /// old one. Without a base URL the certificates name no revocation data: for tests of validators that, like
    /// pdfsig, fail a certificate whose OCSP responder they cannot reach.
    @discardableResult
    public static func create(in folder: URL, replace: Bool = false, baseURL: String? = defaultBaseURL) throws -> [String] {
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        if !replace, let existing = signingFiles.first(where: { manager.fileExists(atPath: folder.appendingPathComponent($0).path) }) {
            throw VoucherError(.badInput, "\(existing) already exists in \(folder.path); pass --force to replace the development PKI")
        }
        let rootKey = try generateKey("RSA-2048")
        let root = try issue(
            key: rootKey, subject: "C=CN\nO=Countersign Development\nCN=Countersign DEV Root CA - NOT FOR PRODUCTION", issuer: nil,
            issuerKey: rootKey, days: 9125, extensions: ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"])
        let issuingKey = try generateKey("RSA-2048")
        let issuing = try issue(
            key: issuingKey, subject: "C=CN\nO=Countersign Development\nCN=Countersign DEV Issuing CA - NOT FOR PRODUCTION", issuer: root,
            issuerKey: rootKey, days: 5475,
            extensions: ["basicConstraints=critical,CA:TRUE,pathlen:0", "keyUsage=critical,keyCertSign,cRLSign"]
                + pointers(issuedBy: "root-ca", baseURL: baseURL, ocsp: false))
        var written: [(String, String)] = [
            ("root-ca.pem", root), ("root-ca.key", rootKey), ("issuing-ca.pem", issuing), ("issuing-ca.key", issuingKey),
        ]
        var pkcs12: [(String, [UInt8])] = []
        for leaf in leaves {
            let key = try generateKey(leaf.algorithm)
            let cert = try issue(
                key: key, subject: leaf.subject, issuer: issuing, issuerKey: issuingKey, days: 825,
                extensions: ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,nonRepudiation"]
                    + pointers(issuedBy: "issuing-ca", baseURL: baseURL, ocsp: true))
            written += [("\(leaf.stem).pem", cert + issuing), ("\(leaf.stem).key", key)]
            pkcs12.append(("\(leaf.stem).p12", try makePKCS12(key: key, cert: cert, chain: issuing, name: leaf.stem)))
        }
        for (name, text) in written { try write(Data(text.utf8), to: folder.appendingPathComponent(name)) }
        for (name, bytes) in pkcs12 { try write(Data(bytes), to: folder.appendingPathComponent(name)) }
        let timeStamping = try addTimeStamping(in: folder, replace: replace, baseURL: baseURL)
        return written.map(\.0) + pkcs12.map(\.0) + timeStamping + (try addRevocation(in: folder, replace: replace))
    }

    /// Writes the development TSA (a PKI made before time-stamps has none). Refuses to replace one unless `replace`.
    @discardableResult
    public static func addTimeStamping(in folder: URL, replace: Bool = false, baseURL: String? = defaultBaseURL) throws -> [String] {
        let manager = FileManager.default
        if !replace, let existing = timeStampingFiles.first(where: { manager.fileExists(atPath: folder.appendingPathComponent($0).path) }) {
            throw VoucherError(.badInput, "\(existing) already exists in \(folder.path); pass --force to replace the development PKI")
        }
        let rootKey = try generateKey("RSA-2048")
        let root = try issue(
            key: rootKey, subject: "C=CN\nO=Countersign Development\nCN=Countersign DEV Time-Stamping Root - NOT FOR PRODUCTION", issuer: nil,
            issuerKey: rootKey, days: 10950, extensions: ["basicConstraints=critical,CA:TRUE,pathlen:0", "keyUsage=critical,keyCertSign,cRLSign"])
        let key = try generateKey("RSA-2048")
        let cert = try timeStampingCertificate(key: key, root: root, rootKey: rootKey, days: 7300, baseURL: baseURL)
        for (name, text) in [("tsa-root.pem", root), ("tsa-root.key", rootKey), ("tsa.pem", cert + root), ("tsa.key", key)] {
            try write(Data(text.utf8), to: folder.appendingPathComponent(name))
        }
        try write(Data(try makePKCS12(key: key, cert: cert, chain: root, name: "tsa")), to: folder.appendingPathComponent("tsa.p12"))
        return timeStampingFiles
    }

    private static func timeStampingCertificate(key: String, root: String, rootKey: String, days: Int32, baseURL: String?) throws(VoucherError)
        -> String
    {
        try issue(
            key: key, subject: "C=CN\nO=Countersign Development\nCN=Countersign DEV Time-Stamping Authority", issuer: root, issuerKey: rootKey,
            days: days,
            extensions: [
                "basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,nonRepudiation", "extendedKeyUsage=critical,timeStamping",
            ] + pointers(issuedBy: "tsa-root", baseURL: baseURL, ocsp: false))
    }

    /// A new TSA key and certificate of `days` from the folder's time-stamping root, not written anywhere: what a TSA
    /// that renewed its certificate signs with (archive renewal is rehearsed with one that expires sooner).
    public static func timeStampingAuthority(from folder: URL, days: Int32, baseURL: String? = nil) throws -> Signer {
        let root = try String(contentsOf: folder.appendingPathComponent("tsa-root.pem"), encoding: .utf8)
        let rootKey = try String(contentsOf: folder.appendingPathComponent("tsa-root.key"), encoding: .utf8)
        let key = try generateKey("RSA-2048")
        let cert = try timeStampingCertificate(key: key, root: root, rootKey: rootKey, days: days, baseURL: baseURL)
        return try Signer.pem(key: key, certificates: cert + root)
    }

    /// Writes the OCSP responder the issuing CA delegates and each CA's first (empty) CRL; a PKI made before
    /// revocation data has neither (and its certificates do not point at them: `--force` makes a new PKI that does).
    @discardableResult
    public static func addRevocation(in folder: URL, replace: Bool = false) throws -> [String] {
        let manager = FileManager.default
        if !replace, let existing = revocationFiles.first(where: { manager.fileExists(atPath: folder.appendingPathComponent($0).path) }) {
            throw VoucherError(.badInput, "\(existing) already exists in \(folder.path); pass --force to replace the development PKI")
        }
        let issuing = try String(contentsOf: folder.appendingPathComponent("issuing-ca.pem"), encoding: .utf8)
        let issuingKey = try String(contentsOf: folder.appendingPathComponent("issuing-ca.key"), encoding: .utf8)
        let key = try generateKey("EC-P256")
        // id-pkix-ocsp-nocheck: a validator trusts the responder's answers for the responder's own lifetime without
        // asking about the responder itself (RFC 6960 §4.2.2.2.1) — short-lived, as that rule expects.
        let cert = try issue(
            key: key, subject: "C=CN\nO=Countersign Development\nCN=Countersign DEV OCSP Responder", issuer: issuing, issuerKey: issuingKey,
            days: 825,
            extensions: [
                "basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature", "extendedKeyUsage=critical,OCSPSigning",
                "noCheck=ignored",
            ])
        try write(Data((cert + issuing).utf8), to: folder.appendingPathComponent("ocsp.pem"))
        try write(Data(key.utf8), to: folder.appendingPathComponent("ocsp.key"))
        try write(Data(try makePKCS12(key: key, cert: cert, chain: issuing, name: "ocsp")), to: folder.appendingPathComponent("ocsp.p12"))
        return ["ocsp.pem", "ocsp.key", "ocsp.p12"] + (try publishRevocationLists(in: folder, revoked: []))
    }

    /// Signs and writes each CA's CRL as of `now`: the issuing CA's lists `revoked` (the seal registry's revoked
    /// certificates) and is good for a week; the signing root revokes nothing and says so for a year. The
    /// time-stamping root's list speaks for its TSA's whole life (20 years): a validator decades ahead judges the
    /// newest document time-stamp with the revocation data inside the file, and refuses a list whose next update
    /// has passed (pyHanko: "CRL is not recent enough"). Needs the CAs' keys, which only the PKI's holder has
    /// (`countersign certs crl`), never the service.
    @discardableResult
    public static func publishRevocationLists(in folder: URL, revoked: [RevokedCertificate], now: Date = Date()) throws -> [String] {
        let number = UInt64(max(0, now.timeIntervalSince1970.rounded(.down)))
        let lists: [(ca: String, revoked: [RevokedCertificate], days: Double)] = [
            ("root-ca", [], 365), ("issuing-ca", revoked, 7), ("tsa-root", [], 7300),
        ]
        for list in lists {
            let ca = try Signer.pem(
                key: try String(contentsOf: folder.appendingPathComponent("\(list.ca).key"), encoding: .utf8),
                certificates: try String(contentsOf: folder.appendingPathComponent("\(list.ca).pem"), encoding: .utf8))
            let crl = try RevocationList.make(
                signedBy: ca, revoked: list.revoked, thisUpdate: now, nextUpdate: now.addingTimeInterval(list.days * 86_400), number: number)
            try write(Data(crl), to: folder.appendingPathComponent("\(list.ca).crl"))
        }
        return revocationLists
    }

    /// Private keys and PKCS#12 files for the owner only; certificates and CRLs for anyone.
    private static func write(_ data: Data, to url: URL) throws {
        try data.write(to: url, options: .atomic)
        let secret = url.pathExtension == "key" || url.pathExtension == "p12"
        try FileManager.default.setAttributes([.posixPermissions: secret ? 0o600 : 0o644], ofItemAtPath: url.path)
    }

    private static func generateKey(_ algorithm: String) throws(VoucherError) -> String {
        var pem: UnsafeMutablePointer<CChar>?
        var error = [CChar](repeating: 0, count: 512)
        guard cs_generate_key_pem(algorithm, &pem, &error, error.count) == 0, let pem else {
            throw VoucherError(.signingFailed, CCryptoText.message(error))
        }
        defer { cs_free(pem) }
        return String(cString: pem)
    }

    private static func issue(
        key: String, subject: String, issuer: String?, issuerKey: String, days: Int32, extensions: [String]
    ) throws(VoucherError) -> String {
        var pem: UnsafeMutablePointer<CChar>?
        var error = [CChar](repeating: 0, count: 512)
        let serial = UInt64.random(in: 1...UInt64(Int64.max))
        guard
            cs_issue_certificate_pem(
                key, subject, issuer, issuerKey, days, serial, extensions.joined(separator: "\n"), &pem, &error, error.count) == 0,
            let pem
        else { throw VoucherError(.signingFailed, CCryptoText.message(error)) }
        defer { cs_free(pem) }
        return String(cString: pem)
    }

    private static func makePKCS12(key: String, cert: String, chain: String, name: String) throws(VoucherError) -> [UInt8] {
        var der: UnsafeMutablePointer<UInt8>?
        var length = 0
        var error = [CChar](repeating: 0, count: 512)
        guard cs_pkcs12_create(key, cert, chain, password, name, &der, &length, &error, error.count) == 0, let der else {
            throw VoucherError(.signingFailed, CCryptoText.message(error))
        }
        return CCryptoText.bytes(der, count: length)
    }
}
