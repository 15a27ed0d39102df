public import Audit
public import Logging
public import ServiceLifecycle
public import Storage

/// Timeouts and escalation, per the rule each request was made under: leases that lapse go back to the pool,
/// unclaimed requests are offered wider, and a teller who has waited too long is told (the request is withdrawn).
/// Several instances may sweep at once: each row is taken with SKIP LOCKED, so each change happens once.
public struct AuthorizationTimeouts: Sendable {
    let database: Database
    let time: any TimeSource

    public init(database: Database, time: any TimeSource = SystemTime()) {
        self.database = database
        self.time = time
    }

    public struct Swept: Sendable, Equatable {
        public var leasesExpired = 0
        public var escalated = 0
        public var tellerWaitsExpired = 0
        public var total: Int { leasesExpired + escalated + tellerWaitsExpired }
    }

    /// One pass at the current time of the clock. Each kind of timeout commits with its audit events.
    @discardableResult
    public func sweep(batch: Int = 200) async throws -> Swept {
        let now = time.now()
        var swept = Swept()
        swept.tellerWaitsExpired = try await database.transaction { tx in
            let expired = try await AuthorizationStore.expireTellerWaits(at: now, limit: batch, in: tx)
            for request in expired {
                try await AuditLog.append(
                    AuditEvent(
                        actor: "system:timeouts", branch: request.branch, action: "authz.teller_wait_expired", subject: "authz:\(request.id)",
                        payload: ["teller": .string(request.teller), "waited_us": .integer(now.microsecondsSinceEpoch - request.createdAtUs)]),
                    in: tx)
            }
            return expired.count
        }
        swept.leasesExpired = try await database.transaction { tx in
            let lapsed = try await AuthorizationStore.expireLeases(at: now, limit: batch, in: tx)
            for (request, officer) in lapsed {
                try await AuditLog.append(
                    AuditEvent(
                        actor: "system:timeouts", branch: request.branch, action: "authz.lease_expired", subject: "authz:\(request.id)",
                        payload: ["officer": .string(officer), "assigned_to": request.assignedTo.map { .string($0) } ?? .null]),
                    in: tx)
            }
            return lapsed.count
        }
        swept.escalated = try await database.transaction { tx in
            let widened = try await AuthorizationStore.escalate(at: now, limit: batch, in: tx)
            for (request, from) in widened {
                try await AuditLog.append(
                    AuditEvent(
                        actor: "system:timeouts", branch: request.branch, action: "authz.escalated", subject: "authz:\(request.id)",
                        payload: [
                            "from": .string(from), "to": .string(request.scope), "assigned_to": request.assignedTo.map { .string($0) } ?? .null,
                        ]),
                    in: tx)
            }
            return widened.count
        }
        if swept.total > 0 { await AuthorizationStore.announce(database) }
        return swept
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
