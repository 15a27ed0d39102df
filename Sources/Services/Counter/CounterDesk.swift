import Accounts
import Audit
import Authorization
public import Counter
import Crypto
public import Forms
import Foundation
public import Kernel
public import Logging
public import ServiceLifecycle
public import Storage
import Synchronization

/// The counter: a teller's terminal paired with its customer screen, the draft the teller keys (echoed to the
/// screen as a confirmation view on every change), and the customer's answer to exactly the view on the screen.
///
/// Everything the counter knows is in the database (migration 0028): each screen's code and session, the draft
/// (encrypted), every answer and signature with its audit event. This instance holds only the WebSockets of the
/// screens connected to it; the database announces every change, and whichever instance holds the screen brings
/// it up to date (``ScreenUpdate``). So the teller on one instance and the screen on another work together, and
/// either may restart mid-flow.
public final class CounterDesk: Service, Sendable {
    /// Wrong pairing codes typed at one terminal: after ``pairingGuesses`` within ``pairingWindowSeconds`` the
    /// terminal is locked for the rest of the window and its screen shows a new code.
    static let pairingGuesses = 5
    static let pairingWindowSeconds = 300
    public static let pairingSeconds = 300
    /// How often this instance tells the database that its screens are still connected.
    static let heartbeatSeconds = 5

    /// What the teller sees after a change or when asking.
    public struct DraftView: Sendable, Encodable {
        public let session: Int64
        public let version: Int
        public let digest: String
        public let state: DraftState
        public let screenConnected: Bool
        /// The teller transaction the signed draft was booked as, once it is.
        public let transaction: String?
        /// Every required field there and every value valid: only then can the customer confirm.
        public let complete: Bool
        public let problems: [FieldProblem]
        /// The draft itself (form and values), for the teller's console when it is reloaded; only in answers to
        /// the teller asking for the session, not after each change (the console has what it just sent).
        public var form: String?
        public var values: [String: String]?

        enum CodingKeys: String, CodingKey {
            case session, version, digest, state, problems, transaction, form, values, complete
            case screenConnected = "screen_connected"
        }
    }

    /// The draft's values and its confirmation view, as they are sealed in the database.
    struct DraftContent: Codable {
        let values: [String: String]
        /// The view's canonical JSON: byte for byte what its digest covers and the screen is sent.
        let view: String
    }

    let repository: any CounterRepository
    let catalogue: FormCatalogue
    let dataKey: DataKey
    let time: any TimeSource
    let logger: Logger
    let connections = ScreenConnections()
    /// Where a change of a teller's session is passed on to their console (the push channel), once wired.
    let tellerConsoles = Mutex<(@Sendable (_ teller: String, _ session: Int64) -> Void)?>(nil)

    public convenience init(
        database: Database, catalogue: FormCatalogue, dataKey: DataKey, time: any TimeSource = SystemTime(),
        logger: Logger = Logger(label: "countersign.counter")
    ) {
        self.init(repository: DatabaseCounterRepository(database: database), catalogue: catalogue, dataKey: dataKey, time: time, logger: logger)
    }

    public init(
        repository: any CounterRepository, catalogue: FormCatalogue, dataKey: DataKey, time: any TimeSource = SystemTime(),
        logger: Logger = Logger(label: "countersign.counter")
    ) {
        self.repository = repository
        self.catalogue = catalogue
        self.dataKey = dataKey
        self.time = time
        self.logger = logger
    }

    /// Follows the database's announcements for the screens connected here, and keeps their connections alive.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await event in self.repository.changes(logger: self.logger) {
                        switch event {
                        case .listening?: await self.refreshAll()
                        case .change(let change)?:
                            if let teller = change.teller, let session = change.session {
                                self.tellerConsoles.withLock { $0 }?(teller, session)
                            }
                            guard let device = change.device, self.connections.holds(device) else { continue }
                            // Each screen in its own task: one slow read does not hold up the other screens.
                            Task { await self.refresh(device: device) }
                        case nil: continue
                        }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(Self.heartbeatSeconds))
                        await self.heartbeat()
                    }
                }
            }
        }
    }

    /// Passes every announced change of a teller's session to that teller's consoles connected to `hub` on this
    /// instance, as `{"type":"counter","session":…}`: the console reads its session again at once instead of
    /// waiting for its next poll. Every instance hears every announcement, so the console may be on any of them.
    public func forwardTellerChanges(to hub: PushHub) {
        tellerConsoles.withLock { $0 = { teller, session in hub.tell(user: teller, ToConsole.counter(session: session).text) } }
    }

    // MARK: Helpers

    static func noSession(_ session: Int64) -> CounterError {
        CounterError(.noSession, "no open counter session \(session) of yours / 没有您的此柜面会话")
    }

    static func booked(_ session: Int64, _ transaction: String?) -> CounterError {
        CounterError(
            .booked,
            "counter session \(session) was booked as transaction \(transaction ?? "(in progress)"); it no longer changes")
    }

    /// The draft content sealed for this session and version only.
    static func draftContext(session: Int64, version: Int) -> String { "counter:\(session):draft:\(version)" }

    func open(_ draft: DraftRecord) throws -> DraftContent? {
        guard let box = draft.ciphertext else { return nil }
        let clear = try dataKey.open(box, context: Self.draftContext(session: draft.session, version: draft.version))
        return try JSONDecoder().decode(DraftContent.self, from: Data(clear))
    }

    static func later(_ at: Timestamp, seconds: Int) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: at.microsecondsSinceEpoch + Int64(seconds) * 1_000_000)
    }

    static func freshCode() -> String { String(format: "%06d", Int.random(in: 0..<1_000_000)) }

    static func canonical(_ view: ConfirmationView) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(view), as: UTF8.self)
    }

}
