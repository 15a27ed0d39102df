import Accounts
import Crypto
import Forms
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Services
import Storage
import TestSupport
import Vouchers
import Web

/// A live service on a fresh database, with one user per role (cheap password hashes to keep tests fast).
enum WebHarness {
    static let password = "correct horse"
    static let bodyLimit = 4096

    /// Tests sign in and upload far more often than one customer would; the limiter itself is tested on its own.
    static func generousLimiter() -> ClientRateLimiter { ClientRateLimiter(perMinute: 60_000, burst: 10_000) }

    static func withService(
        vouchers: Bool = false, pki: Bool = false, bodyLimit: Int = bodyLimit,
        _ body: @Sendable (any TestClientProtocol, TestDatabase) async throws -> Void
    ) async throws {
        let db = try await TestDatabase.fresh()
        try await seedUsers(db)
        let database = Database(settings: db.app, logger: TestDatabase.logger)
        let publication =
            pki ? try PKIPublication.development(folder: SealRegistryTests.pki, password: DevelopmentPKI.password, database: database) : nil
        var desk: VoucherDesk?
        if vouchers {
            let registry = try SealRegistryTests.registry()
            try await db.with(db.owner) { _ = try await registry.importSeals(into: $0, password: DevelopmentPKI.password, actor: "test") }
            let forms = Repository.path("Forms")
            let settings = VoucherDesk.Settings(
                witnessKeyFile: SealRegistryTests.pki.appendingPathComponent("witness.p12").path,
                keyPassword: DevelopmentPKI.password, bankName: LocalizedText(zh: "示例银行", en: "Demo Bank"),
                timeStamping: try TimeStamping.development(folder: SealRegistryTests.pki, password: DevelopmentPKI.password),
                revocation: try publication.map {
                    RevocationCheck(
                        authority: $0,
                        trustedRootsPEM: try String(contentsOf: SealRegistryTests.pki.appendingPathComponent("root-ca.pem"), encoding: .utf8))
                })
            desk = VoucherDesk(
                database: database, settings: settings, catalogue: try FormCatalogue.load(URL(fileURLWithPath: forms)),
                dataKey: DataKey(key: SymmetricKey(size: .bits256)))
        }
        let app = CountersignApp.buildApplication(
            database: database, configuration: WebConfiguration(maximumBodyBytes: bodyLimit, publicLimiter: generousLimiter()),
            logger: TestDatabase.logger, vouchers: desk,
            pki: publication)
        try await app.test(.live) { client in try await body(client, db) }
    }

    static func seedUsers(_ db: TestDatabase) async throws {
        let hash = try PasswordHash.make(password: password, rounds: 1 << 10).encoded
        try await db.with(db.owner) { database in
            try await database.read { tx in
                try await tx.query(
                    "INSERT INTO branches VALUES ('BR001', '北京分行营业部', 'Beijing Branch', 'branch'), ('BR002', '上海分行营业部', 'Shanghai Branch', 'branch'), ('HQ', '总行', 'Head Office', 'head_office')"
                )
                try await tx.query(
                    """
                    INSERT INTO users (id, display_name, branch_code, role, password_hash) VALUES
                    ('teller1', '王柜员', 'BR001', 'teller', \(hash)), ('teller2', '李柜员', 'BR002', 'teller', \(hash)),
                    ('auditor1', '刘稽核', 'HQ', 'auditor', \(hash))
                    """)
                try await registerTerminals(tx)
            }
        }
    }

    /// Two security administrators at head office (dual control needs two), and the database's verifiers of the
    /// password of every user seeded so far (migration 0037; bcrypt at its lowest cost, for speed): the steps the
    /// database records as a user's (administration, findings, samples) are confirmed with it.
    static func seedAdmins(_ tx: Transaction, hash: String) async throws {
        try await tx.query(
            """
            INSERT INTO users (id, display_name, branch_code, role, password_hash) VALUES
            ('sec1', '安全管理员一', 'HQ', 'security_admin', \(hash)), ('sec2', '安全管理员二', 'HQ', 'security_admin', \(hash))
            """)
        try await tx.query(
            """
            INSERT INTO password_verifiers (user_id, verifier) SELECT id, crypt(\(password), gen_salt('bf', 4)) FROM users
            WHERE id NOT IN (SELECT user_id FROM password_verifiers)
            """
        )
    }

    /// The demo branches' counter terminals (a teller signs in only at a registered terminal of their branch).
    static func registerTerminals(_ tx: Transaction) async throws {
        for (branch, terminal) in DemoSeed.terminals {
            try await tx.query("INSERT INTO terminals (branch_code, id) VALUES (\(branch), \(terminal))")
        }
    }

    static func login(_ client: any TestClientProtocol, user: String) async throws -> String {
        let body = #"{"user":"\#(user)","password":"\#(password)","terminal":"T01"}"#
        return try await client.execute(uri: "/api/v1/sessions", method: .post, body: ByteBuffer(string: body)) { response in
            guard response.status == .created else { throw HarnessError.loginFailed(String(buffer: response.body)) }
            let session = try JSONDecoder().decode(Token.self, from: Data(buffer: response.body))
            return session.token
        }
    }

    struct Token: Decodable { let token: String }
    enum HarnessError: Error { case loginFailed(String) }

    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            let code: String
            let message: String
            let request_id: String
        }
        let error: Detail
    }

    /// The error code of a JSON error response, or a description of what came instead.
    static func errorCode(_ response: TestResponse) -> String {
        guard let body = try? JSONDecoder().decode(ErrorBody.self, from: Data(buffer: response.body)) else {
            return "not an error body: \(String(buffer: response.body))"
        }
        return body.error.code
    }

    static func count(_ sql: String, in db: TestDatabase) async throws -> Int {
        try await db.with(db.owner) { database in
            try await database.read { tx in
                var value = 0
                for try await n in try await tx.query(PostgresQueryText(sql).query).decode(Int.self) { value = n }
                return value
            }
        }
    }
}

/// Lets tests run fixed SQL text through PostgresNIO's query type.
struct PostgresQueryText {
    let query: PostgresQuery
    init(_ sql: String) { query = PostgresQuery(unsafeSQL: sql) }
}
