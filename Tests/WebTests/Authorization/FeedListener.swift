import Foundation
import HummingbirdWSClient
import Logging
import Storage
import Synchronization
import TestSupport

/// A WebSocket client of `/api/v1/authz/stream` that records every request change it is pushed.
final class FeedListener: Sendable {
    private let received = Mutex<[RequestSnapshot]>([])
    private let counterSessions = Mutex<[Int64]>([])
    private let errorCodes = Mutex<[String]>([])
    private let isReady = Atomic<Bool>(false)
    private let ended = Atomic<Bool>(false)
    private let task = Mutex<Task<Void, any Error>?>(nil)

    static func connect(port: Int, token: String, after: Int64? = nil) async throws -> FeedListener {
        let listener = FeedListener()
        let hello = #"{"type":"hello","token":"\#(token)"\#(after.map { #","after":\#($0)"# } ?? "")}"#
        let task = Task {
            _ = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/authz/stream", logger: TestDatabase.logger) {
                inbound, outbound, _ in
                try await outbound.write(.text(hello))
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    listener.handle(text)
                }
            }
            listener.ended.store(true, ordering: .releasing)
        }
        listener.task.withLock { $0 = task }
        try await waitUntil(seconds: 15) { listener.isReady.load(ordering: .acquiring) }
        return listener
    }

    struct Envelope: Decodable {
        let type: String
        let request: RequestSnapshot?
        let code: String?
        /// `{"type":"counter","session":…}`: the teller's counter session changed.
        let session: Int64?
    }

    /// Error codes the service sent (e.g. auth.session_ended).
    var errors: [String] { errorCodes.withLock { $0 } }
    /// The service closed the connection.
    var isClosed: Bool { ended.load(ordering: .acquiring) }

    private func handle(_ text: String) {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(text.utf8)) else { return }
        if envelope.type == "ready" { isReady.store(true, ordering: .releasing) }
        if let request = envelope.request { received.withLock { $0.append(request) } }
        if envelope.type == "error", let code = envelope.code { errorCodes.withLock { $0.append(code) } }
        if envelope.type == "counter", let session = envelope.session { counterSessions.withLock { $0.append(session) } }
    }

    var snapshots: [RequestSnapshot] { received.withLock { $0 } }

    /// How many times the service said counter session `session` changed.
    func counterChanges(_ session: Int64) -> Int { counterSessions.withLock { $0.filter { $0 == session }.count } }

    /// The first pushed change that satisfies `match`, waiting up to `seconds` for it.
    @discardableResult
    func next(within seconds: Double = 60, _ match: @escaping @Sendable (RequestSnapshot) -> Bool) async throws -> RequestSnapshot {
        try await waitUntil(seconds: seconds) { self.snapshots.contains(where: match) }
        return snapshots.first(where: match)!
    }

    func close() {
        task.withLock { $0?.cancel() }
    }

    deinit { task.withLock { $0?.cancel() } }
}
