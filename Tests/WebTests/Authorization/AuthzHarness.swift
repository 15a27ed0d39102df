import Accounts
import Audit
import Authorization
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Kernel
import Logging
import NIOCore
import PostgresNIO
import Services
import Storage
import TestSupport
import Testing
import Web

/// A live service with the authorization feature on a fresh database: tellers, supervisors and centre officers
/// with an authority matrix, a manual clock, and helpers that speak the HTTP API and the WebSocket feed.
struct AuthzHarness: Sendable {
    let client: any TestClientProtocol
    let db: TestDatabase
    /// The service's own pool (the application role), for tests that call the storage layer directly.
    let database: Database
    let services: AuthorizationServices
    let time: ManualTime
    /// The sign-in throttle and hashing gate the service uses, on the test's clock.
    let signIn: SignInProtection

    /// 10:00 in Beijing on a weekday: inside business hours, so only the amount rules apply unless a test moves it.
    static func businessMorning() -> Timestamp {
        let today = Timestamp.now().microsecondsSinceEpoch / 86_400_000_000 * 86_400_000_000
        return Timestamp(microsecondsSinceEpoch: today + 2 * 3_600_000_000)
    }

    static let rules: RuleSet = {
        let url = Repository.root.appendingPathComponent("Rules/authorization-rules.json")
        do { return try RuleSet.load(url) } catch { fatalError("\(error)") }
    }()

    /// `presenceTimeoutSeconds` is off unless a test is about it: the other tests' officers use HTTP only, without
    /// the push connection that keeps presence alive, while the clock jumps minutes.
    static func run(extraOfficers: Int = 0, presenceTimeoutSeconds: Int? = nil, _ body: @Sendable (AuthzHarness) async throws -> Void)
        async throws
    {
        let db = try await TestDatabase.fresh()
        try await seed(db, extraOfficers: extraOfficers)
        let database = Database(settings: db.app, logger: TestDatabase.logger)
        let time = ManualTime(businessMorning())
        // One throttle for sign-in and local mode, on the test's clock.
        let signIn = SignInProtection(time: time)
        let key = DataKey(key: SymmetricKey(size: .bits256))
        try await loadDirectory(db, key: key)
        let services = AuthorizationServices(
            database: database, rules: rules, dataKey: key, time: time, logger: TestDatabase.logger,
            sweepsInBackground: false, presenceTimeoutSeconds: presenceTimeoutSeconds, signIn: signIn)
        let app = CountersignApp.buildApplication(
            database: database,
            configuration: WebConfiguration(maximumBodyBytes: 1 << 20, signIn: signIn, publicLimiter: WebHarness.generousLimiter()),
            logger: TestDatabase.logger,
            authorization: services)
        try await app.test(.live) { client in
            try await waitUntil { services.hub.isListening }
            try await body(AuthzHarness(client: client, db: db, database: database, services: services, time: time, signIn: signIn))
        }
    }

    /// The demo customers and accounts (`Seeds/demo-directory.json`), found under `key`: account
    /// 6222020200112233445 is a low-risk personal debit account, …446 medium-risk savings, …0013 high-risk.
    static func loadDirectory(_ db: TestDatabase, key: DataKey) async throws {
        let entries = try DirectoryFile.parse(try Data(contentsOf: Repository.root.appendingPathComponent("Seeds/demo-directory.json")))
        try await db.with(db.owner) { try await DatabaseAccountDirectory.load(entries, key: key, into: $0) }
    }

    /// The demo account whose holder has this risk.
    static func account(risk: String) -> String {
        ["low": "6222020200112233445", "medium": "6222020200112233446", "high": "6222020200000000013"][risk]!
    }

