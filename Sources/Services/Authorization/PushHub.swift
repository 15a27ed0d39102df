public import Accounts
import Audit
import Foundation
public import Kernel
public import Logging
public import ServiceLifecycle
public import Storage
import Synchronization

/// Fans the database's authorization feed out to this instance's WebSocket clients. The feed is written by a
/// trigger in the same transaction as each change and announced with NOTIFY at commit, so a client connected to
/// any instance hears of changes made through every instance, and never of a change that rolled back.
public final class PushHub: Service, Sendable {
    /// How often this instance tells the database which officers' consoles it holds (see migration 0006).
    public static let heartbeatSeconds = 5
    /// Where the database announces ended sessions (migration 0036).
    static let sessionsEndedChannel = "countersign_sessions_ended"

    struct Subscriber {
        let user: String
        /// The session it was opened with: when that session ends (sign-out, expiry, deactivation), so does this.
        let token: SessionToken
        /// Officers and supervisors keep their presence alive by being connected.
        let keepsPresence: Bool
        let continuation: AsyncStream<String>.Continuation
        /// Requests this client was told about, so it also hears when someone else claims or decides them.
        var seen: Set<String>
        /// The centre's dashboard: pinged on every change of any request (no content), to read the dashboard again.
        var watchesQueue = false
    }

    private let database: Database
    private let time: any TimeSource
    private let logger: Logger
    private let subscribers = Mutex<[Int: Subscriber]>([:])
    private let nextID = Atomic<Int>(0)
    private let listening = Atomic<Bool>(false)
    private let lastFeedID = Atomic<Int64>(0)
    private let heartbeatInterval: Duration

    public init(database: Database, time: any TimeSource = SystemTime(), logger: Logger, heartbeatSeconds: Int = PushHub.heartbeatSeconds) {
        self.database = database
        self.time = time
        self.logger = logger
        self.heartbeatInterval = .seconds(heartbeatSeconds)
    }

