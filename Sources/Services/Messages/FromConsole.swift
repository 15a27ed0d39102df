/// What a teller's or officer's console may send on the push channel: its hello, once, naming its session token and
/// the last feed row it saw (to catch up from). Anything else is refused as `push.hello_required`.
public enum FromConsole: Sendable, Decodable {
    case hello(token: String, after: Int64?)

    private enum Keys: String, CodingKey { case type, token, after }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        guard try c.decode(String.self, forKey: .type) == "hello" else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "a console says hello first, and only that")
        }
        self = .hello(token: try c.decode(String.self, forKey: .token), after: try c.decodeIfPresent(Int64.self, forKey: .after))
    }
}
