public import Accounts
public import Kernel
public import Storage

/// The authorization centre's dashboard (issue #18, part 3): what its supervisor watches — the queue, what waits too
/// long, who is online and what they hold, today's throughput and latencies. Read-only; the figures come from the
/// requests and decisions themselves, at this instance's clock.
public struct AuthorizationCentre: Sendable {
    let database: Database
    let time: any TimeSource

    public init(database: Database, time: any TimeSource) {
        self.database = database
        self.time = time
    }

    /// For a supervisor of the centre (a branch of kind `centre`), and for auditors. Read in one snapshot, so that the
    /// day's totals and its hours agree.
    public func dashboard(user: UserIdentity) async throws -> AuthorizationDashboard {
        try await database.snapshot { tx in
            switch user.role {
            case .auditor: break
            case .supervisor:
                guard try await Directory.branchKind(user.branch, in: tx) == "centre" else {
                    throw AccessError(.forbidden, "the dashboard is the authorization centre's / 授权看板仅供授权中心主管使用")
                }
            default: throw AccessError(.forbidden, "the dashboard is for the centre's supervisors and auditors / 授权看板仅供授权中心主管和稽核人员使用")
            }
            return try await AuthorizationDashboard.read(at: time.now(), in: tx)
        }
    }
}
