import Audit
public import Forms
public import Foundation
import Kernel
public import Storage
import Synchronization
public import Vouchers

/// The seal registry file (`Seals/registry.json`) and the signers behind it.
public struct SealRegistryFile: Decodable, Sendable {
    public struct Entry: Decodable, Sendable {
        public let id: String
        public let name: LocalizedText
        public let branch: String
        /// The forms this seal stamps at its branch; "*" for every form no other seal there names.
        public let forms: [String]
        public let keyFile: String
        public let appearance: String
        public let validFrom: Date
        public let validUntil: Date

        enum CodingKeys: String, CodingKey {
            case id, name, branch, appearance, forms
            case keyFile = "key_file"
            case validFrom = "valid_from"
            case validUntil = "valid_until"
        }
    }

    public let seals: [Entry]

    public static func load(_ url: URL) throws -> SealRegistryFile {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(SealRegistryFile.self, from: try Data(contentsOf: url))
        } catch {
            throw VoucherError(.badInput, "\(url.lastPathComponent) is not a seal registry: \(error)")
        }
    }

    /// Registers every seal (reading each key file for its certificate), as the owner role, one transaction each.
    public func importSeals(into database: Database, password: String, actor: String) async throws -> [SealRecord] {
        var imported: [SealRecord] = []
        for entry in seals {
            let signer = try SignerCache.shared.signer(keyFile: entry.keyFile, password: password)
            let record = SealRecord(
                id: entry.id, nameZH: entry.name.zh, nameEN: entry.name.en, branch: entry.branch, algorithm: signer.algorithm,
                certificateSubject: signer.subject, keyFile: entry.keyFile, validFrom: Timestamp(entry.validFrom),
                validUntil: Timestamp(entry.validUntil), forms: entry.forms, certificateIssuer: signer.issuer,
                certificateSerial: signer.serial)
            try await database.transaction { try await SealStore.register(record, actor: actor, in: $0) }
            imported.append(record)
        }
        return imported
    }
}

/// Signers loaded once per key file: opening a PKCS#12 costs tens of milliseconds (PBKDF2).
public final class SignerCache: Sendable {
    public static let shared = SignerCache()
    private let signers = Mutex<[String: Signer]>([:])

    public func signer(keyFile: String, password: String) throws -> Signer {
        if let cached = signers.withLock({ $0[keyFile] }) { return cached }
        guard let data = FileManager.default.contents(atPath: keyFile) else {
            throw VoucherError(.badSignerFile, "cannot read the seal key file \(keyFile)")
        }
        let signer = try Signer.pkcs12(data, password: password)
        signers.withLock { $0[keyFile] = signer }
        return signer
    }
}
