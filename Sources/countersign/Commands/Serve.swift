import ArgumentParser
import Authorization
import CommandSupport
import Forms
import Foundation
import Hummingbird
import Logging
import Services
import Storage
import Vouchers
import Web

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP service.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Address to listen on. Env: COUNTERSIGN_HOST. Default: 127.0.0.1") var host: String?
    @Option(help: "Port to listen on. Env: COUNTERSIGN_PORT. Default: 8080") var port: Int?
    @Option(help: "Largest request body in bytes. Env: COUNTERSIGN_MAX_BODY_BYTES. Default: 1048576") var maxBodyBytes: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = try options.makeLogger()
        var configuration = WebConfiguration()
        configuration.host = host ?? environment["COUNTERSIGN_HOST"] ?? configuration.host
        configuration.port = try port ?? environment["COUNTERSIGN_PORT"].map { try Self.integer($0, "COUNTERSIGN_PORT") } ?? configuration.port
        let perMinute = try environment["COUNTERSIGN_PUBLIC_RATE_PER_MINUTE"].map { try Self.integer($0, "COUNTERSIGN_PUBLIC_RATE_PER_MINUTE") } ?? 60
        configuration.publicLimiter = ClientRateLimiter(perMinute: perMinute, burst: max(20, perMinute / 3))
        func seconds(_ name: String, _ current: Duration) throws -> Duration {
            try environment[name].map { .seconds(try Self.integer($0, name)) } ?? current
        }
        configuration.connections.maximumConnections =
            try environment["COUNTERSIGN_MAX_CONNECTIONS"].map { try Self.integer($0, "COUNTERSIGN_MAX_CONNECTIONS") }
            ?? configuration.connections.maximumConnections
        configuration.connections.maximumPerAddress =
            try environment["COUNTERSIGN_MAX_CONNECTIONS_PER_ADDRESS"].map { try Self.integer($0, "COUNTERSIGN_MAX_CONNECTIONS_PER_ADDRESS") }
            ?? configuration.connections.maximumPerAddress
        configuration.sessionLifetimeSeconds =
            try environment["COUNTERSIGN_SESSION_MINUTES"].map { Int64(try Self.integer($0, "COUNTERSIGN_SESSION_MINUTES")) * 60 }
            ?? configuration.sessionLifetimeSeconds
        configuration.privilegedSessionLifetimeSeconds =
            try environment["COUNTERSIGN_ADMIN_SESSION_MINUTES"].map { Int64(try Self.integer($0, "COUNTERSIGN_ADMIN_SESSION_MINUTES")) * 60 }
            ?? configuration.privilegedSessionLifetimeSeconds
        if let idle = environment["COUNTERSIGN_SESSION_IDLE_MINUTES"] {
            guard let limits = WebConfiguration.sessionIdleSeconds(parsing: idle, over: configuration.sessionIdleSeconds) else {
                throw ValidationError(WebConfiguration.sessionIdleProblem)
            }
            configuration.sessionIdleSeconds = limits
        }
        configuration.reportRollInterval = try seconds("COUNTERSIGN_REPORT_ROLL_SECONDS", configuration.reportRollInterval)
        configuration.connections.idleTimeout = try seconds("COUNTERSIGN_IDLE_SECONDS", configuration.connections.idleTimeout)
        configuration.connections.headerDeadline = try seconds("COUNTERSIGN_HEADER_SECONDS", configuration.connections.headerDeadline)
        configuration.connections.helloDeadline = try seconds("COUNTERSIGN_HELLO_SECONDS", configuration.connections.helloDeadline)
        switch TrustedProxies.parse(environment["COUNTERSIGN_TRUSTED_PROXIES"] ?? "") {
        case .success(let proxies): configuration.trustedProxies = proxies
        case .failure(let error): throw ValidationError(error.description)
        }
        configuration.maximumBodyBytes =
            try maxBodyBytes ?? environment["COUNTERSIGN_MAX_BODY_BYTES"].map { try Self.integer($0, "COUNTERSIGN_MAX_BODY_BYTES") }
            ?? configuration.maximumBodyBytes
        let settings = try options.appDatabase()
        // The form catalogue is checked first, before the database and before anything listens: a broken form stops
        // the service with the file and field named, instead of failing at a counter.
        let forms = try FormCatalogue.load(URL(fileURLWithPath: environment["COUNTERSIGN_FORMS_DIR"] ?? "Forms"))
        logger.info("form catalogue loaded", metadata: ["forms": "\(forms.forms.count)"])

        // Refuse to serve on a schema this build does not match, with a role that could rewrite the audit trail or
        // bypass the guards, or — in production — with anything made for development.
        let mode = try ProductionReadiness.environment(environment)
        let rules = try await Database.with(settings, logger: logger) { database in
            try await Migrator(migrations: try Migration.bundled()).requireCurrent(database)
            try await PrivilegeCheck.requireAppendOnly(database)
            if mode == .production {
                let problems = try await ProductionReadiness.problems(environment: environment, database: database)
                guard problems.isEmpty else { throw ProductionRefusal(problems: problems) }
            }
            return try await RulesCommand.inForce(database)
        }
        logger.info("authorization rules in force", metadata: ["version": "\(rules.version)", "rules": "\(rules.rules.count)"])
        logger.info("starting", metadata: ["database": "\(settings)", "address": "\(configuration.host):\(configuration.port)"])
        let database = Database(settings: settings, logger: logger)
        // Customer data, material and strokes are encrypted with it; without it those features are off.
        let key: DataKey?
        do {
            key = try DataKey.load(path: environment["COUNTERSIGN_DATA_KEY"] ?? "Certs/data-encryption.key")
        } catch {
            logger.warning("vouchers, authorization and the counter are disabled: no data key", metadata: ["reason": "\(error)"])
            key = nil
        }
        let pki = Self.pkiPublication(database: database, mode: mode, environment: environment, logger: logger)
        let vouchers = key.flatMap {
            Self.voucherDesk(database: database, forms: forms, key: $0, pki: pki, environment: environment, logger: logger)
        }
        let authorization = key.map {
            AuthorizationServices(database: database, rules: rules, dataKey: $0, logger: logger, signIn: configuration.signIn)
        }
        let counter = try key.map {
            try Self.counter(
                database: database, forms: forms, key: $0, vouchers: vouchers, authorization: authorization?.tellers, environment: environment)
        }
        let app = CountersignApp.buildApplication(
            database: database, configuration: configuration, logger: logger, vouchers: vouchers, authorization: authorization, counter: counter,
            pki: pki)
        try await app.runService()
    }

    /// Vouchers also need the witness key; without it the rest of the service still runs.
    static func voucherDesk(
        database: Database, forms: FormCatalogue, key: DataKey, pki: PKIPublication?, environment: [String: String], logger: Logger
    ) -> VoucherDesk? {
        let witness = environment["COUNTERSIGN_WITNESS_P12"] ?? "Certs/witness.p12"
        guard FileManager.default.fileExists(atPath: witness) else {
            logger.warning("vouchers are disabled", metadata: ["reason": "\(witness) is missing"])
            return nil
        }
        // Every signature is time-stamped (PAdES B-T): without a time-stamp authority there are no vouchers.
        let timeStamping: TimeStamping
        do {
            timeStamping = try TimeStamping.configure(environment: environment)
        } catch {
            logger.warning("vouchers are disabled: no time-stamp authority", metadata: ["reason": "\(error)"])
            return nil
        }
        let settings = VoucherDesk.Settings(
            witnessKeyFile: witness, keyPassword: environment["COUNTERSIGN_P12_PASSWORD"] ?? DevelopmentPKI.password,
            bankName: LocalizedText(
                zh: environment["COUNTERSIGN_BANK_NAME_ZH"] ?? "示例银行", en: environment["COUNTERSIGN_BANK_NAME_EN"] ?? "Demo Bank"),
            timeStamping: timeStamping, revocation: revocationCheck(pki: pki, environment: environment, logger: logger))
        return VoucherDesk(database: database, settings: settings, catalogue: forms, dataKey: key)
    }

    /// Where the service asks about its signing certificates before using them: the bank CA's responder
    /// (`COUNTERSIGN_OCSP_URL`), or the development PKI's own, in process. Its answers must chain to the trusted roots.
    static func revocationCheck(pki: PKIPublication?, environment: [String: String], logger: Logger) -> RevocationCheck? {
        let rootsFile = environment["COUNTERSIGN_TRUSTED_ROOTS"] ?? "Certs/root-ca.pem"
        guard let roots = try? String(contentsOfFile: rootsFile, encoding: .utf8) else {
            logger.warning("signing certificates are used unchecked: no trusted roots", metadata: ["file": "\(rootsFile)"])
            return nil
        }
        if let address = environment["COUNTERSIGN_OCSP_URL"], !address.isEmpty, let url = URL(string: address) {
            let lists = (environment["COUNTERSIGN_CRL_URLS"] ?? "").split(separator: ",").compactMap { URL(string: String($0)) }
            return RevocationCheck(authority: HTTPRevocationAuthority(url: url, crlURLs: lists), trustedRootsPEM: roots)
        }
        guard let pki else {
            logger.warning("signing certificates are used unchecked: no OCSP responder (COUNTERSIGN_OCSP_URL, or certs init --if-missing)")
            return nil
        }
        return RevocationCheck(authority: pki, trustedRootsPEM: roots)
    }

    /// The development PKI's OCSP responder and CRLs; never in production, where the bank's CA publishes its own.
    static func pkiPublication(database: Database, mode: ProductionReadiness.Environment, environment: [String: String], logger: Logger)
        -> PKIPublication?
    {
        guard mode == .development else { return nil }
        do {
            return try PKIPublication.development(
                folder: URL(fileURLWithPath: environment["COUNTERSIGN_PKI_DIR"] ?? "Certs"),
                password: environment["COUNTERSIGN_P12_PASSWORD"] ?? DevelopmentPKI.password, database: database)
        } catch {
            logger.warning("the development PKI's revocation data is not published", metadata: ["reason": "\(error)"])
            return nil
        }
    }

    /// Pre-fill, the counter and (with vouchers) receipts; `/verify` also needs the trusted roots.
    static func counter(
        database: Database, forms: FormCatalogue, key: DataKey, vouchers: VoucherDesk?, authorization: AuthorizationDesk?,
        environment: [String: String]
    ) throws -> CounterServices {
        let lifetime =
            try environment["COUNTERSIGN_PREFILL_MINUTES"].map { try integer($0, "COUNTERSIGN_PREFILL_MINUTES") * 60 }
            ?? PrefillDesk.defaultLifetimeSeconds
        let desk = CounterDesk(database: database, catalogue: forms, dataKey: key)
        return CounterServices(
            catalogue: forms, prefills: PrefillDesk(database: database, catalogue: forms, dataKey: key, lifetimeSeconds: lifetime),
            desk: desk, screens: ScreenEnrollment(desk: desk, database: database),
            receipts: vouchers.map { ReceiptDesk(database: database, counter: desk, vouchers: $0) },
            verifier: (try? String(contentsOfFile: environment["COUNTERSIGN_TRUSTED_ROOTS"] ?? "Certs/root-ca.pem", encoding: .utf8)).map {
                ReceiptVerifier(
                    database: database, trustedRootsPEM: $0,
                    timeStampRootsPEM: try? String(contentsOfFile: environment["COUNTERSIGN_TSA_ROOTS"] ?? "Certs/tsa-root.pem", encoding: .utf8))
            }, booking: authorization.map { CounterBooking(counter: desk, authorization: $0) })
    }

    private static func integer(_ text: String, _ name: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw ValidationError("\(name) must be a positive integer") }
        return value
    }
}