    /// True once LISTEN is active (tests wait for it before expecting pushes).
    public var isListening: Bool { listening.load(ordering: .acquiring) }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                // The safety net of the outbox: rows whose writer could not announce them go out within a second.
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        await AuthorizationStore.announce(self.database)
                    }
                }
                group.addTask { await self.listenForever() }
                // A session ended anywhere (sign-out, deactivation, a new password) closes its sockets here at once;
                // the heartbeat's check below remains for expiry and for an announcement lost with the connection.
                group.addTask {
                    for await announcement in self.database.announcements(on: Self.sessionsEndedChannel, logger: self.logger) {
                        switch announcement {
                        case .listening, .payload: await self.revalidate()
                        case .lost: continue
                        }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.heartbeatInterval)
                        // Ended sessions first, so that a signed-out or deactivated officer's console stops
                        // counting as presence in this very heartbeat.
                        await self.revalidate()
                        await self.heartbeat()
                    }
                }
            }
        }
    }

    private func listenForever() async {
        // Whatever was announced while this instance was not listening is read back by the feed, after the newest
        // row this instance has dispatched.
        for await event in AuthorizationFeed.changes(database, logger: logger, after: { self.lastFeedID.load(ordering: .acquiring) }) {
            switch event {
            case .listening: listening.store(true, ordering: .releasing)
            case .lost: listening.store(false, ordering: .releasing)
            case .change(let snapshot, let json): dispatch(snapshot, json: json)
            }
        }
    }

    /// Registers a client; messages for it go to `sender` (its connection's outbound queue) until ``unsubscribe(_:)``.
    /// `watchesQueue`: a dashboard, which keeps no one's presence and hears of every change, without its content.
    public func subscribe(user: UserIdentity, token: SessionToken, sender: AsyncStream<String>.Continuation, watchesQueue: Bool = false) -> Int {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let keepsPresence = !watchesQueue && (user.role == .officer || user.role == .supervisor)
        subscribers.withLock {
            $0[id] = Subscriber(
                user: user.id, token: token, keepsPresence: keepsPresence, continuation: sender, seen: [], watchesQueue: watchesQueue)
        }
        return id
    }

    /// Looks up every subscriber's session again, all in one statement, and ends the connections whose session has
    /// ended on any instance — signed out, expired, left idle, or its user deactivated: the client is told why and the socket
    /// closes. Runs every heartbeat; returns how many it ended.
    @discardableResult
    public func revalidate() async -> Int {
        let current = subscribers.withLock { $0.map { ($0.key, $0.value.token) } }
        guard !current.isEmpty else { return 0 }
        let found: [SessionStatus]
        do {
            found = try await database.read { try await Directory.sessions(current.map { ($0.1, false) }, in: $0) }
        } catch {
            logger.warning("session check of push connections failed", metadata: ["error": "\(error)"])
            return 0
        }
        // Each is told why: left idle, or ended (signed out, expired, deactivated).
        let idle = ToConsole.error(
            code: .sessionIdle, message: "signed out after a while without activity: sign in again / 长时间未操作，已自动退出，请重新登录"
        ).text
        let endedMessage = ToConsole.error(code: .sessionEnded, message: "the session has ended: sign in again").text
        var ended = 0
        for ((id, _), status) in zip(current, found) {
            let message: String
            switch status {
            case .live: continue
            case .idle: message = idle
            case .ended: message = endedMessage
            }
            guard let subscriber = subscribers.withLock({ $0.removeValue(forKey: id) }) else { continue }
            subscriber.continuation.yield(message)
            subscriber.continuation.finish()
            ended += 1
        }
        return ended
    }

    /// Records in the database that the officers connected here are still there. Errors only delay it: the
    /// presence timeout is several heartbeats long.
    public func heartbeat() async {
        let officers = Array(Set(subscribers.withLock { $0.values.filter(\.keepsPresence).map(\.user) })).sorted()
        guard !officers.isEmpty else { return }
        let now = time.now()
        do {
            try await database.transaction { try await AuthorizationStore.seen(officers: officers, at: now, in: $0) }
        } catch is CancellationError {
        } catch {
            logger.warning("presence heartbeat failed", metadata: ["error": "\(error)"])
        }
    }

    /// Sends `message` to every connection of `user` on this instance (the teller's console hears of its counter
    /// session this way: see ``CounterDesk/forwardTellerChanges(to:)``).
    public func tell(user: String, _ message: String) {
        subscribers.withLock { all in
            for subscriber in all.values where subscriber.user == user { subscriber.continuation.yield(message) }
        }
    }

    public func unsubscribe(_ id: Int) {
        _ = subscribers.withLock { $0.removeValue(forKey: id) }
    }

    /// Sends one request change to every client it concerns: its teller, the officers it is offered to, the one
    /// holding it, and anyone who was told about it before (so a claim by one officer clears it for the others).
    func dispatch(_ snapshot: RequestSnapshot, json: String? = nil) {
        if let feedID = snapshot.feedID {
            var current = lastFeedID.load(ordering: .relaxed)
            while feedID > current {
                let (exchanged, original) = lastFeedID.compareExchange(expected: current, desired: feedID, ordering: .acquiringAndReleasing)
                if exchanged { break }
                current = original
            }
        }
        let text = json ?? WireJSON.text(snapshot)
        let message = ToConsole.request(snapshotJSON: text, replay: false).text
        // The teller hears of their request without the officers in it (背对背): encoded only when the teller listens.
        var tellerMessage: String?
        func forTeller() -> String {
            if let tellerMessage { return tellerMessage }
            let text = WireJSON.text(snapshot.seenByItsTeller)
            let message = ToConsole.request(snapshotJSON: text, replay: false).text
            tellerMessage = message
            return message
        }
        let offered = Set(snapshot.offeredTo ?? [])
        let open = snapshot.isOpen
        let ping = ToConsole.queueChanged.text
        subscribers.withLock { all in
            for (id, var subscriber) in all {
                if subscriber.watchesQueue {
                    subscriber.continuation.yield(ping)
                    continue
                }
                let user = subscriber.user
                let concerned =
                    snapshot.teller == user || offered.contains(user) || snapshot.claimedBy == user || subscriber.seen.contains(snapshot.id)
                guard concerned else { continue }
                subscriber.continuation.yield(snapshot.teller == user ? forTeller() : message)
                if open && snapshot.teller != user { subscriber.seen.insert(snapshot.id) } else { subscriber.seen.remove(snapshot.id) }
                all[id] = subscriber
            }
        }
    }
}
