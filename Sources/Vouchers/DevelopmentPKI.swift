import CCrypto
public import Foundation

/// The development PKI that `countersign certs init` writes into `Certs/`: a root, an issuing CA under it, two
/// bank e-seal certificates (RSA-2048 and ECDSA P-256) and the counter "witness" certificate that signs customer
/// signatures, each also as a PKCS#12 file; and the development time-stamping authority under a root of its own
/// that outlives the others (a time-stamp must stay checkable long after the certificates it vouches for expire).
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
    /// The files `create` writes.
    public static let files = signingFiles + timeStampingFiles

    /// Writes the whole PKI into `folder`. Refuses to replace existing files unless `replace` is set: a replaced
    /// root invalidates every voucher signed under the old one.
    @discardableResult
    public static func create(in folder: URL, replace: Bool = false) throws -> [String] {
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        if !replace, let existing = signingFiles.first(where: { manager.fileExists(atPath: folder.appendingPathComponent($0).path) }) {
            throw VoucherError(.badInput, "\(existing) already exists in \(folder.path); pass --force to replace the development PKI")
        }
        let rootKey = try generateKey("RSA-2048")
        let root = try issue(
            key: rootKey, subject: "C=CN\nO=Countersign Development\nCN=Countersign DEV Root CA - NOT FOR PRODUCTION", issuer: nil,
            issuerKey: rootKey, days: 3650, basicConstraints: "critical,CA:TRUE", keyUsage: "critical,keyCertSign,cRLSign")
        let issuingKey = try generateKey("RSA-2048")
        let issuing = try issue(
            key: issuingKey, subject: "C=CN\nO=Countersign Development\nCN=Countersign DEV Issuing CA - NOT FOR PRODUCTION", issuer: root,
            issuerKey: rootKey, days: 1825, basicConstraints: "critical,CA:TRUE,pathlen:0", keyUsage: "critical,keyCertSign,cRLSign")
        var written: [(String, String)] = [
            ("root-ca.pem", root), ("root-ca.key", rootKey), ("issuing-ca.pem", issuing), ("issuing-ca.key", issuingKey),
        ]
        var pkcs12: [(String, [UInt8])] = []
        for leaf in leaves {
            let key = try generateKey(leaf.algorithm)
            let cert = try issue(
                key: key, subject: leaf.subject, issuer: issuing, issuerKey: issuingKey, days: 825, basicConstraints: "critical,CA:FALSE",
                keyUsage: "critical,digitalSignature,nonRepudiation")
            written += [("\(leaf.stem).pem", cert + issuing), ("\(leaf.stem).key", key)]
            pkcs12.append(("\(leaf.stem).p12", try makePKCS12(key: key, cert: cert, chain: issuing, name: leaf.stem)))
        }
        for (name, text) in written {
            let permissions = name.hasSuffix(".key") ? 0o600 : 0o644
            try write(Data(text.utf8), to: folder.appendingPathComponent(name), permissions: permissions)
        }
        for (name, bytes) in pkcs12 { try write(Data(bytes), to: folder.appendingPathComponent(name), permissions: 0o600) }
        return written.map(\.0) + pkcs12.map(\.0) + (try addTimeStamping(in: folder, replace: replace))
    }

    /// Writes the development TSA (a PKI made before time-stamps has none). Refuses to replace one unless `replace`.
    @discardableResult
    public static func addTimeStamping(in folder: URL, replace: Bool = false) throws -> [String] {
        let manager = FileManager.default
        if !replace, let existing = timeStampingFiles.first(where: { manager.fileExists(atPath: folder.appendingPathComponent($0).path) }) {
            throw VoucherError(.badInput, "\(existing) already exists in \(folder.path); pass --force to replace the development PKI")
        }
        let rootKey = try generateKey("RSA-2048")
        let root = try issue(
            key: rootKey, subject: "C=CN\nO=Countersign Development\nCN=Countersign DEV Time-Stamping Root - NOT FOR PRODUCTION", issuer: nil,
            issuerKey: rootKey, days: 10950, basicConstraints: "critical,CA:TRUE,pathlen:0", keyUsage: "critical,keyCertSign,cRLSign")
        let key = try generateKey("RSA-2048")
        let cert = try issue(
            key: key, subject: "C=CN\nO=Countersign Development\nCN=Countersign DEV Time-Stamping Authority", issuer: root, issuerKey: rootKey,
            days: 7300, basicConstraints: "critical,CA:FALSE", keyUsage: "critical,digitalSignature,nonRepudiation",
            extendedKeyUsage: "critical,timeStamping")
        for (name, text) in [("tsa-root.pem", root), ("tsa-root.key", rootKey), ("tsa.pem", cert + root), ("tsa.key", key)] {
            try write(Data(text.utf8), to: folder.appendingPathComponent(name), permissions: name.hasSuffix(".key") ? 0o600 : 0o644)
        }
        try write(
            Data(try makePKCS12(key: key, cert: cert, chain: root, name: "tsa")), to: folder.appendingPathComponent("tsa.p12"), permissions: 0o600)
        return timeStampingFiles
    }

    private static func write(_ data: Data, to url: URL, permissions: Int) throws {
        try data.write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: url.path)
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
        key: String, subject: String, issuer: String?, issuerKey: String, days: Int32, basicConstraints: String, keyUsage: String,
        extendedKeyUsage: String? = nil
    ) throws(VoucherError) -> String {
        var pem: UnsafeMutablePointer<CChar>?
        var error = [CChar](repeating: 0, count: 512)
        let serial = UInt64.random(in: 1...UInt64(Int64.max))
        guard
            cs_issue_certificate_pem(
                key, subject, issuer, issuerKey, days, serial, basicConstraints, keyUsage, extendedKeyUsage, &pem, &error, error.count) == 0,
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
        defer { cs_free(der) }
        return Array(UnsafeBufferPointer(start: der, count: length))
    }
}
