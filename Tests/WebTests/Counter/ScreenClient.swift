import Counter
import Crypto
import Foundation
import HummingbirdWSClient
import Logging
import Synchronization
import TestSupport

/// A customer screen as the tests drive it: an enrolled device (its key made here, its public half enrolled by
/// the branch supervisor through the API), the WebSocket `/api/v1/counter/screen` with its hello and proof, every
/// message it receives kept in order, and answers sent on demand, each with its signed statement.
final class ScreenClient: Sendable {
    /// What arrived, parsed and as sent.
    final class Inbox: Sendable {
        let parsed = Mutex<[[String: any Sendable]]>([])
        let raw = Mutex<[String]>([])
    }

    /// A screen's key and the id it was enrolled under.
    struct Device: Sendable {
        let id: Int64
        let key: P256.Signing.PrivateKey
    }

    private let inbox = Inbox()
    private let outgoing: AsyncStream<String>.Continuation
    private let task: Task<Void, any Error>
    let device: Device

    /// Enrolls a new screen for `terminal` (as `supervisor`, who replaces any screen enrolled there) and connects it.
    static func enrolled(_ api: TestAPI, port: Int, terminal: String, supervisor: String = "super1") async throws -> ScreenClient {
        ScreenClient(port: port, device: try await enroll(api, terminal: terminal, supervisor: supervisor))
    }

    static func enroll(_ api: TestAPI, terminal: String, supervisor: String = "super1") async throws -> Device {
        let key = P256.Signing.PrivateKey()
        let token = try await api.login(supervisor, terminal: terminal)
        let reply = try await api.call(
            .post, "/api/v1/counter/screens", token: token,
            body: #"{"terminal":"\#(terminal)","public_key":"\#(key.publicKey.derRepresentation.base64EncodedString())"}"#)
        guard reply.status == .created, let id = reply.json["id"] as? Int else { throw HarnessFailure("enroll \(terminal): \(reply.code)") }
        return Device(id: Int64(id), key: key)
    }

    init(port: Int, device: Device, proveWith proof: P256.Signing.PrivateKey? = nil) {
        let (stream, outgoing) = AsyncStream<String>.makeStream()
        self.outgoing = outgoing
        self.device = device
        let inbox = self.inbox
        let proof = proof ?? device.key
        self.task = Task {
            // Frames as large as the voucher preview (the library's default is 16 KiB).
            _ = try await WebSocketClient.connect(
                url: "ws://127.0.0.1:\(port)/api/v1/counter/screen", configuration: WebSocketClientConfiguration(maxFrameSize: 1 << 20),
                logger: TestDatabase.logger
            ) {
                inbound, outbound, _ in
                try await outbound.write(.text(#"{"type":"hello","device":\#(device.id)}"#))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { for await text in stream { try await outbound.write(.text(text)) } }
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message { inbox.raw.withLock { $0.append(text) } }
                            guard case .text(let text) = message,
                                let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: any Sendable]
                            else { continue }
                            if object["type"] as? String == "challenge", let nonce = object["nonce"] as? String {
                                let text = ScreenStatement.helloText(device: device.id, nonce: nonce)
                                let signature = try proof.signature(for: Data(text.utf8)).rawRepresentation.base64EncodedString()
                                try await outbound.write(.text(#"{"type":"proof","signature":"\#(signature)"}"#))
                            }
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
        guard let text = inbox.raw.withLock({ $0 }).first(where: { $0.contains(#""type":"view","#) && $0.contains(#""version":\#(version),"#) }),
            let start = text.range(of: #""view":"#)
        else { return nil }
        return String(text[start.upperBound...].dropLast())
    }

    /// The session the screen was last paired into.
    var session: Int64 {
        Int64(messages.last { $0["type"] as? String == "paired" }?["session"] as? Int ?? 0)
    }

    /// The statement this screen's key signs, as `"statement":…,"signature":…` for a message.
    func statement(
        _ decision: ScreenStatement.Decision, version: Int, digest: String, strokesSHA256: String? = nil, session: Int64? = nil, at: Date = Date(),
        key: P256.Signing.PrivateKey? = nil
    ) -> String {
        let text = ScreenStatement.write(
            device: device.id, session: session ?? self.session, version: version, decision: decision, viewSHA256: digest,
            strokesSHA256: strokesSHA256,
            at: at)
        let signature = try! (key ?? device.key).signature(for: Data(text.utf8)).rawRepresentation.base64EncodedString()
        let quoted = String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
        return #""statement":\#(quoted),"signature":"\#(signature)""#
    }

    func answer(_ decision: String, version: Int, digest: String) {
        let signed = statement(decision == "confirm" ? .confirm : .reject, version: version, digest: digest)
        send(#"{"type":"\#(decision)","version":\#(version),"digest":"\#(digest)",\#(signed)}"#)
    }

    /// The customer's signature: `strokes` as the screen sends them (JSON), with the statement naming their digest
    /// in the one canonical encoding.
    func sign(version: Int, digest: String, strokes: String) {
        send(
            #"{"type":"signature","version":\#(version),"digest":"\#(digest)","strokes":\#(strokes),\#(signatureStatement(version: version, digest: digest, strokes: strokes))}"#
        )
    }

    func signatureStatement(version: Int, digest: String, strokes: String, key: P256.Signing.PrivateKey? = nil) -> String {
        struct Point: Decodable {
            let x, y, t, pressure: Double
        }
        let points = ((try? JSONDecoder().decode([[Point]].self, from: Data(strokes.utf8))) ?? []).map {
            $0.map { SignatureInk.Point(x: $0.x, y: $0.y, t: $0.t, pressure: $0.pressure) }
        }
        let strokesSHA256 = SHA256.hash(data: SignatureInk.canonical(points)).map { String(format: "%02x", $0) }.joined()
        return statement(.sign, version: version, digest: digest, strokesSHA256: strokesSHA256, key: key)
    }

    func close() {
        outgoing.finish()
        task.cancel()
    }

    deinit { task.cancel() }
}
