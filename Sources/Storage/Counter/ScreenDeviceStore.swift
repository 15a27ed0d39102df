import Audit
public import Kernel
import NIOCore
import PostgresNIO

/// A customer screen enrolled for one terminal: the public half of the key its browser keeps (migration 0027).
public struct ScreenDevice: Sendable, Equatable {
    public let id: Int64
    public let branch: String
    public let terminal: String
    /// SubjectPublicKeyInfo (DER) of its P-256 key.
    public let publicKey: [UInt8]
    public let keySHA256: [UInt8]
    public let enrolledBy: String
    public let enrolledAt: Timestamp

    public init(
        id: Int64, branch: String, terminal: String, publicKey: [UInt8], keySHA256: [UInt8], enrolledBy: String, enrolledAt: Timestamp
    ) {
        self.id = id
        self.branch = branch
        self.terminal = terminal
        self.publicKey = publicKey
        self.keySHA256 = keySHA256
        self.enrolledBy = enrolledBy
        self.enrolledAt = enrolledAt
    }
}

/// Registered terminals and the screens enrolled for them (migration 0027).
public enum ScreenDeviceStore {
    static let columns =
        "id, branch_code, terminal, public_key, key_sha256, enrolled_by, (extract(epoch FROM enrolled_at) * 1000000)::bigint"

    static func decode(_ rows: PostgresRowSequence) async throws -> [ScreenDevice] {
        var devices: [ScreenDevice] = []
        for try await (id, branch, terminal, key, digest, by, at) in rows.decode((Int64, String, String, ByteBuffer, ByteBuffer, String, Int64).self)
        {
            devices.append(
                ScreenDevice(
                    id: id, branch: branch, terminal: terminal, publicKey: key.byteArray, keySHA256: digest.byteArray, enrolledBy: by,
                    enrolledAt: Timestamp(microsecondsSinceEpoch: at)))
        }
        return devices
    }

    public static func isRegistered(terminal: String, branch: String, in tx: Transaction) async throws -> Bool {
        let rows = try await tx.query("SELECT 1 FROM terminals WHERE branch_code = \(branch) AND id = \(terminal)", context: "terminals")
        return try await rows.collect().count == 1
    }

    /// The branch's terminals, each with the screen enrolled for it (nil: none).
    public static func terminals(branch: String, in tx: Transaction) async throws -> [(terminal: String, screen: ScreenDevice?)] {
        var terminals: [String] = []
        for try await id in try await tx.query("SELECT id FROM terminals WHERE branch_code = \(branch) ORDER BY id", context: "terminals")
            .decode(String.self)
        {
            terminals.append(id)
        }
        let enrolled = try await decode(
            try await tx.query(
                "SELECT \(unescaped: columns) FROM screen_devices WHERE branch_code = \(branch) AND removed_at IS NULL", context: "screens"))
        return terminals.map { terminal in (terminal, enrolled.first { $0.terminal == terminal }) }
    }

    /// The enrolled (not removed) screen with this id.
    public static func active(_ id: Int64, in tx: Transaction) async throws -> ScreenDevice? {
        try await decode(
            try await tx.query("SELECT \(unescaped: columns) FROM screen_devices WHERE id = \(id) AND removed_at IS NULL", context: "screens")
        ).first
    }

    /// The screen enrolled for a terminal now, if any.
    public static func active(branch: String, terminal: String, in tx: Transaction) async throws -> ScreenDevice? {
        try await decode(
            try await tx.query(
                """
                SELECT \(unescaped: columns) FROM screen_devices
                WHERE branch_code = \(branch) AND terminal = \(terminal) AND removed_at IS NULL
                """, context: "screens")
        ).first
    }

    public static func enroll(
        branch: String, terminal: String, publicKey: [UInt8], by supervisor: String, at: Timestamp, in tx: Transaction
    ) async throws -> Int64 {
        let rows = try await tx.query(
            """
            INSERT INTO screen_devices (branch_code, terminal, public_key, enrolled_by, enrolled_at)
            VALUES (\(branch), \(terminal), \(publicKey.bytea), \(supervisor), us_to_ts(\(at.microsecondsSinceEpoch)))
            RETURNING id
            """, context: "screens")
        for try await id in rows.decode(Int64.self) { return id }
        throw StorageError(.queryFailed, "the screen was not enrolled")
    }

    /// Whether no screen, enrolled now or before, has this key.
    public static func keyUnused(_ digest: [UInt8], in tx: Transaction) async throws -> Bool {
        try await tx.query("SELECT 1 FROM screen_devices WHERE key_sha256 = \(digest.bytea)", context: "screens").collect().isEmpty
    }

    /// Removes an enrolled screen; false when it was not enrolled (or already removed).
    public static func remove(_ id: Int64, by supervisor: String, at: Timestamp, in tx: Transaction) async throws -> Bool {
        let rows = try await tx.query(
            """
            UPDATE screen_devices SET removed_by = \(supervisor), removed_at = us_to_ts(\(at.microsecondsSinceEpoch))
            WHERE id = \(id) AND removed_at IS NULL RETURNING id
            """, context: "screens")
        return try await rows.collect().count == 1
    }
}
