import Foundation
import PDFReader
import Storage
import Synchronization
import TestSupport
import Testing
import Vouchers

@testable import Services
@testable import Web

/// Issue #16, part 2: the development PKI publishes revocation data where its certificates point, and revoking a seal
/// shows there — at once in the OCSP answers, and in the issuing CA's CRL once its holder signs the next one. OpenSSL's
/// own `ocsp` and `crl` commands are the independent clients.
@Suite struct PKIPublicationTests {
    static func file(_ name: String) -> String { SealRegistryTests.pki.appendingPathComponent(name).path }

    /// `openssl ocsp` asking the service about a certificate, checking the answer's signature against the development
    /// root: its one-line verdict ("good", "revoked", "unknown") and its full text.
    /// An answer about another CA's certificate cannot verify: this responder speaks for the issuing CA only.
    static func ask(port: Int, about certificate: String, issuer: String = file("issuing-ca.pem"), authorized: Bool = true) async throws -> (
        String, String
    ) {
        let result = try await ChildProcess.run(
            "/usr/bin/openssl",
            [
                "ocsp", "-url", "http://127.0.0.1:\(port)/pki/ocsp", "-issuer", issuer, "-cert", certificate, "-CAfile", file("root-ca.pem"),
                "-verify_other", file("issuing-ca.pem"), "-resp_text",
            ], timeout: .seconds(60))
        let verdict = result.output.split(separator: "\n").first { $0.hasPrefix(certificate + ": ") }.map {
            String($0.dropFirst(certificate.count + 2))
        }
        #expect(result.errors.contains("Response verify OK") == authorized, "\(result.errors)")
        return (verdict ?? "no verdict: \(result.output)\(result.errors)", result.output)
    }

    @Test func revokingASealShowsInTheOCSPAnswerAtOnceAndInTheNextCRL() async throws {
        try await WebHarness.withService(vouchers: true, pki: true) { client, db in
            let port = try #require(client.port)
            #expect(try await Self.ask(port: port, about: Self.file("seal-rsa.pem")).0 == "good")
            #expect(try await Self.ask(port: port, about: Self.file("witness.pem")).0 == "good")
            // Another CA's certificate: this responder does not know it.
            #expect(try await Self.ask(port: port, about: Self.file("tsa.pem"), issuer: Self.file("tsa-root.pem"), authorized: false).0 == "unknown")

            let seal = try await db.with(db.app) { database in
                _ = try await database.transaction { try await SealStore.revoke("BR001-BUSINESS", reason: "key lost", actor: "admin", in: $0) }
                return try #require(try await database.read { try await SealStore.find("BR001-BUSINESS", in: $0) })
            }
            let (verdict, text) = try await Self.ask(port: port, about: Self.file("seal-rsa.pem"))
            #expect(verdict == "revoked", "\(text)")
            #expect(text.contains("Revocation Time"))
            #expect(try await Self.ask(port: port, about: Self.file("seal-ec.pem")).0 == "good")
            #expect(
                seal.certificateSerial
                    == (try Signer.pkcs12(Data(contentsOf: URL(fileURLWithPath: Self.file("seal-rsa.p12"))), password: DevelopmentPKI.password))
                    .serial)

            // The CRL: its holder signs a new one from the registry; the service serves what was published.
            let folder = try Self.copyOfPKI()
            defer { try? FileManager.default.removeItem(at: folder) }
            let publication = PKIPublication(
                responder: try PKIPublication.development(
                    folder: folder, password: DevelopmentPKI.password, database: Database(settings: db.app, logger: TestDatabase.logger)
                ).responder,
                folder: folder, database: Database(settings: db.app, logger: TestDatabase.logger))
            let before = try #require(publication.revocationList(named: "issuing-ca.crl"))
            try await db.with(db.app) { database in
                let revoked = try await PKIPublication.publishRevocationLists(folder: folder, database: database)
                #expect(revoked.map(\.serial) == [try #require(seal.certificateSerial)])
            }
            let after = try #require(publication.revocationList(named: "issuing-ca.crl"))
            #expect(before != after)
            let listed = try await Self.crlText(after, folder: folder)
            #expect(listed.contains("Serial Number: \(try #require(seal.certificateSerial))"), "\(listed)")
            #expect(!(try await Self.crlText(before, folder: folder)).contains("Serial Number"))
            // OpenSSL's own chain check with CRLs now refuses the revoked seal and accepts the other.
            for (stem, expected) in [("seal-rsa", false), ("seal-ec", true)] {
                let checked = try await ChildProcess.run(
                    "/bin/sh",
                    [
                        "-c",
                        "cd \(folder.path) && openssl crl -inform DER -in issuing-ca.crl -out i.crl.pem && openssl crl -inform DER -in root-ca.crl -out r.crl.pem && openssl verify -crl_check_all -CRLfile i.crl.pem -CRLfile r.crl.pem -CAfile root-ca.pem -untrusted issuing-ca.pem \(stem).pem",
                    ], timeout: .seconds(60))
                #expect((checked.status == 0) == expected, "\(stem): \(checked.output)\(checked.errors)")
                if !expected { #expect(checked.output.contains("certificate revoked") || checked.errors.contains("certificate revoked")) }
            }
        }
    }

