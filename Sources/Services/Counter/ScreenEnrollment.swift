public import Accounts
import Audit
import Counter
import Foundation
import Kernel
public import Storage

/// Enrolling and removing customer screens (issue #14): a supervisor of the branch, standing at the screen, has it
/// make its key and registers the public half for one registered terminal of the branch. One screen per terminal:
/// enrolling another replaces it. Both are audit events; a removed screen is cut off at once.
public struct ScreenEnrollment: Sendable {
    let desk: CounterDesk
    let database: Database

    public init(desk: CounterDesk, database: Database) {
        self.desk = desk
        self.database = database
    }

    public struct Enrolled: Sendable, Encodable {
        public let id: Int64
        public let branch: String
        public let terminal: String
        public let keySHA256: String
        public let enrolledBy: String
        public let enrolledAt: String
        /// The screen this one replaced at the terminal, if any.
        public var replaced: Int64?

        init(_ device: ScreenDevice, replaced: Int64? = nil) {
            id = device.id
            branch = device.branch
            terminal = device.terminal
            keySHA256 = device.keySHA256.hexString
            enrolledBy = device.enrolledBy
            enrolledAt = device.enrolledAt.description
            self.replaced = replaced
        }

        enum CodingKeys: String, CodingKey {
            case id, branch, terminal, replaced
            case keySHA256 = "key_sha256"
            case enrolledBy = "enrolled_by"
            case enrolledAt = "enrolled_at"
        }
    }

    public struct TerminalView: Sendable, Encodable {
        public let terminal: String
        public let screen: Enrolled?
    }

    static func supervisor(_ user: UserIdentity) throws {
        guard user.role == .supervisor else {
            throw AccessError(.forbidden, "only a branch supervisor enrolls or removes customer screens / 仅网点主管可登记或注销客户屏")
        }
    }

    public func enroll(terminal: String, publicKey encoded: String, user: UserIdentity) async throws -> Enrolled {
        try Self.supervisor(user)
        guard encoded.utf8.count <= 256, let key = Data(base64Encoded: encoded), let digest = try? ScreenStatement.keyDigest(publicKey: Array(key))
        else {
            throw CounterError(
                .badScreenKey,
                "public_key must be a P-256 public key, SubjectPublicKeyInfo in base64 / public_key 须为 base64 编码的 P-256 公钥")
        }
        let at = desk.time.now()
        let (device, replaced) = try await database.transaction { tx -> (ScreenDevice, Int64?) in
            guard try await ScreenDeviceStore.isRegistered(terminal: terminal, branch: user.branch, in: tx) else {
                throw Self.unknownTerminal(terminal, branch: user.branch)
            }
            guard try await ScreenDeviceStore.keyUnused(digest, in: tx) else {
                throw CounterError(.screenKeyUsed, "this key is already enrolled; a screen makes a new key to enroll again / 该密钥已登记")
            }
            let previous = try await ScreenDeviceStore.active(branch: user.branch, terminal: terminal, in: tx)
            if let previous {
                _ = try await ScreenDeviceStore.remove(previous.id, by: user.id, at: at, in: tx)
                try await AuditLog.append(Self.event("counter.screen_removed", previous, user: user, reason: "replaced"), in: tx)
            }
            let id = try await ScreenDeviceStore.enroll(
                branch: user.branch, terminal: terminal, publicKey: Array(key), by: user.id, at: at, in: tx)
            let device = ScreenDevice(
                id: id, branch: user.branch, terminal: terminal, publicKey: Array(key), keySHA256: digest, enrolledBy: user.id, enrolledAt: at)
            try await AuditLog.append(Self.event("counter.screen_enrolled", device, user: user, reason: nil), in: tx)
            return (device, previous?.id)
        }
        if let replaced { desk.disconnectDevice(replaced) }
        return Enrolled(device, replaced: replaced)
    }

    public func remove(_ id: Int64, user: UserIdentity) async throws {
        try Self.supervisor(user)
        let at = desk.time.now()
        try await database.transaction { tx in
            guard let device = try await ScreenDeviceStore.active(id, in: tx), device.branch == user.branch else {
                throw CounterError(.noScreenDevice, "no enrolled screen \(id) at your branch / 本网点没有该已登记客户屏")
            }
            _ = try await ScreenDeviceStore.remove(id, by: user.id, at: at, in: tx)
            try await AuditLog.append(Self.event("counter.screen_removed", device, user: user, reason: "removed"), in: tx)
        }
        desk.disconnectDevice(id)
    }

    /// The supervisor's branch: each registered terminal with the screen enrolled for it.
    public func terminals(user: UserIdentity) async throws -> [TerminalView] {
        try Self.supervisor(user)
        return try await database.read { tx in
            try await ScreenDeviceStore.terminals(branch: user.branch, in: tx).map {
                TerminalView(terminal: $0.terminal, screen: $0.screen.map { Enrolled($0) })
            }
        }
    }

    static func unknownTerminal(_ terminal: String, branch: String) -> CounterError {
        CounterError(
            .unknownTerminal,
            "\(terminal) is not a registered terminal of branch \(branch) / \(terminal) 不是本网点 \(branch) 的登记终端")
    }

    static func event(_ action: String, _ device: ScreenDevice, user: UserIdentity, reason: String?) -> AuditEvent {
        var payload: [String: CanonicalJSON] = ["screen": .integer(device.id), "key_sha256": .string(device.keySHA256.hexString)]
        if let reason { payload["reason"] = .string(reason) }
        return AuditEvent(
            actor: user.id, branch: device.branch, terminal: device.terminal, action: action, subject: "screen:\(device.branch)/\(device.terminal)",
            payload: .object(payload))
    }
}
