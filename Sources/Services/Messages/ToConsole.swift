import Forms

/// What the service tells a teller's or officer's console over the push channel (`/api/v1/authz/stream`).
public enum ToConsole: Sendable, Equatable {
    /// A request changed; `snapshotJSON` goes verbatim, as the database wrote it (`replay`: read back after a
    /// reconnect, not a new change).
    case request(snapshotJSON: String, replay: Bool)
    /// The stream is live from feed row `feedID` on.
    case ready(user: String, feedID: Int64)
    /// The teller's counter session changed: read it again.
    case counter(session: Int64)
    /// Some request changed (to a dashboard watching the queue): read the dashboard again. Carries nothing else.
    case queueChanged
    case error(code: PushRefusalCode, message: String)

    public var text: String {
        switch self {
        case .request(let snapshotJSON, let replay):
            WireJSON.text(Fields(type: "request", replay: replay ? true : nil), then: "request", verbatim: snapshotJSON)
        case .ready(let user, let feedID): WireJSON.text(Fields(type: "ready", user: user, feedID: feedID))
        case .counter(let session): WireJSON.text(Fields(type: "counter", session: session))
        case .queueChanged: WireJSON.text(Fields(type: "queue"))
        case .error(let code, let message):
            WireJSON.text(
                Fields(
                    type: "error", code: code.rawValue, message: message,
                    text: ErrorCatalogue.text(code.rawValue)))
        }
    }

    private struct Fields: Encodable {
        let type: String
        var replay: Bool?
        var user: String?
        var feedID: Int64?
        var session: Int64?
        var code: String?
        var message: String?
        var text: LocalizedText?

        enum CodingKeys: String, CodingKey {
            case type, replay, user, session, code, message, text
            case feedID = "feed_id"
        }
    }
}
