import Foundation

/// The one encoder of every message the service sends over its WebSockets (the consoles' push channel and the
/// customer's screen): keys sorted, slashes as they are. A member whose bytes must arrive exactly as stored — a view
/// whose digest the screen checks, a request snapshot forwarded as the database wrote it — is appended verbatim as
/// the last member, which is also where sorted keys put it.
public enum WireJSON {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static func text(_ message: some Encodable) -> String {
        // Our own message types always encode; a failure here is a programming error, not input.
        guard let data = try? encoder.encode(message) else { preconditionFailure("a wire message failed to encode") }
        return String(decoding: data, as: UTF8.self)
    }

    /// `message` (an object) with `raw` — JSON text, already valid — as its last member `key`.
    public static func text(_ message: some Encodable, then key: String, verbatim raw: String) -> String {
        var head = text(message)
        precondition(head.last == "}", "a wire message is an object")
        head.removeLast()
        return head + (head.count > 1 ? "," : "") + "\"\(key)\":" + raw + "}"
    }
}
