import Accounts
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Services
import Storage

/// The WebSocket push channel, `/api/v1/authz/stream`. Browsers cannot set an Authorization header on a
/// WebSocket, and a token in the URL would land in logs, so the first message carries it:
///   → {"type":"hello","token":"…","after":123}      (after: the last feed_id seen, to catch up; optional)
///   ← {"type":"ready","user":"…","feed_id":456}
///   ← {"type":"request","request":{…snapshot…, "feed_id":…}}   for every change that concerns the user
/// The centre's dashboard says `{"type":"hello","token":"…","watch":"queue"}` instead and gets `{"type":"queue"}` on
/// every change of any request (no content: it reads GET /api/v1/authz/dashboard again).
struct PushController: Sendable {
    let database: Database
    let hub: PushHub
    /// How long a new connection may take to send its hello.
    let helloDeadline: Duration

    func register(on router: Router<PushRequestContext>) {
        router.ws("/api/v1/authz/stream") { inbound, outbound, context in
            let (queue, sender) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(4096))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { sender.finish() }
                    var messages = inbound.messages(maxSize: 4096).makeAsyncIterator()
                    let deadline = HelloDeadline(outbound, within: helloDeadline)
                    let first = try await messages.next()
                    deadline.met()
                    guard case .text(let text)? = first,
                        case .hello(let offered, let after, let watchesQueue)? = StrictJSON.message(FromConsole.self, from: text),
                        offered.utf8.count <= 200
                    else {
                        sender.yield(ToConsole.error(code: .helloRequired, message: #"send {"type":"hello","token":…} first"#).text)
                        return
                    }
                    let token = SessionToken(value: offered)
                    // A user who must first replace a password an administrator gave them gets no feed until they do.
                    guard let session = try await database.read({ try await Directory.users(forTokens: [token], in: $0)[0] }) else {
                        sender.yield(ToConsole.error(code: .invalidToken, message: "the session token is unknown, expired or signed out").text)
                        return
                    }
                    guard !session.mustChangePassword else {
                        sender.yield(
                            ToConsole.error(code: .passwordChangeRequired, message: "choose your own password first (POST /api/v1/session/password)")
                                .text)
                        return
                    }
                    let user = session.user
                    // The queue is the centre's: its supervisors and auditors watch it (as they read its dashboard).
                    if watchesQueue {
                        let centre = try await database.read { try await Directory.branchKind(user.branch, in: $0) } == "centre"
                        guard user.role == .auditor || (user.role == .supervisor && centre) else {
                            sender.yield(
                                ToConsole.error(code: .forbidden, message: "the queue is watched by the centre's supervisors and auditors").text)
                            return
                        }
                    }
                    let id = hub.subscribe(user: user, token: token, sender: sender, watchesQueue: watchesQueue)
                    defer { hub.unsubscribe(id) }
                    let latest = try await database.read { try await AuthorizationStore.latestFeedID(in: $0) }
                    sender.yield(ToConsole.ready(user: user.id, feedID: latest).text)
                    if let after {
                        let missed = try await database.read { try await AuthorizationStore.feed(after: after, user: user.id, limit: 1000, in: $0) }
                        for snapshot in missed {
                            sender.yield(ToConsole.request(snapshotJSON: WireJSON.text(snapshot), replay: true).text)
                        }
                    }
                    // Nothing more is expected from the client; reading on notices when it goes away.
                    while try await messages.next() != nil {}
                }
                group.addTask {
                    for await message in queue { try await outbound.write(.text(message)) }
                    // The queue ends when the client is refused or its session ends: close, so the reader ends too.
                    try? await outbound.close(.normalClosure, reason: nil)
                }
                try await group.next()
                try await group.next()
            }
        }
    }
}

/// The WebSocket router's context: it only upgrades; authentication happens in the first message.
struct PushRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
    }
}