    /// teller1/teller2 (BR001/BR002), super1 (BR001, level 2), super2 (BR002, level 2, serves BR001), super3 (BR001,
    /// level 1, limit CNY 100k), officer1/officer2 (centre, level 3), auditor1; plus `extraOfficers` centre officers.
    static func seed(_ db: TestDatabase, extraOfficers: Int) async throws {
        let hash = try PasswordHash.make(password: WebHarness.password, rounds: 1 << 10).encoded
        try await db.with(db.superuser) { database in
            try await database.read { tx in
                try await tx.query("UPDATE authz_settings SET injected_clock = true")
            }
        }
        try await db.with(db.owner) { database in
            try await database.transaction { tx in
                try await tx.query(
                    """
                    INSERT INTO branches VALUES ('BR001', '北京分行营业部', 'Beijing Branch', 'branch'),
                        ('BR002', '上海分行营业部', 'Shanghai Branch', 'branch'), ('AC01', '集中授权中心', 'Authorization Centre', 'centre'),
                        ('HQ', '总行', 'Head Office', 'head_office')
                    """)
                var users: [(String, String, String)] = [
                    ("teller1", "BR001", "teller"), ("teller2", "BR002", "teller"), ("super1", "BR001", "supervisor"),
                    ("super2", "BR002", "supervisor"), ("super3", "BR001", "supervisor"), ("officer1", "AC01", "officer"),
                    ("officer2", "AC01", "officer"), ("auditor1", "HQ", "auditor"), ("centre1", "AC01", "supervisor"),
                ]
                users += (0..<extraOfficers).map { ("pool\($0)", "AC01", "officer") }
                for (id, branch, role) in users {
                    try await tx.query(
                        "INSERT INTO users (id, display_name, branch_code, role, password_hash) VALUES (\(id), \(id), \(branch), \(role), \(hash))")
                }
                try await WebHarness.seedAdmins(tx, hash: hash)
                var grants = [
                    Authority(user: "super1", level: 2, codes: ["*"], branchesServed: ["BR002"], limits: ["CNY": 100_000_000]),
                    Authority(user: "super2", level: 2, codes: ["*"], branchesServed: ["BR001"], limits: ["CNY": 100_000_000]),
                    Authority(user: "super3", level: 1, codes: ["cash-withdrawal"], branchesServed: [], limits: ["CNY": 10_000_000]),
                    Authority(user: "officer1", level: 3, codes: ["*"], branchesServed: [], limits: ["CNY": 10_000_000_000]),
                    Authority(user: "officer2", level: 3, codes: ["*"], branchesServed: [], limits: ["CNY": 10_000_000_000]),
                ]
                grants += (0..<extraOfficers).map {
                    Authority(user: "pool\($0)", level: 3, codes: ["*"], branchesServed: [], limits: ["CNY": 10_000_000_000])
                }
                for grant in grants { try await Directory.setAuthority(grant, actor: "test", in: tx) }
                try await WebHarness.registerTerminals(tx)
            }
        }
    }

    /// What a `countersign serve` child process needs for authorization and pre-fill: a fresh data key in a file
    /// (the caller removes it), the repository's rules and forms, and no witness key (no vouchers).
    /// The demo directory (account types and customer risks) is loaded into `db` under that key.
    static func serviceEnvironment(directoryIn db: TestDatabase) async throws -> (environment: [String: String], keyFile: URL) {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("cs-key-\(UUID().uuidString)")
        let key = SymmetricKey(size: .bits256)
        try Data(key.withUnsafeBytes { Data($0) }.base64EncodedString().utf8).write(to: keyFile)
        try await loadDirectory(db, key: DataKey(key: key))
        let environment = [
            "COUNTERSIGN_DATA_KEY": keyFile.path,
            "COUNTERSIGN_WITNESS_P12": "/nonexistent", "COUNTERSIGN_FORMS_DIR": Repository.path("Forms"),
        ]
        return (environment, keyFile)
    }

    // MARK: HTTP

    var api: TestAPI { TestAPI(client: client, db: db) }
    typealias Reply = TestAPI.Reply

