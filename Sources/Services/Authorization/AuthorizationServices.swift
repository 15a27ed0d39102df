import Audit
public import Authorization
public import Kernel
public import Logging
public import Storage

/// Everything the authorization feature runs on one instance: the teller and officer desks, the timeouts and the
/// push hub, built from one database, rule set, data key and clock.
public struct AuthorizationServices: Sendable {
    public let tellers: AuthorizationDesk
    public let officers: OfficerDesk
    public let timeouts: AuthorizationTimeouts
    public let hub: PushHub
    /// The centre's dashboard.
    public let centre: AuthorizationCentre
    /// Post-transaction supervision: the auditors' search, evidence pages, samples and findings.
    public let supervision: SupervisionDesk
    /// Reports, and the rolling up of their figures.
    public let reports: ReportDesk
    /// Sweep timeouts in the background (off in tests, which drive ``AuthorizationTimeouts/sweep(batch:)`` themselves).
    public let sweepsInBackground: Bool

    /// How long an officer's console may be silent (no push connection on any instance) before the officer is set
    /// offline. Consoles are seen every ``PushHub/heartbeatSeconds`` seconds, so this must be a few times that.
    public static let defaultPresenceTimeoutSeconds = 30

    public init(
        database: Database, rules: RuleSet, dataKey: DataKey, time: any TimeSource = SystemTime(), logger: Logger,
        sweepsInBackground: Bool = true, presenceTimeoutSeconds: Int? = defaultPresenceTimeoutSeconds, signIn: SignInProtection? = nil,
        directory: (any AccountDirectory)? = nil
    ) {
        let protection = signIn ?? SignInProtection(time: time)
        let repository = DatabaseAuthorizationRepository(database: database, signIn: protection)
        self.tellers = AuthorizationDesk(
            repository: repository, rules: rules, dataKey: dataKey, time: time,
            directory: directory ?? DatabaseAccountDirectory(database: database, dataKey: dataKey))
        self.officers = OfficerDesk(repository: repository, dataKey: dataKey, time: time)
        self.timeouts = AuthorizationTimeouts(database: database, time: time, presenceTimeoutSeconds: presenceTimeoutSeconds)
        self.hub = PushHub(database: database, time: time, logger: logger)
        self.centre = AuthorizationCentre(database: database, time: time)
        self.supervision = SupervisionDesk(
            database: database, dataKey: dataKey, time: time, authorization: tellers, signIn: protection)
        self.reports = ReportDesk(database: database, time: time)
        self.sweepsInBackground = sweepsInBackground
    }
}
