public import Foundation
public import Storage
public import Vouchers

/// The development PKI's revocation data, published by the service (issue #16, part 2): the OCSP answers of the
/// responder the issuing CA delegated (`Certs/ocsp.p12`), stating what the seal registry recorded at the moment of
/// the request, and each CA's CRL as its holder last signed it (`countersign certs crl`; the service holds no CA key).
/// A bank's production PKI publishes its own; this instance then publishes nothing.
public struct PKIPublication: RevocationAuthority {
    public let responder: OCSPResponder
    /// Where the CRLs are published: `root-ca.crl`, `issuing-ca.crl`, `tsa-root.crl`.
    public let folder: URL
    public let database: Database

    public init(responder: OCSPResponder, folder: URL, database: Database) {
        self.responder = responder
        self.folder = folder
        self.database = database
    }

    /// The responder of a development PKI folder (`ocsp.p12`, answering for `issuing-ca.pem`).
    public static func development(
        folder: URL, password: String, database: Database, clock: @escaping @Sendable () -> Date = Date.init
    ) throws -> PKIPublication {
        guard let p12 = FileManager.default.contents(atPath: folder.appendingPathComponent("ocsp.p12").path) else {
            throw VoucherError(.badSignerFile, "no OCSP responder: \(folder.path)/ocsp.p12 is missing (countersign certs init --if-missing)")
        }
        let issuer = try String(contentsOf: folder.appendingPathComponent("issuing-ca.pem"), encoding: .utf8)
        let responder = OCSPResponder(signer: try Signer.pkcs12(p12, password: password), issuerPEM: issuer, clock: clock)
        return PKIPublication(responder: responder, folder: folder, database: database)
    }

    /// The signed answer to a DER OCSP request. The registry is read per request, so a revocation shows at once.
    public func ocspAnswer(to request: [UInt8]) async throws -> [UInt8] {
        let issuer = responder.signer.issuer
        let revoked = try await database.read { try await SealStore.revocations(issuer: issuer, in: $0) }
        return try responder.respond(to: request, revoked: revoked.map(\.certificate))
    }

    /// The service asking its own development responder, in process.
    public func answer(_ request: [UInt8]) async throws -> [UInt8] { try await ocspAnswer(to: request) }

    /// The signing root's list (covering the issuing CA) and the time-stamping root's (covering the TSA), as
    /// published; the seals' own standing comes from OCSP answers.
    public func revocationLists() async throws -> [[UInt8]] {
        try ["root-ca.crl", "tsa-root.crl"].map { name in
            guard let crl = revocationList(named: name) else { throw VoucherError(.revocationUnavailable, "\(name) was never published") }
            return crl
        }
    }

    /// A published CRL (DER) by file name; nil for any other name or when it was never published.
    public func revocationList(named name: String) -> [UInt8]? {
        guard DevelopmentPKI.revocationLists.contains(name) else { return nil }
        return FileManager.default.contents(atPath: folder.appendingPathComponent(name).path).map { Array($0) }
    }

    /// Signs each CA's CRL from the registry's revocations, as the holder of the development CA keys in `folder`.
    @discardableResult
    public static func publishRevocationLists(folder: URL, database: Database, now: Date = Date()) async throws -> [RevokedCertificate] {
        let issuing = try Signer.pem(
            key: try String(contentsOf: folder.appendingPathComponent("issuing-ca.key"), encoding: .utf8),
            certificates: try String(contentsOf: folder.appendingPathComponent("issuing-ca.pem"), encoding: .utf8))
        let revoked = try await database.read { try await SealStore.revocations(issuer: issuing.subject, in: $0) }.map(\.certificate)
        try DevelopmentPKI.publishRevocationLists(in: folder, revoked: revoked, now: now)
        return revoked
    }
}

extension CertificateRevocation {
    var certificate: RevokedCertificate {
        RevokedCertificate(serial: serial, revokedAt: Date(timeIntervalSince1970: Double(revokedAt.microsecondsSinceEpoch) / 1_000_000))
    }
}
