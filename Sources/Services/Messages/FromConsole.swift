/// What a teller's or officer's console may send on the push channel: its hello, once, naming its session token and
/// the last feed row it saw (to catch up from) — or, for the centre's dashboard, `"watch":"queue"`: a ping on every
/// change of any request, to read the dashboard again. Anything else is refused as `push.hello_required`.
public enum FromConsole: Sendable, Decodable {
    case hello(token: String, after: Int64?, watchesQueue: Bool = false)

    private enum Keys: String, CodingKey { case type, token, after, watch }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        guard try c.decode(String.self, forKey: .type) == "hello" else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "a console says hello first, and only that")
        }
        let watch = try c.decodeIfPresent(String.self, forKey: .watch)
        guard watch == nil || watch == "queue" else {
            throw DecodingError.dataCorruptedError(forKey: .watch, in: c, debugDescription: "the only thing watched is the queue")
        }
        self = .hello(
            token: try c.decode(String.self, forKey: .token), after: try c.decodeIfPresent(Int64.self, forKey: .after),
            watchesQueue: watch == "queue")
    }
}
