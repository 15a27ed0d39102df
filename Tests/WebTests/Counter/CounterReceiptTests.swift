import Audit
import Crypto
import Forms
import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import Logging
import PDFReader
import PostgresNIO
import Services
import Storage
import Synchronization
import TestSupport
import Testing
import Vouchers
import Web

/// The end of the counter: the confirmed and signed draft becomes a voucher with the customer's signature and the
/// branch's seal, the screen gets the receipt link, and the downloaded PDF validates in pyHanko.
@Suite struct CounterReceiptTests {
    /// The whole counter on one in-process service: vouchers, the counter, and authorization on a manual clock set to
    /// a weekday morning in Beijing (so the amount rules alone decide).
    static func run(
        logger: Logger = TestDatabase.logger, timeStamping: TimeStamping? = nil, _ body: @Sendable (TestAPI, TestDatabase, Int) async throws -> Void
    ) async throws {
        try await runWithRestart(logger: logger, timeStamping: timeStamping) { api, db, port, _ in try await body(api, db, port) }
    }

    /// As ``run(logger:_:)``, and `restart` runs its body against a second instance on the same database with
    /// nothing in memory — what the service is after a restart (or another instance behind the load balancer).
    static func runWithRestart(
        logger: Logger = TestDatabase.logger, timeStamping: TimeStamping? = nil,
        _ body:
            @Sendable (TestAPI, TestDatabase, Int, _ restart: @Sendable (@Sendable (TestAPI, Int) async throws -> Void) async throws -> Void)
            async throws -> Void
    ) async throws {
        let db = try await TestDatabase.fresh()
        try await AuthzHarness.seed(db, extraOfficers: 0)
        let registry = try SealRegistryTests.registry()
        try await db.with(db.owner) { _ = try await registry.importSeals(into: $0, password: DevelopmentPKI.password, actor: "test") }
        let key = DataKey(key: SymmetricKey(size: .bits256))
        try await AuthzHarness.loadDirectory(db, key: key)
        let time = ManualTime(AuthzHarness.businessMorning())
        let first = try application(db: db, key: key, time: time, logger: logger, timeStamping: timeStamping)
        try await first.test(.live) { client in
            try await body(TestAPI(client: client, db: db), db, client.port!) { later in
                let second = try application(db: db, key: key, time: time, logger: logger, timeStamping: timeStamping)
                try await second.test(.live) { client in try await later(TestAPI(client: client, db: db), client.port!) }
            }
        }
    }

    /// One instance of the whole counter on `db`: vouchers, the counter, and authorization on a manual clock set to a
    /// weekday morning in Beijing (so the amount rules alone decide).
    /// `timeStamping`: the development TSA of the test PKI unless a test brings its own. Every signing certificate
    /// is checked with the test PKI's OCSP responder.
    static func application(db: TestDatabase, key: DataKey, time: ManualTime, logger: Logger, timeStamping: TimeStamping? = nil) throws
        -> some ApplicationProtocol
    {
        let database = Database(settings: db.app, logger: TestDatabase.logger)
        let catalogue = try FormCatalogue.load(Repository.root.appendingPathComponent("Forms"))
        let vouchers = VoucherDesk(
            database: database,
            settings: VoucherDesk.Settings(
                witnessKeyFile: SealRegistryTests.pki.appendingPathComponent("witness.p12").path, keyPassword: DevelopmentPKI.password,
                bankName: LocalizedText(zh: "示例银行", en: "Demo Bank"),
                timeStamping: try timeStamping ?? TimeStamping.development(folder: SealRegistryTests.pki, password: DevelopmentPKI.password),
                // As `serve` in development: the witness and seal certificates are asked about in process first.
                revocation: try PKIPublicationTests.check(database)),
            catalogue: catalogue, dataKey: key)
        let authorization = AuthorizationServices(
            database: database, rules: AuthzHarness.rules, dataKey: key, time: time, logger: TestDatabase.logger, sweepsInBackground: false,
            presenceTimeoutSeconds: nil)
        let desk = CounterDesk(database: database, catalogue: catalogue, dataKey: key)
        let counter = CounterServices(
            catalogue: catalogue, prefills: PrefillDesk(database: database, catalogue: catalogue, dataKey: key),
            desk: desk, screens: ScreenEnrollment(desk: desk, database: database),
            receipts: ReceiptDesk(database: database, counter: desk, vouchers: vouchers),
            verifier: ReceiptVerifier(
                database: database,
                trustedRootsPEM: try String(contentsOf: SealRegistryTests.pki.appendingPathComponent("root-ca.pem"), encoding: .utf8),
                timeStampRootsPEM: try String(contentsOf: SealRegistryTests.pki.appendingPathComponent("tsa-root.pem"), encoding: .utf8)),
            booking: CounterBooking(counter: desk, authorization: authorization.tellers))
        return CountersignApp.buildApplication(
            database: database, configuration: WebConfiguration(maximumBodyBytes: 1 << 20, publicLimiter: WebHarness.generousLimiter()),
            logger: logger, vouchers: vouchers,
            authorization: authorization, counter: counter, sweepsInBackground: false)
    }

