import Crypto
public import Foundation
public import Kernel

/// What an enrolled customer screen signs with its device key (issue #14): for every answer and every signature,
/// the session, the draft version, the decision, the digest of the view on the screen, the digest of the strokes
/// (signatures only) and the screen's time, as a small JSON text. The service checks the signature with the key
/// enrolled for the screen's terminal and keeps the text and the signature exactly as they came, so anyone holding
/// the public key can check them again later.
///
/// The screen writes the text; nothing here re-encodes it, because the signature covers those exact bytes.
public struct ScreenStatement: Sendable, Equatable {
    public enum Decision: String, Sendable, Codable {
        case confirm, reject, sign
    }

    public let device: Int64
    public let session: Int64
    public let version: Int
    public let decision: Decision
    public let viewSHA256: String
    public let strokesSHA256: String?
    /// The screen's clock, as it wrote it (ISO 8601 with milliseconds).
    public let at: String
    public let text: String
    /// ECDSA P-256 over SHA-256 of `text`, as r ‖ s (what WebCrypto produces).
    public let signature: [UInt8]

    public static let type = "countersign.screen.v1"
    public static let maximumLength = 2048
    /// How far the screen's clock may be from the service's: the screens are on the bank's time service, and a
    /// statement is sent the moment it is signed.
    public static let clockTolerance: Double = 300

    public enum Problem: Error, Equatable {
        case malformed(String)
        case badSignature
        case badKey
    }

    struct Fields: Decodable {
        let type: String
        let device: Int64
        let session: Int64
        let version: Int
        let decision: Decision
        let viewSHA256: String
        let strokesSHA256: String?
        let at: String
        enum CodingKeys: String, CodingKey {
            case type, device, session, version, decision, at
            case viewSHA256 = "view_sha256"
            case strokesSHA256 = "strokes_sha256"
        }
    }

    /// The statement in `text`, if `signature` is the key's signature over it and the text is a statement.
    public static func verified(text: String, signature: [UInt8], publicKey: [UInt8]) throws(Problem) -> ScreenStatement {
        guard text.utf8.count <= maximumLength else { throw .malformed("the statement is longer than \(maximumLength) bytes") }
        try checkSignature(signature, over: Data(text.utf8), publicKey: publicKey)
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: Data(text.utf8))
        } catch {
            throw .malformed("the statement is not a countersign.screen.v1 statement")
        }
        guard fields.type == type else { throw .malformed("the statement is not a \(type) statement") }
        guard (fields.decision == .sign) == (fields.strokesSHA256 != nil) else {
            throw .malformed("a signature statement, and only one, names the strokes digest")
        }
        // One spelling only: a repeated key or an extra field could be read one way here and another way by the
        // database or a later verifier.
        let canonical = write(
            device: fields.device, session: fields.session, version: fields.version, decision: fields.decision, viewSHA256: fields.viewSHA256,
            strokesSHA256: fields.strokesSHA256, atText: fields.at)
        guard canonical == text else { throw .malformed("the statement is not written in its one canonical form") }
        return ScreenStatement(
            device: fields.device, session: fields.session, version: fields.version, decision: fields.decision, viewSHA256: fields.viewSHA256,
            strokesSHA256: fields.strokesSHA256, at: fields.at, text: text, signature: signature)
    }

    /// The screen's time, when it is ISO 8601 with milliseconds and a zone.
    public var time: Date? {
        Self.timeFormat().date(from: at)
    }

    /// Whether the screen's time is within ``clockTolerance`` of `now`.
    public func timely(at now: Timestamp) -> Bool {
        guard let time else { return false }
        return abs(time.timeIntervalSince1970 - Double(now.microsecondsSinceEpoch) / 1_000_000) <= Self.clockTolerance
    }

    /// How a screen writes its time: ISO 8601 with milliseconds (JavaScript's `toISOString`).
    static func timeFormat() -> ISO8601DateFormatter {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return format
    }

    /// The statement text as a screen writes it: the fields in key order, no spaces (what `screen.js` writes with
    /// `JSON.stringify`). Tests and the bench sign these; the service never needs to write one.
    public static func write(
        device: Int64, session: Int64, version: Int, decision: Decision, viewSHA256: String, strokesSHA256: String? = nil, at: Date
    ) -> String {
        let format = timeFormat()
        return write(
            device: device, session: session, version: version, decision: decision, viewSHA256: viewSHA256, strokesSHA256: strokesSHA256,
            atText: format.string(from: at))
    }

    static func write(
        device: Int64, session: Int64, version: Int, decision: Decision, viewSHA256: String, strokesSHA256: String?, atText: String
    ) -> String {
        let strokes = strokesSHA256.map { #","strokes_sha256":"\#($0)""# } ?? ""
        // JSON string escaping is not needed for what can pass: `at` must parse as a date and the digests as hex
        // (checked by the caller); anything with a quote or backslash fails the comparison instead.
        return #"{"at":"\#(atText)","decision":"\#(decision.rawValue)","device":\#(device),"session":\#(session)\#(strokes),"#
            + #""type":"\#(type)","version":\#(version),"view_sha256":"\#(viewSHA256)"}"#
    }

    // MARK: The key

    /// What a screen signs to prove, when it connects, that it holds the key enrolled as `device`.
    public static func helloText(device: Int64, nonce: String) -> String { "countersign.screen.hello.v1:\(device):\(nonce)" }

    public static func checkSignature(_ signature: [UInt8], over data: Data, publicKey: [UInt8]) throws(Problem) {
        let key: P256.Signing.PublicKey
        do {
            key = try P256.Signing.PublicKey(derRepresentation: publicKey)
        } catch {
            throw .badKey
        }
        guard signature.count == 64, let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
            key.isValidSignature(ecdsa, for: data)
        else { throw .badSignature }
    }

    /// The key's SHA-256 (of its DER), when it is a P-256 public key in SubjectPublicKeyInfo form.
    public static func keyDigest(publicKey: [UInt8]) throws(Problem) -> [UInt8] {
        guard publicKey.count == 91, (try? P256.Signing.PublicKey(derRepresentation: publicKey)) != nil else { throw .badKey }
        return Array(SHA256.hash(data: publicKey))
    }
}
