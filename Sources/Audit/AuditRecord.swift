public import Kernel

/// One row of the audit trail as stored: the event, its place in its chain, and the links.
public struct AuditRecord: Sendable, Hashable {
    public var chain: String
    /// Position in the chain, starting at 1, with no gaps.
    public var seq: Int64
    public var time: Timestamp
    public var actor: String
    public var branch: String?
    public var terminal: String?
    public var action: String
    public var subject: String
    /// The payload exactly as stored and hashed: canonical JSON text.
    public var payload: String
    public var prevHash: SHA256Hash
    public var encodingVersion: Int16
    /// The hash stored with the row. ``computedHash()`` says what it should be.
    public var hash: SHA256Hash

    public init(
        chain: String, seq: Int64, time: Timestamp, actor: String, branch: String?, terminal: String?,
        action: String, subject: String, payload: String, prevHash: SHA256Hash,
        encodingVersion: Int16 = AuditEncoding.currentVersion, hash: SHA256Hash? = nil
    ) throws(AuditError) {
        self.chain = chain
        self.seq = seq
        self.time = time
        self.actor = actor
        self.branch = branch
        self.terminal = terminal
        self.action = action
        self.subject = subject
        self.payload = payload
        self.prevHash = prevHash
        self.encodingVersion = encodingVersion
        self.hash = .zero
        if let hash { self.hash = hash } else { self.hash = try computedHash() }
    }

    /// Places `event`, stamped `time`, after the chain head `(seq, hash)`; `head` is nil for the first event.
    public init(event: AuditEvent, at time: Timestamp, after head: ChainHead?) throws(AuditError) {
        try self.init(
            chain: event.chain, seq: (head?.seq ?? 0) + 1, time: time, actor: event.actor, branch: event.branch,
            terminal: event.terminal, action: event.action, subject: event.subject, payload: event.payload.canonicalText,
            prevHash: head?.hash ?? .zero)
    }

    /// The hash this record's fields produce under its encoding version.
    public func computedHash() throws(AuditError) -> SHA256Hash {
        let bodyDigest = SHA256Hash.sha256(of: try AuditEncoding.body(of: self))
        let link = try AuditEncoding.link(version: encodingVersion, seq: seq, time: time, prevHash: prevHash, bodyDigest: bodyDigest)
        return SHA256Hash.sha256(of: link)
    }

    /// This record as the head of its chain.
    public var head: ChainHead { ChainHead(chain: chain, seq: seq, hash: hash) }
}

/// The last position of a chain and its hash.
public struct ChainHead: Sendable, Hashable, Codable {
    public var chain: String
    public var seq: Int64
    public var hash: SHA256Hash

    public init(chain: String, seq: Int64, hash: SHA256Hash) {
        self.chain = chain
        self.seq = seq
        self.hash = hash
    }
}