    /// Pairs a screen at T01 with teller1, keys `values`, and has the customer confirm and sign version 1.
    static func signed(_ api: TestAPI, port: Int, form: String, _ values: [String: String]) async throws -> (ScreenClient, String, Int) {
        let screen = try await ScreenClient.enrolled(api, port: port, terminal: "T01")
        let code = try #require(try await screen.next("pairing")["code"] as? String)
        let teller = try await api.login("teller1", terminal: "T01")
        let session = try #require(
            try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#).json["session"] as? Int)
        _ = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: CounterSessionTests.draft(values, form: form))
        let digest = try #require(try await screen.view(version: 1)["digest"] as? String)
        screen.answer("confirm", version: 1, digest: digest)
        _ = try await screen.next("recorded")
        screen.sign(version: 1, digest: digest, strokes: zigzag)
        _ = try await screen.next("signed")
        return (screen, teller, session)
    }

    /// Issue #15: a committed transaction always reaches its voucher. Committed on one instance, the service
    /// restarted (nothing in memory), the teller asks the new instance for the voucher: it is made from what the
    /// database holds, once, and validates.
    @Test func aCommittedTransactionGetsItsVoucherAfterARestart() async throws {
        try await Self.runWithRestart { api, db, port, restart in
            let values = ["account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": "800"]
            let (screen, teller, session) = try await Self.signed(api, port: port, form: "cash-withdrawal", values)
            defer { screen.close() }
            #expect(try await api.call(.post, "/api/v1/counter/sessions/\(session)/transaction", token: teller, body: "{}").status == .created)
            #expect(try await api.call(.post, "/api/v1/counter/sessions/\(session)/commit", token: teller).status == .ok)
            try await restart { later, _ in
                let other = try await later.login("teller2", terminal: "T01")
                #expect(
                    try await later.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: other, body: "{}").code == "counter.no_session")
                let issued = try await later.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
                #expect(issued.status == .created, "\(issued.code)")
                let again = try await later.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
                #expect(again.json["voucher"] as? String == issued.json["voucher"] as? String)
                let download = try await later.call(.get, try #require(issued.json["receipt"] as? String), token: nil)
                let verdict = try await later.send(.post, "/api/v1/verify", contentType: "application/pdf", body: download.body)
                #expect(verdict.json["valid"] as? Bool == true, "\(verdict.json)")
                // Issue #16: both signatures time-stamped, judged at the time their time-stamps prove.
                let levels = (verdict.json["signatures"] as? [[String: any Sendable]])?.map { $0["level"] as? String }
                #expect(levels == ["B-LTA", "B-LTA", "DocTimeStamp"], "\(verdict.json)")
            }
            #expect(try await WebHarness.count("SELECT count(*)::int FROM vouchers", in: db) == 1)
        }
    }

    /// `pyhanko sign adesverify` (revocation checking, the file alone, trust = the test PKI's roots) as of `time`:
    /// "Field:VERDICT" per signature, and pyHanko's output for the message.
    static func adesVerdicts(_ path: String, at time: Date) async throws -> ([String], String) {
        let ades = try await ChildProcess.run(
            "/usr/bin/env",
            [
                "pyhanko", "sign", "adesverify", "--executive-summary", "--validation-time", ISO8601DateFormatter().string(from: time), "--trust",
                SealRegistryTests.pki.appendingPathComponent("root-ca.pem").path, "--trust",
                SealRegistryTests.pki.appendingPathComponent("tsa-root.pem").path, "--trust-replace", path,
            ], timeout: .seconds(120))
        let verdicts = ades.output.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: ":")
            return parts.count == 3 ? "\(parts[0]):\(parts[2])" : nil
        }
        return (verdicts, ades.output + ades.errors)
    }

    static let zigzag = CounterSessionTests.strokes((0..<40).map { (i: Int) -> (Double, Double) in (0.1 + Double(i) * 0.02, i % 2 == 0 ? 0.3 : 0.7) })

    @Test func aSignedDraftBecomesASealedVoucherWhoseReceiptValidatesInPyHanko() async throws {
        let log = LogCapture()
        let secrets = Mutex<[String]>([])
        try await Self.run(logger: log.logger) { api, db, port in
            let screen = try await ScreenClient.enrolled(api, port: port, terminal: "T01")
            defer { screen.close() }
            let code = try #require(try await screen.next("pairing")["code"] as? String)
            let teller = try await api.login("teller1", terminal: "T01")
            // A customer's pre-fill code and its QR image: secrets the log must never hold either.
            let prefill = try await api.call(
                .post, "/api/v1/prefills", token: nil, body: PrefillAPITests.body("cash-withdrawal", PrefillAPITests.withdrawal))
            let prefillCode = try #require(prefill.json["code"] as? String, "\(prefill.code)")
            #expect(try await api.call(.get, "/qr?text=\(prefillCode)", token: nil).status == .ok)
            secrets.withLock { $0 += [code, teller, prefillCode] }
            let session = try #require(
                try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#).json["session"] as? Int)
            let values = ["account_name": "张三", "account_number": "6222020200112233445", "id_number": "11010519491231002X", "amount": "50000"]
            _ = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: CounterSessionTests.draft(values))
            let early = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(early.status == .conflict && early.code == "counter.not_signed")

            let digest = try #require(try await screen.view(version: 1)["digest"] as? String)
            screen.answer("confirm", version: 1, digest: digest)
            _ = try await screen.next("recorded")
            screen.sign(version: 1, digest: digest, strokes: Self.zigzag)
            _ = try await screen.next("signed")

            // What the customer signed is booked before any receipt: not yet booked, not yet committed.
            let unbooked = try await api.call(
                .post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(unbooked.status == .conflict && unbooked.code == "counter.not_committed", "\(unbooked.code)")
            // The teller does not say what the customer's risk is: the bank's directory does.
            let told = try await api.call(
                .post, "/api/v1/counter/sessions/\(session)/transaction", token: teller,
                body: #"{"account_type":"personal-debit","customer_risk":"low"}"#)
            #expect(told.status == .badRequest && told.code == "txn.facts_from_directory", "\(told.status) \(told.code)")
            let booked = try await api.call(.post, "/api/v1/counter/sessions/\(session)/transaction", token: teller, body: "{}")
            #expect(booked.status == .created, "\(booked.code)")
            #expect(booked.json["account_type"] as? String == "personal-debit" && booked.json["customer_risk"] as? String == "low")
            // CNY 50,000 withdrawn in the morning: band 1, level 1, ID scan and voucher image, local mode allowed.
            #expect(booked.json["authorization_required"] as? Bool == true)
            #expect(booked.json["matched_rules"] as? [String] == ["cash-withdrawal-band-1"])
            let transaction = try #require(booked.json["transaction"] as? String)
            let twice = try await api.call(.post, "/api/v1/counter/sessions/\(session)/transaction", token: teller, body: "{}")
            #expect(twice.status == .conflict && twice.code == "counter.booked")
            // Booked is booked: the teller cannot change what the approval will bind to.
            var lower = values
            lower["amount"] = "5000"
            let edit = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: CounterSessionTests.draft(lower))
            #expect(edit.status == .conflict && edit.code == "counter.booked")
            let state = try await api.call(.get, "/api/v1/counter/sessions/\(session)", token: teller)
            #expect(state.json["transaction"] as? String == transaction && state.json["state"] as? String == "signed")
            let unapproved = try await api.call(.post, "/api/v1/counter/sessions/\(session)/commit", token: teller)
            #expect(unapproved.status == .conflict && unapproved.code == "authz.not_approved", "\(unapproved.code)")
            let uncommitted = try await api.call(
                .post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(uncommitted.status == .conflict && uncommitted.code == "counter.not_committed", "\(uncommitted.code)")

            // The supervisor approves at the teller's terminal (local mode) what the customer confirmed: the
            // transaction's fields are the confirmed values with the digest of the view the customer saw.
            let local = try await api.call(
                .post, "/api/v1/transactions/\(transaction)/authorization", token: teller,
                body:
                    #"{"mode":"local","material":[\#(AuthzHarness.idScan),\#(AuthzHarness.voucherImage)],"supervisor":{"user":"super3","password":"\#(WebHarness.password)","decision":"approve"}}"#
            )
            #expect(local.status == .created && local.json["state"] as? String == "approved", "\(local.code)")
            let request = try #require(local.json["id"] as? String)
            let shown = try await api.call(.get, "/api/v1/authz/requests/\(request)", token: teller)
            let payload = try #require(shown.json["transaction_payload"] as? [String: Any])
            let fields = try #require(payload["fields"] as? [String: String])
            #expect(fields["counter_view_sha256"] == digest && fields["amount"] == "50000.00" && fields["id_number"] == "11010519491231002X")
            #expect(
                payload["code"] as? String == "cash-withdrawal" && payload["amount"] as? String == "50000.00"
                    && payload["channel"] as? String == "counter")
            // Beside the teller's account of it, the customer's own: the view their screen showed (masked) and their
            // handwriting.
            let customerSide = try #require(shown.json["customer"] as? [String: Any])
            let lines = try #require((customerSide["view"] as? [String: Any])?["lines"] as? [[String: Any]])
            #expect(lines.first { $0["field"] as? String == "id_number" }?["value"] as? String == "110105********002X")
            let strokes = try #require(customerSide["strokes"] as? [[[Double]]])
            #expect(strokes.reduce(0) { $0 + $1.count } == 40 && strokes.allSatisfy { $0.allSatisfy { $0.count == 2 } })
            let committed = try await api.call(.post, "/api/v1/counter/sessions/\(session)/commit", token: teller)
            #expect(committed.status == .ok && committed.json["transaction"] as? String == transaction, "\(committed.code)")
            #expect(try await api.call(.post, "/api/v1/counter/sessions/\(session)/commit", token: teller).code == "txn.already_committed")

            // The teller does not choose the seal: the registry gives it by form and branch (a cash withdrawal at
            // BR001 gets BR001-CASH-RECEIVED); naming one is refused, and the session stays signed.
            let named = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: #"{"seal":"BR002-TRANSFER"}"#)
            #expect(named.status == .badRequest && named.code == "voucher.seal_from_registry", "\(named.code)")
            let issued = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(issued.status == .created, "\(issued.code)")
            let path = try #require(issued.json["receipt"] as? String)
            #expect(try await screen.next("receipt")["path"] as? String == path)
            #expect(path.count == 3 + 43)
            // Asked again (a lost answer, a reload): the same voucher, never a second one; a new receipt link for the
            // teller, and nothing sent to the screen, which is the next customer's now.
            let again = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(again.status == .created && again.json["voucher"] as? String == issued.json["voucher"] as? String, "\(again.code)")
            #expect(again.json["receipt"] as? String != path)
            // The screen is free for the next customer at once: a new pairing code, and the teller pairs with it.
            let nextCode = try #require(try await screen.next("pairing", after: 1)["code"] as? String)
            let paired = try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(nextCode)"}"#)
            #expect(paired.status == .created && paired.json["session"] as? Int != session, "\(paired.code)")
            #expect(try await screen.next("paired", after: 1)["session"] as? Int == paired.json["session"] as? Int)
            #expect(screen.messages.filter { $0["type"] as? String == "receipt" }.count == 1)

            let download = try await api.call(.get, path, token: nil)
            #expect(download.status == .ok && download.body.starts(with: Data("%PDF".utf8)))
            secrets.withLock { $0.append(String(path.dropFirst(3))) }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("receipt-\(UUID().uuidString).pdf")
            try download.body.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let oracle = try await ChildProcess.run(
                "/usr/bin/env",
                [
                    "python3", Repository.path("Tests/oracles/pyhanko_validate.py"), file.path,
                    SealRegistryTests.pki.appendingPathComponent("root-ca.pem").path,
                    SealRegistryTests.pki.appendingPathComponent("tsa-root.pem").path,
                ])
            let verdicts = oracle.output.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: any Sendable]
            }
            #expect(verdicts.count == 3, "\(oracle.output)\(oracle.errors)")
            #expect(verdicts.allSatisfy { $0["intact"] as? Bool == true && $0["valid"] as? Bool == true && $0["trusted"] as? Bool == true })
            // Issue #16: both signatures carry a signature time-stamp (PAdES B-T) pyHanko accepts, and an archive
            // time-stamp covers the whole file (B-LTA).
            #expect(
                verdicts.prefix(2).allSatisfy {
                    let stamp = $0["timestamp"] as? [String: any Sendable]
                    return stamp?["valid"] as? Bool == true && stamp?["trusted"] as? Bool == true
                }, "\(oracle.output)")
            #expect(verdicts.last?["kind"] as? String == "document time-stamp" && verdicts.last?["coverage"] as? String == "ENTIRE_FILE")
            // pyHanko's AdES validation with revocation checking, offline (the file alone), as of now and ten years ahead.
            for years in [0.0, 10] {
                let (verdicts, output) = try await Self.adesVerdicts(file.path, at: Date().addingTimeInterval(60 + years * 365.25 * 86_400))
                #expect(verdicts == ["CustomerSignature:VALID", "BankSeal:VALID"], "\(years) years: \(output)")
            }

            #expect(try await api.call(.get, "/r/" + String(repeating: "A", count: 43), token: nil).code == "receipt.not_found")

            // Issue #14: one evidence chain. The voucher was made from this committed transaction; the strokes digest
            // recorded at capture is the voucher row's and the one signed into the PDF; the face of the voucher says
            // what it proves (transaction, rules, level, mode, approver).
            let voucher = try #require(issued.json["voucher"] as? String)
            let captured = try await db.with(db.owner) { database in
                try await database.read { tx in
                    try await tx.query(
                        """
                        SELECT encode(s.strokes_sha256, 'hex'), encode(v.strokes_sha256, 'hex'), v.transaction_id
                        FROM vouchers v JOIN counter_transactions c ON c.transaction_id = v.transaction_id
                        JOIN counter_signatures s ON s.session_id = c.session_id AND s.draft_version = c.draft_version
                        WHERE v.id = \(voucher)
                        """
                    ).collect().first!.decode((String, String, String).self)
                }
            }
            #expect(captured.0 == captured.1 && captured.2 == transaction)
            #expect(download.body.range(of: Data(captured.0.utf8)) != nil, "the PDF names the capture's strokes digest")
            // The file carries its own evidence (an associated JSON file): the same digests, the approval, and the
            // audit events of its story with the hashes the trail holds.
            let attached = try await ChildProcess.run("/usr/bin/env", ["qpdf", "--show-attachment=countersign-evidence.json", file.path])
            let evidence = try #require(
                try JSONSerialization.jsonObject(with: Data(attached.output.utf8)) as? [String: Any], "\(attached.output)\(attached.errors)")
            #expect(evidence["transaction"] as? String == transaction && evidence["voucher"] as? String == voucher)
            let customer = try #require(evidence["customer"] as? [String: Any])
            #expect(customer["strokes_sha256"] as? String == captured.0 && customer["confirmed_view_sha256"] as? String == digest)
            // The enrolled screen's statements travel with the file and check out with the public key it carries.
            let statements = try #require(customer["screen"] as? [String: Any])
            #expect(statements["device"] as? Int == Int(screen.device.id) && statements["terminal"] as? String == "T01")
            let screenKey = try P256.Signing.PublicKey(derRepresentation: Data(base64Encoded: statements["public_key"] as? String ?? "") ?? Data())
            #expect(screenKey.rawRepresentation == screen.device.key.publicKey.rawRepresentation)
            for (name, expected) in [("confirmation", #""decision":"confirm""#), ("signature", #""strokes_sha256":"\#(captured.0)""#)] {
                let signed = try #require(statements[name] as? [String: String], "\(name)")
                let text = try #require(signed["statement"])
                let signature = try P256.Signing.ECDSASignature(rawRepresentation: Data(base64Encoded: signed["signature"] ?? "") ?? Data())
                #expect(screenKey.isValidSignature(signature, for: Data(text.utf8)) && text.contains(expected) && text.contains(digest), "\(name)")
            }
            let decisions = try #require(evidence["decisions"] as? [[String: Any]])
            #expect(decisions.map { $0["officer"] as? String } == ["super3"] && decisions.first?["decision"] as? String == "approve")
            let events = try #require(evidence["audit_events"] as? [[String: Any]])
            let committedEvent = try #require(events.first { $0["action"] as? String == "txn.committed" })
            let trailHash = try await db.with(db.owner) { database in
                try await database.read { tx in
                    try await tx.query(
                        "SELECT encode(hash, 'hex') FROM audit_events WHERE action = 'txn.committed' AND subject = \("txn:" + transaction)"
                    ).collect().first!.decode(String.self)
                }
            }
            #expect(committedEvent["hash"] as? String == trailHash)
            let face = try await ChildProcess.run("/usr/bin/env", ["pdftotext", "-layout", file.path, "-"]).output
            for fact in [transaction, AuthzHarness.rules.version, "level 1", "local", "super3", digest] {
                #expect(face.contains(fact), "the voucher's face shows \(fact)")
            }

            // The public check: the receipt holds; one changed byte does not; its number holds; nonsense is refused.
            let genuine = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: download.body)
            #expect(genuine.json["valid"] as? Bool == true && (genuine.json["signatures"] as? [Any])?.count == 3, "\(genuine.code)")
            let screenFinding = (genuine.json["findings"] as? [[String: Any]])?.first { $0["fact"] as? String == "customer_screen_signed" }
            #expect(screenFinding?["established"] as? Bool == true, "\(genuine.json)")
            var tampered = download.body
            tampered[tampered.count / 3] ^= 0x01
            let changed = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: tampered)
            #expect(changed.json["valid"] as? Bool == false || changed.code == "verify.unreadable", "\(changed.code)")
            let byNumber = try await api.call(.post, "/api/v1/verify", token: nil, body: #"{"voucher":"\#(voucher)"}"#)
            #expect(byNumber.json["valid"] as? Bool == true && byNumber.json["voucher"] as? String == voucher)
            #expect(try await api.call(.post, "/api/v1/verify", token: nil, body: #"{"voucher":"V0000000000000000"}"#).code == "verify.no_receipt")
            // Broken uploads of every kind get an answer, never a failure of the service: cut, overwritten, patched.
            var seed: UInt64 = 0x5EED
            func next(_ bound: Int) -> Int {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((seed >> 33) % UInt64(bound))
            }
            for round in 0..<60 {
                var broken = download.body
                switch round % 3 {
                case 0: broken = broken.prefix(next(broken.count))
                case 1: for _ in 0...next(20) { broken[next(broken.count)] = UInt8(next(256)) }
                default:
                    let tail = max(0, broken.count - 2000)
                    for _ in 0...next(10) { broken[tail + next(broken.count - tail)] = Array("0123456789 /<>[]RobjxrefD".utf8)[next(25)] }
                }
                let answer = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: broken)
                #expect(answer.status == .ok || answer.status == .unprocessableContent, "round \(round): \(answer.status) \(answer.code)")
            }
            let junk = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: Data("not a pdf".utf8))
            #expect(junk.status == .unprocessableContent && junk.code == "verify.unreadable")
            // Hostile uploads (issue #13): nesting that once overflowed the stack is refused with a 4xx; signature
            // wrapping (syntax written into the seal's unsigned gap) is not genuine; and the service is still up.
            let regressions = Repository.root.appendingPathComponent("Tests/Fuzz/regressions")
            for name in try FileManager.default.contentsOfDirectory(atPath: regressions.path) {
                let hostile = try Data(contentsOf: regressions.appendingPathComponent(name))
                let answer = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: hostile)
                #expect((400..<500).contains(answer.status.code), "\(name): \(answer.status) \(answer.code)")
            }
            var wrapped = Array(download.body)
            let seal = try #require(try SignedPDF(wrapped).signatures.last)
            let cmsEnd = seal.ranges[0].upperBound + 1 + 2 * (seal.cms.lastIndex(where: { $0 != 0 }).map { $0 + 1 } ?? 0)
            let forged = Array("> /Forged (PAY 9,999,999.00) /Pad <".utf8)
            wrapped.replaceSubrange(cmsEnd + 8..<cmsEnd + 8 + forged.count, with: forged)
            let wrappedAnswer = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: Data(wrapped))
            #expect(wrappedAnswer.status == .ok && wrappedAnswer.json["valid"] as? Bool == false, "\(wrappedAnswer.code)")
            let stillUp = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: download.body)
            #expect(stillUp.json["valid"] as? Bool == true)
            let actions = try await api.auditActions(prefix: "receipt.")
            // Two links were issued (the teller asked twice) for the one voucher.
            #expect(actions == ["receipt.issued", "receipt.issued", "receipt.downloaded"])
            #expect(try await api.auditActions(prefix: "voucher.") == ["voucher.rendered", "voucher.customer_signed"])
            #expect(try await api.auditActions(prefix: "verify.").count >= 3)
            #expect(try await api.auditActions(subject: "txn:\(transaction)") == ["authz.intercepted", "txn.committed"])
            try await api.auditVerifies(chain: "BR001")

            // Issue #14: genuine means issued by this bank. The receipt is; its customer-signed revision alone is
            // not a sealed voucher; after the seal is revoked the receipt still verifies (sealed while active), and
            // would not had the seal been revoked before it was used.
            #expect(genuine.json["issued_by_this_bank"] as? Bool == true && genuine.json["sealed_voucher"] as? Bool == true)
            #expect(genuine.json["transaction"] as? String == transaction)
            let sealedWith = (genuine.json["signatures"] as? [[String: Any]])?.compactMap { $0["seal"] as? String }.last
            #expect(sealedWith == "BR001-CASH-RECEIVED", "a cash withdrawal at BR001 gets the registry's cash seal")
            let customerSigned = try #require(try SignedPDF(Array(download.body)).signatures.first)
            let cut = download.body.prefix(customerSigned.ranges.last!.upperBound)
            let cutAnswer = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: Data(cut))
            #expect(cutAnswer.json["valid"] as? Bool == false && cutAnswer.json["sealed_voucher"] as? Bool == false, "\(cutAnswer.json)")
            #expect((cutAnswer.json["summary"] as? [String: String])?["en"]?.hasPrefix("Not a sealed voucher") == true)
            try await db.with(db.owner) { database in
                try await database.read {
                    try await $0.query(
                        """
                        UPDATE seals SET state = 'revoked', revoked_at = clock_timestamp(), revoked_reason = 'test'
                        WHERE id = (SELECT seal_id FROM vouchers WHERE id = \(voucher))
                        """)
                }
            }
            let afterRevocation = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: download.body)
            #expect(afterRevocation.json["valid"] as? Bool == true, "\(afterRevocation.json)")
            #expect((afterRevocation.json["summary"] as? [String: String])?["en"]?.contains("revoked later") == true)
            try await db.with(db.owner) { database in
                try await database.read {
                    try await $0.query(
                        """
                        UPDATE seals SET revoked_at = (SELECT updated_at - interval '1 hour' FROM vouchers WHERE id = \(voucher))
                        WHERE id = (SELECT seal_id FROM vouchers WHERE id = \(voucher))
                        """)
                }
            }
            let revokedBefore = try await api.send(.post, "/api/v1/verify", contentType: "application/pdf", body: download.body)
            #expect(revokedBefore.json["valid"] as? Bool == false, "\(revokedBefore.json)")
            let findings = try #require(revokedBefore.json["findings"] as? [[String: Any]])
            #expect(findings.first { $0["fact"] as? String == "seal_active_when_used" }?["established"] as? Bool == false)
        }
        // Issue #13: the request log shows every request, and none of the capabilities the flow handed out.
        let text = log.text
        #expect(text.contains("path=/r/…") && text.contains("path=/qr?…"), "the requests were logged")
        for secret in secrets.withLock({ $0 }) { #expect(!text.contains(secret), "the log holds \(secret.prefix(6))…") }
    }

    /// The database itself refuses a receipt for a counter session whose transaction is not committed, whatever
    /// the service's code does.
    @Test func theDatabaseRefusesAReceiptWithoutItsCommittedTransaction() async throws {
        try await Self.run { api, db, port in
            // A small deposit needs no authorization: booked and committed straight away.
            let (screen, teller, session) = try await Self.signed(
                api, port: port, form: "cash-deposit", ["account_name": "张三", "account_number": "6222020200112233445", "amount": "800"])
            defer { screen.close() }
            let booked = try await api.call(.post, "/api/v1/counter/sessions/\(session)/transaction", token: teller, body: "{}")
            #expect(booked.status == .created && booked.json["authorization_required"] as? Bool == false, "\(booked.code)")
            let transaction = try #require(booked.json["transaction"] as? String)

            // The application role writes a receipt row for the uncommitted session itself.
            let refused = try await db.with(db.app) { database in
                try await database.read { tx -> String in
                    do {
                        try await tx.query(
                            """
                            INSERT INTO receipts (token_sha256, voucher_id, session_id, transaction_id, created_at, expires_at)
                            VALUES (sha256('x'::bytea), 'V0000000000000001', \(Int64(session)), \(transaction), now(), now() + interval '1 day')
                            """)
                        return "inserted"
                    } catch let error as StorageError {
                        return "\(error.code.rawValue): \(error.message)"
                    }
                }
            }
            // Refused by the trigger, which runs before the voucher's foreign key is looked at.
            #expect(refused.hasPrefix("storage.constraint_violation") && refused.contains("needs its committed transaction"), "\(refused)")
            #expect(try await api.call(.post, "/api/v1/counter/sessions/\(session)/commit", token: teller).status == .ok)
            let issued = try await api.call(.post, "/api/v1/counter/sessions/\(session)/voucher", token: teller, body: "{}")
            #expect(issued.status == .created, "\(issued.code)")
            let linked = try await db.with(db.owner) { database in
                try await database.read { tx in
                    try await tx.query("SELECT transaction_id FROM receipts").collect().map { try $0.decode(String?.self) }
                }
            }
            #expect(linked == [transaction])
        }
    }

    /// Issue #15: before signing, the customer sees the voucher they are about to sign — the specimen rendered from
    /// exactly the version on their screen; an older version or an unfinished draft gets none.
    @Test func theCustomerSeesTheVoucherTheyAreAboutToSign() async throws {
        try await Self.run { api, _, port in
            let screen = try await ScreenClient.enrolled(api, port: port, terminal: "T01")
            defer { screen.close() }
            let code = try #require(try await screen.next("pairing")["code"] as? String)
            let teller = try await api.login("teller1", terminal: "T01")
            let session = try #require(
                try await api.call(.post, "/api/v1/counter/sessions", token: teller, body: #"{"code":"\#(code)"}"#).json["session"] as? Int)
            var unfinished = CounterSessionTests.complete(amount: "1234.5")
            unfinished["amount"] = nil
            _ = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: CounterSessionTests.draft(unfinished))
            let first = try #require(try await screen.view(version: 1)["digest"] as? String)
            screen.send(#"{"type":"preview","version":1,"digest":"\#(first)"}"#)
            #expect(try await screen.next("error")["code"] as? String == "counter.incomplete")

            let values = CounterSessionTests.complete(amount: "1234.5")
            _ = try await api.call(.put, "/api/v1/counter/sessions/\(session)/draft", token: teller, body: CounterSessionTests.draft(values))
            let digest = try #require(try await screen.view(version: 2)["digest"] as? String)
            screen.send(#"{"type":"preview","version":1,"digest":"\#(first)"}"#)
            #expect(try await screen.next("error", after: 1)["code"] as? String == "counter.stale_confirmation")
            screen.send(#"{"type":"preview","version":2,"digest":"\#(digest)"}"#)
            let preview = try await screen.next("preview")
            #expect(preview["version"] as? Int == 2 && preview["digest"] as? String == digest)
            let encoded = try #require(preview["pdf"] as? String)
            let pdf = try #require(Data(base64Encoded: encoded))
            #expect(pdf.starts(with: Data("%PDF".utf8)))
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("preview-\(UUID().uuidString).pdf")
            try pdf.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let text = try await ChildProcess.run("/usr/bin/env", ["pdftotext", file.path, "-"]).output
            // The values of this version, the words of its amount, and the mark that it is no voucher.
            #expect(text.contains("样张") && text.contains("1,234.50") && text.contains("壹仟贰佰叁拾肆元伍角"), "\(text)")
            // Masked as the view is: the screen faces the queue too.
            #expect(!text.contains("6222020200112233445") && !text.contains("11010519491231002X") && text.contains("3445"), "\(text)")
        }
    }

    /// Issue #15: a customer whose transaction the bank rejected is told, and the counter moves on — the teller ends
    /// the session, the screen says the transaction was not approved and shows the next code. Before the rejection
    /// the booked session could not be cancelled.
    @Test func aRejectedCustomerIsToldAndTheCounterMovesOn() async throws {
        try await Self.run { api, db, port in
            let (screen, teller, session) = try await Self.signed(
                api, port: port, form: "cash-withdrawal", CounterSessionTests.complete(amount: "50000"))
            defer { screen.close() }
            let booked = try await api.call(.post, "/api/v1/counter/sessions/\(session)/transaction", token: teller, body: "{}")
            let transaction = try #require(booked.json["transaction"] as? String, "\(booked.code)")
            #expect(try await api.call(.post, "/api/v1/counter/sessions/\(session)/cancel", token: teller).code == "counter.booked")
            let rejected = try await api.call(
                .post, "/api/v1/transactions/\(transaction)/authorization", token: teller,
                body:
                    #"{"mode":"local","material":[\#(AuthzHarness.idScan),\#(AuthzHarness.voucherImage)],"supervisor":{"user":"super3","password":"\#(WebHarness.password)","decision":"reject","reason":"签名与预留印鉴不符"}}"#
            )
            #expect(rejected.json["state"] as? String == "rejected", "\(rejected.code)")
            #expect(try await api.call(.post, "/api/v1/counter/sessions/\(session)/cancel", token: teller).status == .noContent)
            let ended = try await screen.next("cancelled")
            #expect(ended["session"] as? Int == session && ended["reason"] as? String == "rejected")
            _ = try await screen.next("pairing", after: 1)
            #expect(try await WebHarness.count("SELECT count(*)::int FROM counter_sessions WHERE closed_at IS NOT NULL", in: db) == 1)
        }
    }
}
