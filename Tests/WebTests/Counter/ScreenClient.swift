import Foundation
import HummingbirdWSClient
import Logging
import Synchronization
import TestSupport

/// A customer screen as the tests drive it: the WebSocket `/api/v1/counter/screen`, every message it receives
/// kept in order, and answers sent on demand.
final class ScreenClient: Sendable {
    /// What arrived, parsed and as sent.
    final class Inbox: Sendable {
        let parsed = Mutex<[[String: any Sendable]]>([])
        let raw = Mutex<[String]>([])
    }

    private let inbox = Inbox()
    private let outgoing: AsyncStream<String>.Continuation
    private let task: Task<Void, any Error>

    init(port: Int, terminal: String) {
        let (stream, outgoing) = AsyncStream<String>.makeStream()
        self.outgoing = outgoing
        let inbox = self.inbox
        self.task = Task {
            _ = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/counter/screen", logger: TestDatabase.logger) {
                inbound, outbound, _ in
                try await outbound.write(.text(#"{"type":"hello","terminal":"\#(terminal)"}"#))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { for await text in stream { try await outbound.write(.text(text)) } }
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message { inbox.raw.withLock { $0.append(text) } }
                            guard case .text(let text) = message,
                                let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: any Sendable]
                            else { continue }
                            inbox.parsed.withLock { $0.append(object) }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    var messages: [[String: any Sendable]] { inbox.parsed.withLock { $0 } }

    /// How long to wait for a message. Generous: the whole suite runs in parallel with browsers on two cores, where
    /// one recorded answer once took over 2 s; waiting costs nothing when the message is already there.
    /// A guard against a hang, not a speed requirement: a busy two-core machine running the suite has delayed a
    /// message past ten seconds.
    static let patience = 60.0

    /// The first message of `type` after the first `skip` of that type, waiting up to `seconds`.
    func next(_ type: String, after skip: Int = 0, within seconds: Double = patience) async throws -> [String: any Sendable] {
        do {
            try await waitUntil(seconds: seconds) { self.messages.filter { $0["type"] as? String == type }.count > skip }
        } catch {
            throw HarnessFailure("no '\(type)' message #\(skip + 1) within \(seconds) s; the screen has: \(messages)")
        }
        return messages.filter { $0["type"] as? String == type }[skip]
    }

    /// The view of draft `version`, waiting for it.
    func view(version: Int, within seconds: Double = patience) async throws -> [String: any Sendable] {
        @Sendable func match(_ message: [String: any Sendable]) -> Bool {
            message["type"] as? String == "view" && message["version"] as? Int == version
        }
        do {
            try await waitUntil(seconds: seconds) { self.messages.contains(where: match) }
        } catch {
            throw HarnessFailure("no view of version \(version) within \(seconds) s; the screen has: \(messages)")
        }
        return messages.first(where: match)!
    }

    func send(_ text: String) { outgoing.yield(text) }

    /// The view of draft `version` exactly as it arrived (the bytes its digest covers).
    func rawView(version: Int) -> String? {
        guard let text = inbox.raw.withLock({ $0 }).first(where: { $0.hasPrefix(#"{"type":"view""#) && $0.contains(#""version":\#(version),"#) }),
            let start = text.range(of: #""view":"#)
        else { return nil }
        return String(text[start.upperBound...].dropLast())
    }

    func answer(_ decision: String, version: Int, digest: String) {
        send(#"{"type":"\#(decision)","version":\#(version),"digest":"\#(digest)"}"#)
    }

    func close() {
        outgoing.finish()
        task.cancel()
    }

    deinit { task.cancel() }
}