    func login(_ user: String, terminal: String = "T01") async throws -> String { try await api.login(user, terminal: terminal) }

    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String?, body: String? = nil, background: Bool = false) async throws -> Reply {
        try await api.call(method, uri, token: token, body: body, background: background)
    }

    /// A submission on the demo account of a customer with `risk` (the directory decides the risk), or on `account`.
    static func submission(code: String = "cash-withdrawal", amount: String, currency: String = "CNY", risk: String = "low", account: String? = nil)
        -> String
    {
        let account = account ?? Self.account(risk: risk)
        return
            #"{"code":"\#(code)","amount":"\#(amount)","currency":"\#(currency)","account":"\#(account)","channel":"counter","fields":{"account":"\#(account)","name":"张三"}}"#
    }

    static let idScan = #"{"kind":"id_scan","media_type":"image/png","data":"iVBORw0KGgo="}"#
    static let voucherImage = #"{"kind":"voucher_image","media_type":"image/png","data":"iVBORw0KGgoAAAA="}"#
    static let tellerScreen = #"{"kind":"teller_screen","media_type":"text/plain","data":"dGVsbGVyIHNjcmVlbg=="}"#

    /// Submits and returns the transaction id; the interceptor's answer must say `required`.
    func submit(_ token: String, _ submission: String, required: Bool = true) async throws -> String {
        let reply = try await call(.post, "/api/v1/transactions", token: token, body: submission)
        guard reply.status == .created else { throw HarnessFailure("submit: \(reply.code)") }
        #expect(reply.json["authorization_required"] as? Bool == required)
        return reply.json["transaction"] as! String
    }

    func requestAuthorization(_ token: String, transaction: String, mode: String, material: [String]) async throws -> RequestSnapshot {
        let reply = try await call(
            .post, "/api/v1/transactions/\(transaction)/authorization", token: token,
            body: #"{"mode":"\#(mode)","material":[\#(material.joined(separator: ","))]}"#)
        guard reply.status == .created else { throw HarnessFailure("request: \(reply.status) \(reply.code)") }
        return try reply.decode(RequestSnapshot.self)
    }

    /// The officer a request was drawn for, as the database holds it (the teller is not told: 背对背).
    func assignedTo(_ request: String) async throws -> String? {
        try await db.with(db.owner) { database in
            try await database.read { tx in
                try await tx.query("SELECT assigned_to FROM authz_requests WHERE id = \(request)").collect().first?.decode(String?.self) ?? nil
            }
        }
    }

    func presence(_ token: String, _ status: String) async throws {
        let reply = try await call(.put, "/api/v1/authz/presence", token: token, body: #"{"status":"\#(status)"}"#)
        guard reply.status == .ok else { throw HarnessFailure("presence: \(reply.code)") }
    }

    func claim(_ token: String, _ id: String) async throws -> Reply {
        try await call(.post, "/api/v1/authz/requests/\(id)/claim", token: token)
    }

    func decide(_ token: String, _ request: RequestSnapshot, _ decision: String, reason: String? = nil) async throws -> Reply {
        let reasonJSON = reason.map { #","reason":"\#($0)""# } ?? ""
        return try await call(
            .post, "/api/v1/authz/requests/\(request.id)/decision", token: token,
            body:
                #"{"decision":"\#(decision)","payload_digest":"\#(request.payloadDigest)","material_digest":"\#(request.materialDigest)"\#(reasonJSON)}"#
        )
    }

    func commit(_ token: String, transaction: String, _ submission: String) async throws -> Reply {
        try await call(.post, "/api/v1/transactions/\(transaction)/commit", token: token, body: submission)
    }

    func auditVerifies() async throws { try await api.auditVerifies(chain: "BR001") }

    func auditActions(subject: String) async throws -> [String] { try await api.auditActions(subject: subject) }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every 10 ms for up to `seconds`.
func waitUntil(seconds: Double = 30, _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw HarnessFailure("condition not met within \(seconds) s")
}