    @Test func theServedCRLsAreTheCAsOwn() async throws {
        try await WebHarness.withService(vouchers: true, pki: true) { client, db in
            let api = TestAPI(client: client, db: db)
            for name in DevelopmentPKI.revocationLists {
                let response = try await api.call(.get, "/pki/crl/\(name)", token: nil)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/pkix-crl")
                let ca = name.replacingOccurrences(of: ".crl", with: ".pem")
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crl-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: folder) }
                try response.body.write(to: folder.appendingPathComponent("list.crl"))
                let checked = try await ChildProcess.run(
                    "/usr/bin/openssl",
                    ["crl", "-inform", "DER", "-in", folder.appendingPathComponent("list.crl").path, "-CAfile", Self.file(ca), "-noout"],
                    timeout: .seconds(60))
                #expect(checked.errors.contains("verify OK"), "\(name): \(checked.errors)")
            }
            for path in ["/pki/crl/issuing-ca.key", "/pki/crl/..%2Fissuing-ca.key", "/pki/crl/ocsp.p12", "/pki/crl/nothing.crl"] {
                let response = try await api.call(.get, path, token: nil)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.code == "pki.no_such_crl", "\(path)")
            }
        }
    }

    @Test func hostileOCSPRequestsGetTheProtocolsRefusalAndTheServiceStaysUp() async throws {
        try await WebHarness.withService(vouchers: true, pki: true) { client, db in
            let api = TestAPI(client: client, db: db)
            let wrongType = try await api.send(.post, "/pki/ocsp", contentType: "application/json", body: Data("{}".utf8))
            #expect(wrongType.status == .unsupportedMediaType && wrongType.code == "pki.bad_request")
            let huge = try await api.send(.post, "/pki/ocsp", contentType: "application/ocsp-request", body: Data(count: 100_000))
            #expect(huge.status == .contentTooLarge)
            let notBase64 = try await api.call(.get, "/pki/ocsp/not*base64", token: nil)
            #expect(notBase64.status == .badRequest && notBase64.code == "pki.bad_request")
            // Bytes that are not a request, a request with trailing bytes, an empty body: "malformedRequest" (status 1).
            let request = try await Self.openSSLRequest()
            for body in [Data("not a request".utf8), request + Data([0]), Data(), Data(request.prefix(request.count / 2))] {
                let answer = try await api.send(.post, "/pki/ocsp", contentType: "application/ocsp-request", body: body)
                #expect(answer.status == .ok)
                #expect(Array(answer.body) == [0x30, 0x03, 0x0A, 0x01, 0x01], "\(Array(answer.body))")
            }
            // The same request base64-encoded in a GET (RFC 6960 A.1) gets a real answer.
            let encoded = request.base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let viaGet = try await api.call(.get, "/pki/ocsp/\(encoded)", token: nil)
            #expect(viaGet.status == .ok && viaGet.headers[.contentType] == "application/ocsp-response")
            #expect(viaGet.body.count > 500)
            #expect(try await api.call(.get, "/health", token: nil).status == .ok)
        }
        // An instance that publishes nothing (production) says so.
        try await WebHarness.withService(vouchers: true) { client, db in
            let api = TestAPI(client: client, db: db)
            let answer = try await api.send(.post, "/pki/ocsp", contentType: "application/ocsp-request", body: try await Self.openSSLRequest())
            #expect(answer.status == .notFound && answer.code == "pki.not_here")
            #expect(try await api.call(.get, "/pki/crl/issuing-ca.crl", token: nil).code == "pki.not_here")
        }
    }

    @Test func onlyRevokingASealRecordsARevocationAndARevokedSealKeepsItsCertificate() async throws {
        let db = try await SealRegistryTests.prepared()
        try await db.with(db.app) { database in
            let error = await #expect(throws: StorageError.self) {
                try await database.transaction {
                    try await $0.execute(
                        sql: "INSERT INTO certificate_revocations VALUES ('CN=x', 'ABCD', now(), 'BR001-BUSINESS')")
                }
            }
            #expect(error?.message.contains("permission denied") == true, "\(String(describing: error))")
            _ = try await database.transaction { try await SealStore.revoke("BR001-CASH-RECEIVED", reason: "retired", actor: "admin", in: $0) }
            let seal = try #require(try await database.read { try await SealStore.find("BR001-CASH-RECEIVED", in: $0) })
            let revocations = try await database.read { try await SealStore.revocations(issuer: try #require(seal.certificateIssuer), in: $0) }
            #expect(revocations.map(\.serial) == [seal.certificateSerial])
        }
        try await db.with(db.owner) { database in
            for sql in [
                "UPDATE seals SET certificate_serial = 'ABCDEF' WHERE id = 'BR001-CASH-RECEIVED'",
                "DELETE FROM certificate_revocations", "UPDATE certificate_revocations SET revoked_at = now() - interval '1 year'",
            ] {
                await #expect(throws: StorageError.self, "\(sql)") { try await database.transaction { try await $0.execute(sql: sql) } }
            }
        }
    }

    /// The development responder, asked in process, its answers checked against the development root.
    static func check(_ database: Database, roots: String = "root-ca.pem") throws -> RevocationCheck {
        RevocationCheck(
            authority: try PKIPublication.development(folder: SealRegistryTests.pki, password: DevelopmentPKI.password, database: database),
            trustedRootsPEM: try String(contentsOfFile: file(roots), encoding: .utf8))
    }

    /// A second seal registered on the business seal's certificate: when the CA revokes that certificate (here by
    /// revoking the first seal), the second — still active in the registry — stamps nothing either, because every
    /// use asks the CA first. The other seal stamps, and its use records the answer it was based on.
    @Test func aCertificateItsCARevokedStampsNothingWhateverTheRegistrySays() async throws {
        let db = try await SealRegistryTests.prepared()
        let business = try #require(
            try await db.with(db.app) { database in try await database.read { try await SealStore.find("BR001-BUSINESS", in: $0) } })
        try await db.with(db.owner) { database in
            try await database.transaction { tx in
                try await SealStore.register(
                    SealRecord(
                        id: "BR001-SPARE", nameZH: "备用章", nameEN: "Spare Seal", branch: "BR001", algorithm: business.algorithm,
                        certificateSubject: business.certificateSubject, keyFile: business.keyFile, validFrom: business.validFrom,
                        validUntil: business.validUntil, forms: ["none"], certificateIssuer: business.certificateIssuer,
                        certificateSerial: business.certificateSerial), actor: "test", in: tx)
            }
        }
        let input = try SealRegistryTests.voucher()
        try await db.with(db.app) { database in
            let use = SealUse(database: database, password: DevelopmentPKI.password, revocation: try Self.check(database))
            _ = try await use.stamp(input, sealID: "BR001-SPARE", actor: "teller1", terminal: "T01", subject: "voucher:V1")
            _ = try await database.transaction { try await SealStore.revoke("BR001-BUSINESS", reason: "key lost", actor: "admin", in: $0) }
            let refused = await #expect(throws: VoucherError.self) {
                try await use.stamp(input, sealID: "BR001-SPARE", actor: "teller1", terminal: "T01", subject: "voucher:V2")
            }
            #expect(refused?.code == .certificateRevoked, "\(String(describing: refused))")
            _ = try await use.stamp(input, sealID: "BR001-CASH-RECEIVED", actor: "teller1", terminal: "T01", subject: "voucher:V3")
        }
        #expect(try await SealRegistryTests.sealUses(db) == 2)
        #expect(try await WebHarness.count("SELECT count(*)::int FROM audit_events WHERE subject = 'voucher:V2'", in: db) == 0)
        #expect(
            try await WebHarness.count(
                "SELECT count(*)::int FROM audit_events WHERE action = 'seal.used' AND length(payload::jsonb->>'ocsp_sha256') = 64", in: db) == 2)
    }

    /// No answer to rely on — the responder down, or its answer not chaining to the trusted roots — and no seal is
    /// made: 503 `ocsp.unavailable`, nothing recorded; asked again with a responder that answers, it stamps.
    @Test func withoutAnAnswerToRelyOnNothingIsSealed() async throws {
        let db = try await SealRegistryTests.prepared()
        let input = try SealRegistryTests.voucher()
        struct Down: RevocationAuthority {
            func answer(_ request: [UInt8]) async throws -> [UInt8] { throw CancellationError() }
            func revocationLists() async throws -> [[UInt8]] { [] }
        }
        struct Garbage: RevocationAuthority {
            func answer(_ request: [UInt8]) async throws -> [UInt8] { Array("<html>busy</html>".utf8) }
            func revocationLists() async throws -> [[UInt8]] { [] }
        }
        try await db.with(db.app) { database in
            let roots = try String(contentsOfFile: Self.file("root-ca.pem"), encoding: .utf8)
            for check in [
                RevocationCheck(authority: Down(), trustedRootsPEM: roots), RevocationCheck(authority: Garbage(), trustedRootsPEM: roots),
                try Self.check(database, roots: "tsa-root.pem"),
            ] {
                let use = SealUse(database: database, password: DevelopmentPKI.password, revocation: check)
                let error = await #expect(throws: VoucherError.self) {
                    try await use.stamp(input, sealID: "BR001-CASH-RECEIVED", actor: "teller1", terminal: "T01", subject: "voucher:V1")
                }
                #expect(error?.code == .revocationUnavailable, "\(String(describing: error))")
                #expect(AppError.from(try #require(error)).status == .serviceUnavailable)
            }
            #expect(try await SealRegistryTests.sealUses(db) == 0)
            _ = try await SealUse(database: database, password: DevelopmentPKI.password, revocation: try Self.check(database))
                .stamp(input, sealID: "BR001-CASH-RECEIVED", actor: "teller1", terminal: "T01", subject: "voucher:V1")
        }
        #expect(try await SealRegistryTests.sealUses(db) == 1)
    }

    /// The CA answers the check before signing and then stops answering, before the answers for the voucher's
    /// long-term evidence: nothing is sealed or recorded either (a voucher is B-LTA or not made), 503.
    @Test func aResponderThatStopsAnsweringAfterTheSealStopsIt() async throws {
        let db = try await SealRegistryTests.prepared()
        let input = try SealRegistryTests.voucher()
        final class AnswersOnce: RevocationAuthority {
            let inner: PKIPublication
            let left = Mutex(1)
            init(_ inner: PKIPublication) { self.inner = inner }
            struct Down: Error {}
            func answer(_ request: [UInt8]) async throws -> [UInt8] {
                guard
                    left.withLock({ left in
                        defer { left -= 1 }; return left > 0
                    })
                else { throw Down() }
                return try await inner.answer(request)
            }
            func revocationLists() async throws -> [[UInt8]] { try await inner.revocationLists() }
        }
        let stamper = try TimeStamping.development(folder: SealRegistryTests.pki, password: DevelopmentPKI.password).stamper
        try await db.with(db.app) { database in
            let check = try Self.check(database)
            let once = RevocationCheck(authority: AnswersOnce(check.authority as! PKIPublication), trustedRootsPEM: check.trustedRootsPEM)
            let use = SealUse(database: database, password: DevelopmentPKI.password, timeStamper: stamper, revocation: once)
            let error = await #expect(throws: VoucherError.self) {
                try await use.stamp(input, sealID: "BR001-CASH-RECEIVED", actor: "teller1", terminal: "T01", subject: "voucher:V1")
            }
            #expect(error?.code == .revocationUnavailable, "\(String(describing: error))")
            #expect(try await SealRegistryTests.sealUses(db) == 0)
            let sealed = try await SealUse(database: database, password: DevelopmentPKI.password, timeStamper: stamper, revocation: check)
                .stamp(input, sealID: "BR001-CASH-RECEIVED", actor: "teller1", terminal: "T01", subject: "voucher:V1")
            #expect(try SignedPDF(sealed).signatures.last?.field == "ArchiveTimeStamp1")
        }
        #expect(try await SealRegistryTests.sealUses(db) == 1)
    }

    /// The bank CA's responder over HTTP, as production configures it (`COUNTERSIGN_OCSP_URL`): here the service's
    /// own `/pki/ocsp`.
    @Test func theResponderIsAskedOverHTTPAsABankCAWouldBe() async throws {
        try await WebHarness.withService(vouchers: true, pki: true) { client, db in
            let check = RevocationCheck(
                authority: HTTPRevocationAuthority(url: URL(string: "http://127.0.0.1:\(try #require(client.port))/pki/ocsp")!),
                trustedRootsPEM: try String(contentsOfFile: Self.file("root-ca.pem"), encoding: .utf8))
            let witness = try Signer.pkcs12(Data(contentsOf: URL(fileURLWithPath: Self.file("witness.p12"))), password: DevelopmentPKI.password)
            #expect(try await check.status(of: witness, at: Date()).status == .good)
            // An answer from a week ago is not current.
            let stale = await #expect(throws: VoucherError.self) { try await check.status(of: witness, at: Date().addingTimeInterval(7 * 86_400)) }
            #expect(stale?.code == .revocationUnavailable)
            let nobody = RevocationCheck(
                authority: HTTPRevocationAuthority(url: URL(string: "http://127.0.0.1:9/pki/ocsp")!, timeout: 5),
                trustedRootsPEM: check.trustedRootsPEM)
            #expect(await (try? nobody.status(of: witness, at: Date())) == nil)
        }
    }

    static func copyOfPKI() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pki-copy-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: SealRegistryTests.pki, to: folder)
        return folder
    }

    static func crlText(_ der: [UInt8], folder: URL) async throws -> String {
        let file = folder.appendingPathComponent("probe-\(UUID().uuidString).crl")
        try Data(der).write(to: file)
        return try await ChildProcess.run("/usr/bin/openssl", ["crl", "-inform", "DER", "-in", file.path, "-noout", "-text"], timeout: .seconds(60))
            .output
    }

    /// A request as OpenSSL makes it (with a nonce), for the seal-rsa certificate.
    static func openSSLRequest() async throws -> Data {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ocsp-\(UUID().uuidString).der")
        defer { try? FileManager.default.removeItem(at: file) }
        let made = try await ChildProcess.run(
            "/usr/bin/openssl", ["ocsp", "-issuer", Self.file("issuing-ca.pem"), "-cert", Self.file("seal-rsa.pem"), "-reqout", file.path],
            timeout: .seconds(60))
        #expect(made.status == 0, "\(made.errors)")
        return try Data(contentsOf: file)
    }
}
