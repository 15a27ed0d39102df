public import Crypto
import Foundation
import Kernel

/// The AES-256-GCM key that encrypts customer data and signature strokes before they reach the database.
/// It lives in a file (`Certs/data-encryption.key` in development), never in the database.
public struct DataKey: Sendable {
    let key: SymmetricKey
    /// Stored with each ciphertext, so a later key rotation knows which key to use.
    public let id: String

    public init(key: SymmetricKey) {
        self.key = key
        self.id = String(SHA256.hash(data: key.withUnsafeBytes { Data($0) }).hexString.prefix(16))
    }

    public static func load(path: String) throws -> DataKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32
        else { throw AvailabilityError(.dataKeyMissing, "the data encryption key \(path) is missing or not 32 bytes of base64") }
        return DataKey(key: SymmetricKey(data: raw))
    }

    /// Nonce, ciphertext and tag in one box; `context` (e.g. the voucher id) is authenticated, so a box cannot be
    /// moved to another row unnoticed.
    public func seal(_ plaintext: [UInt8], context: String) throws -> [UInt8] {
        Array(try AES.GCM.seal(plaintext, using: key, authenticating: Array(context.utf8)).combined!)
    }

    /// Keyed digests for looking a secret up without storing it (pre-fill codes): HMAC-SHA256 under a key derived
    /// from this one for `purpose`, so short secrets stay unguessable from a copy of the database. Derive once, tag
    /// many times.
    public func tagger(purpose: String) -> Tagger {
        Tagger(key: HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array(purpose.utf8), outputByteCount: 32))
    }

    public struct Tagger: Sendable {
        let key: SymmetricKey

        public func tag(_ text: String) -> [UInt8] { Array(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key)) }
    }

    public func open(_ box: [UInt8], context: String) throws -> [UInt8] {
        Array(try AES.GCM.open(try AES.GCM.SealedBox(combined: box), using: key, authenticating: Array(context.utf8)))
    }
}
