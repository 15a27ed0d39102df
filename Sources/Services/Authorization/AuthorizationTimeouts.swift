import Audit
public import Kernel
public import Logging
public import ServiceLifecycle
public import Storage

/// Timeouts and escalation, per the rule each request was made under: leases that lapse go back to the pool,
/// unclaimed requests are offered wider, and a teller who has waited too long is told (the request is withdrawn).
/// Several instances may sweep at once: each row is taken with SKIP LOCKED, so each change happens once.
public struct AuthorizationTimeouts: Sendable {
    let database: Database
    let time: any TimeSource
    /// An officer online or paused whose console has not been seen for this long is set offline (nil: never).
    let presenceTimeoutSeconds: Int?
    /// How long the push feed keeps a change for clients that reconnect (they re-read their state anyway), by the
    /// database's clock, which stamps the feed.
    let feedRetentionSeconds: Int

    public init(
        database: Database, time: any TimeSource = SystemTime(), presenceTimeoutSeconds: Int? = nil, feedRetentionSeconds: Int = 86_400
    ) {
        self.database = database
        self.time = time
        self.presenceTimeoutSeconds = presenceTimeoutSeconds
        self.feedRetentionSeconds = feedRetentionSeconds
    }

    public struct Swept: Sendable, Equatable {
        public var presenceLost = 0
        public var leasesExpired = 0
        public var escalated = 0
        public var tellerWaitsExpired = 0
        /// Old push-feed rows deleted (not a change of any request).
        public var feedPruned = 0
        public var total: Int { presenceLost + leasesExpired + escalated + tellerWaitsExpired }
    }

    /// One pass at the current time of the clock. Each kind of timeout commits with its audit events.
    @discardableResult
    public func sweep(batch: Int = 200) async throws -> Swept {
        let now = time.now()
        var swept = Swept()
        // First, so that the requests of a vanished officer are reassigned before their unclaimed time runs on.
        if let presenceTimeoutSeconds {
            swept.presenceLost = try await dropSilentOfficers(
                seenBefore: Timestamp(microsecondsSinceEpoch: now.microsecondsSinceEpoch - Int64(presenceTimeoutSeconds) * 1_000_000),
                at: now, batch: batch)
        }
        swept.tellerWaitsExpired = try await timeOut("authz.teller_wait_expired") { tx in
            try await AuthorizationStore.expireTellerWaits(at: now, limit: batch, in: tx).map { request in
                (request, ["teller": .string(request.teller), "waited_us": .integer(now.microsecondsSinceEpoch - request.createdAtUs)])
            }
        }
        swept.leasesExpired = try await timeOut("authz.lease_expired") { tx in
            try await AuthorizationStore.expireLeases(at: now, limit: batch, in: tx).map { request, officer in
                (request, ["officer": .string(officer), "assigned_to": request.assignedTo.map { .string($0) } ?? .null])
            }
        }
        swept.escalated = try await timeOut("authz.escalated") { tx in
            try await AuthorizationStore.escalate(at: now, limit: batch, in: tx).map { request, from in
                (request, ["from": .string(from), "to": .string(request.scope), "assigned_to": request.assignedTo.map { .string($0) } ?? .null])
            }
        }
        if swept.total > 0 { await AuthorizationStore.announce(database) }
        swept.feedPruned = try await database.statement {
            try await AuthorizationStore.pruneFeed(retentionSeconds: feedRetentionSeconds, limit: batch * 5, in: $0)
        }
        return swept
    }

    /// Officers whose consoles went silent: offline, audited as `authz.presence_lost`, their requests reassigned.
    private func dropSilentOfficers(seenBefore cutoff: Timestamp, at now: Timestamp, batch: Int) async throws -> Int {
        try await AuthorizationStore.transaction(on: database) { tx in
            let silent = try await AuthorizationStore.silentOfficers(seenBefore: cutoff, limit: batch, in: tx)
            var events: [AuditEvent] = []
            for officer in silent {
                events += try await OfficerDesk.changePresence(
                    officer: officer.officer, branch: officer.branch, to: .offline, terminal: nil, actor: "system:presence",
                    action: "authz.presence_lost", details: ["last_seen_us": .integer(officer.seenAtUs)], at: now, in: tx)
            }
            // All of them in one chain-ordered append (see OfficerDesk.changePresence).
            try await AuditLog.append(all: events, in: tx)
            return silent.count
        }
    }

    /// One kind of timeout: the requests `change` moved, each with its audit event, in one transaction.
    private func timeOut(_ action: String, _ change: (Transaction) async throws -> [(RequestSnapshot, CanonicalJSON)]) async throws -> Int {
        try await database.transaction { tx in
            let changed = try await change(tx)
            // Requests of several branches: one chain-ordered append, so two sweepers cannot deadlock on chain heads.
            try await AuditLog.append(
                all: changed.map { request, payload in
                    AuditEvent(actor: "system:timeouts", branch: request.branch, action: action, subject: "authz:\(request.id)", payload: payload)
                }, in: tx)
            return changed.count
        }
    }
}

/// Runs ``AuthorizationTimeouts/sweep(batch:)`` every `interval` for as long as the service runs.
public struct AuthorizationTimeoutService: Service {
    let timeouts: AuthorizationTimeouts
    let interval: Duration
    let logger: Logger

    public init(timeouts: AuthorizationTimeouts, interval: Duration = .seconds(1), logger: Logger) {
        self.timeouts = timeouts
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let swept = try await timeouts.sweep()
                if swept.total > 0 { logger.info("authorization timeouts", metadata: ["swept": "\(swept)"]) }
            } catch {
                logger.error("authorization timeouts failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
