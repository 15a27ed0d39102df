public import Counter

/// What a customer's screen may send, decoded once at the socket: anything else is refused there as
/// `counter.bad_answer` (or, before the screen has proved who it is, `counter.hello_required`).
public enum FromScreen: Sendable, Decodable {
    /// The enrolled device this screen says it is; a challenge follows.
    case hello(device: Int64)
    /// The challenge signed with the screen's enrolled key (base64).
    case proof(signature: String)
    /// The customer's answer to the view of `version` whose digest is `digest`.
    case answer(ScreenStatement.Decision, version: Int, digest: String, statement: SignedStatement)
    /// The customer's handwriting for the confirmed `version`.
    case signature(version: Int, digest: String, strokes: [[SignatureInk.Point]], statement: SignedStatement)
    /// The specimen of the voucher for `version`, please.
    case preview(version: Int, digest: String)

    private enum Keys: String, CodingKey {
        case type, device, version, digest, strokes, statement, signature
    }

    private struct Stroke: Decodable {
        let x: Double
        let y: Double
        let t: Double
        let pressure: Double
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .type)
        func statement() throws -> SignedStatement {
            SignedStatement(
                text: try c.decodeIfPresent(String.self, forKey: .statement), signature: try c.decodeIfPresent(String.self, forKey: .signature))
        }
        switch type {
        case "hello": self = .hello(device: try c.decode(Int64.self, forKey: .device))
        case "proof": self = .proof(signature: try c.decode(String.self, forKey: .signature))
        case "preview": self = .preview(version: try c.decode(Int.self, forKey: .version), digest: try c.decode(String.self, forKey: .digest))
        case "signature":
            let strokes = try c.decode([[Stroke]].self, forKey: .strokes).map {
                $0.map { SignatureInk.Point(x: $0.x, y: $0.y, t: $0.t, pressure: $0.pressure) }
            }
            self = .signature(
                version: try c.decode(Int.self, forKey: .version), digest: try c.decode(String.self, forKey: .digest), strokes: strokes,
                statement: try statement())
        case "confirm", "reject":
            self = .answer(
                type == "confirm" ? .confirm : .reject, version: try c.decode(Int.self, forKey: .version),
                digest: try c.decode(String.self, forKey: .digest), statement: try statement())
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "not a screen message type")
        }
    }
}
