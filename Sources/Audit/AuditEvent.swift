public import Kernel

/// Something that happened, as a feature hands it to the audit trail. The trail adds the time (the database's
/// clock, taken under the chain lock), the chain position and the hashes.
public struct AuditEvent: Sendable, Hashable {
    /// The chain the event joins. Defaults to the branch, so that each branch's counters write to their own chain
    /// and no branch waits on another's disk flush (see docs/decisions/0003-audit-chain-per-branch.md).
    public var chain: String
    /// Who acted: a user id, or `system:<component>` for the service itself.
    public var actor: String
    public var branch: String?
    public var terminal: String?
    /// Dotted lower-case verb, e.g. `session.login` or `authz.request.claimed`.
    public var action: String
    /// What was acted on, e.g. `voucher:V2026-000123`.
    public var subject: String
    public var payload: CanonicalJSON

    /// The chain of events that belong to no branch (head-office configuration, the service itself).
    public static let centralChain = "central"

    public init(
        chain: String? = nil, actor: String, branch: String? = nil,
        terminal: String? = nil, action: String, subject: String, payload: CanonicalJSON = .object([:])
    ) {
        self.chain = chain ?? branch ?? Self.centralChain
        self.actor = actor
        self.branch = branch
        self.terminal = terminal
        self.action = action
        self.subject = subject
        self.payload = payload
    }
}

/// Limits on every field, checked before anything is written.
public enum AuditLimits {
    public static let maximumPayloadBytes = 64 * 1024
    public static let maximumTextLength = 200

    /// Throws ``AuditError`` naming the first field that is out of bounds.
    public static func validate(_ event: AuditEvent, canonicalPayload: String? = nil) throws(AuditError) {
        try identifier(event.chain, field: "chain", maximum: 64)
        try text(event.actor, field: "actor")
        if let branch = event.branch { try identifier(branch, field: "branch", maximum: 64) }
        if let terminal = event.terminal { try identifier(terminal, field: "terminal", maximum: 64) }
        try action(event.action)
        try text(event.subject, field: "subject")
        let payload = (canonicalPayload ?? event.payload.canonicalText).utf8
        guard payload.count <= maximumPayloadBytes else {
            throw AuditError(.payloadTooLarge, "payload is \(payload.count) bytes; the limit is \(maximumPayloadBytes)")
        }
        guard !payload.contains(0) else { throw AuditError(.invalidField, "payload contains a NUL character") }
    }

    private static func identifier(_ value: String, field: String, maximum: Int) throws(AuditError) {
        let allowed = value.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard !value.isEmpty, value.utf8.count <= maximum, allowed else {
            throw AuditError(.invalidField, "\(field) must be 1–\(maximum) characters of A–Z, a–z, 0–9, '.', '-', '_'")
        }
    }

    private static func text(_ value: String, field: String) throws(AuditError) {
        guard !value.isEmpty, value.count <= maximumTextLength else {
            throw AuditError(.invalidField, "\(field) must be 1–\(maximumTextLength) characters")
        }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw AuditError(.invalidField, "\(field) must not contain control characters")
        }
    }

    private static func action(_ value: String) throws(AuditError) {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            value.utf8.count <= 64 && parts.count >= 2
            && parts.allSatisfy { part in
                guard let first = part.utf8.first, (0x61...0x7A).contains(first) else { return false }
                return part.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "_") }
            }
        guard valid else {
            throw AuditError(.invalidField, "action must be dotted lower-case words such as 'session.login' (at most 64 characters)")
        }
    }
}
