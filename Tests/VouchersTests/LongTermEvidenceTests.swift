import Foundation
import PDFReader
import Testing
import Vouchers

/// Issue #16, part 3: PAdES B-LT and B-LTA written by our own incremental writer — a DSS with every certificate, OCSP
/// answer and CRL the signatures need, then a document time-stamp — validated by pyHanko's AdES validation with
/// revocation checking (no network: everything it needs must be inside the file), today and ten years ahead, when
/// every signing certificate has expired.
@Suite(.serialized) struct LongTermEvidenceTests {
    /// A development PKI whose certificates point at an address where nothing answers: a validator has only what
    /// the file holds.
    static let pki: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cs-ltv-\(UUID().uuidString)")
        do { try DevelopmentPKI.create(in: folder, baseURL: "http://127.0.0.1:9") } catch { fatalError("\(error)") }
        return folder
    }()

    static func file(_ name: String) -> URL { pki.appendingPathComponent(name) }
    static func text(_ name: String) throws -> String { try String(contentsOf: file(name), encoding: .utf8) }
    static func signer(_ name: String) throws -> Signer { try Signer.pkcs12(Data(contentsOf: file(name)), password: DevelopmentPKI.password) }

    struct InProcess: RevocationAuthority {
        let responder: OCSPResponder
        var revoked: [RevokedCertificate] = []
        func answer(_ request: [UInt8]) async throws -> [UInt8] { try responder.respond(to: request, revoked: revoked) }
        func revocationLists() async throws -> [[UInt8]] { [] }
    }

    /// Made once for the suite (its tests run one after another): pyHanko's validations are the heavy part, and
    /// the whole suite shares two cores.
    static let made = Task { try await voucher() }

    /// A customer-signed, sealed voucher (both B-T), its B-LT and B-LTA versions.
    static func voucher() async throws -> (bt: [UInt8], lt: [UInt8], lta: [UInt8]) {
        let stamper = TimeStamper(authority: LocalTimeStampAuthority(signer: try signer("tsa.p12")), trustedRootsPEM: try text("tsa-root.pem"))
        let witness = try signer("witness.p12")
        let seal = try signer("seal-rsa.p12")
        let signed = try await CustomerSignature.sign(
            try PAdESSigningTests.voucher(), strokes: PAdESSigningTests.strokes, with: witness, at: Date(), timeStamper: stamper)
        let sealed = try await BankSeal.stamp(signed, with: seal, name: "业务专用章", sealID: "BR001-BUSINESS", at: Date(), timeStamper: stamper)
        let check = RevocationCheck(
            authority: InProcess(responder: OCSPResponder(signer: try signer("ocsp.p12"), issuerPEM: try text("issuing-ca.pem"))),
            trustedRootsPEM: try text("root-ca.pem"))
        let answers = [try await check.requireGood(witness, at: Date()), try await check.requireGood(seal, at: Date())]
        let data = try ValidationData.collect(
            from: sealed, anchorsPEM: [try text("root-ca.pem"), try text("tsa-root.pem")], ocspResponses: answers,
            crls: [Array(try Data(contentsOf: file("root-ca.crl"))), Array(try Data(contentsOf: file("tsa-root.crl")))])
        let lt = try LongTermEvidence.addingDSS(sealed, data: data)
        let lta = try await LongTermEvidence.addingDocumentTimeStamp(lt, fieldName: "ArchiveTimeStamp1", timeStamper: stamper)
        return (sealed, lt, lta)
    }

    /// `pyhanko sign adesverify` with revocation checking: each signature's verdict.
    static func adesVerdicts(_ pdf: [UInt8], at time: String? = nil) async throws -> [String] {
        let path = try Oracles.write(pdf, "ltv")
        let result = try await Oracles.run(
            "pyhanko",
            ["sign", "adesverify", "--executive-summary"] + (time.map { ["--validation-time", $0] } ?? [])
                + ["--trust", file("root-ca.pem").path, "--trust", file("tsa-root.pem").path, "--trust-replace", path])
        return result.output.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ":")
            return parts.count == 3 && ["CustomerSignature", "BankSeal"].contains(String(parts[0])) ? "\(parts[0]):\(parts[2])" : nil
        }
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// The level of each signature as made of what pyHanko's parser reads: a signature time-stamp that holds (B-T),
    /// revocation data in the DSS (B-LT), a document time-stamp that holds over a revision after it with that DSS
    /// (B-LTA). A document time-stamp is "DocTimeStamp".
    static func pyHankoLevels(_ pdf: [UInt8]) async throws -> [String] {
        let path = try Oracles.write(pdf, "levels")
        let script = Oracles.repository.appendingPathComponent("Tests/oracles/pyhanko_validate.py").path
        let result = try await Oracles.run("python3", [script, path, file("root-ca.pem").path, file("tsa-root.pem").path])
        let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        func number(_ line: [String: Any], _ key: String) -> Int { line[key] as? Int ?? 0 }
        let stamps = lines.filter { $0["kind"] as? String == "document time-stamp" && $0["valid"] as? Bool == true }
        return lines.map { line in
            if line["kind"] != nil { return "DocTimeStamp" }
            guard (line["timestamp"] as? [String: Any])?["valid"] as? Bool == true else { return "B-B" }
            guard number(line, "dss_revocation") > 0 else { return "B-T" }
            let archived = stamps.contains { number($0, "revision") > number(line, "revision") && number($0, "dss_revocation") > 0 }
            return archived ? "B-LTA" : "B-LT"
        }
    }
    static var tenYearsAhead: String { iso(Date().addingTimeInterval(10 * 365.25 * 86_400)) }

    @Test func aBLTAVoucherIsValidInPyHankoTodayAndTenYearsAhead() async throws {
        let (bt, lt, lta) = try await Self.made.value
        #expect(lt.starts(with: bt) && lta.starts(with: lt), "incremental updates: earlier bytes untouched")
        // As of now, offline: without a validation time pyHanko prefers to fetch fresh answers (and finds no responder).
        #expect(try await Self.adesVerdicts(lta, at: Self.iso(Date().addingTimeInterval(60))) == ["CustomerSignature:VALID", "BankSeal:VALID"])
        #expect(try await Self.adesVerdicts(lta, at: Self.tenYearsAhead) == ["CustomerSignature:VALID", "BankSeal:VALID"])
        // Without the DSS and the document time-stamp, the same voucher ten years ahead is not: its issuing CA's
        // revocation data is not in the file, and the seal certificate has long expired.
        #expect(try await Self.adesVerdicts(bt, at: Self.tenYearsAhead) == ["CustomerSignature:INVALID", "BankSeal:INVALID"])
        let qpdf = try await Oracles.run("qpdf", ["--check", try Oracles.write(lta, "ltv-qpdf")])
        #expect(qpdf.status == 0, "\(qpdf.output)")
    }

    @Test func theDSSHoldsEveryChainAndAnswerOnceAndASecondDSSKeepsTheFirst() async throws {
        let (_, lt, _) = try await Self.made.value
        let catalog = try SignedPDF(lt).structure
        let root = try catalog.dictionary(catalog.root)
        let dss = try catalog.dictionary(try #require(root["DSS"].flatMap(PDFReference.init)))
        func count(_ key: String) throws -> Int { try PDFScanner.references(inArray: try #require(dss[key])).count }
        // Root, issuing CA, witness, seal, TSA root, TSA, OCSP responder; two answers; two CRLs.
        #expect(try count("Certs") == 7)
        #expect(try count("OCSPs") == 2)
        #expect(try count("CRLs") == 2)
        let again = try LongTermEvidence.addingDSS(lt, data: ValidationData(crls: [Array(try Data(contentsOf: Self.file("issuing-ca.crl")))]))
        let structure = try SignedPDF(again).structure
        let second = try structure.dictionary(try #require(try structure.dictionary(structure.root)["DSS"].flatMap(PDFReference.init)))
        #expect(try PDFScanner.references(inArray: try #require(second["CRLs"])).count == 3)
        #expect(try PDFScanner.references(inArray: try #require(second["Certs"])).count == 7)
    }

    /// Our verifier and pyHanko agree on the level (pyHanko: `TimestampTokens`, the DSS and document time-stamps it
    /// sees); a document time-stamp over other bytes holds nothing up.
    @Test func ourVerifierReportsTheLevelsAndADocumentTimeStampOverOtherBytesFails() async throws {
        let (bt, lt, lta) = try await Self.made.value
        func levels(_ pdf: [UInt8]) throws -> [String] {
            try PAdESVerifier.verify(pdf, trustedRootsPEM: try Self.text("root-ca.pem"), timeStampRootsPEM: try Self.text("tsa-root.pem")).map(
                \.level)
        }
        let bb = try BankSeal.stamp(
            try CustomerSignature.sign(
                try PAdESSigningTests.voucher(), strokes: PAdESSigningTests.strokes, with: try Self.signer("witness.p12"), at: Date()),
            with: try Self.signer("seal-rsa.p12"), name: "业务专用章", at: Date())
        #expect(try levels(bb) == ["B-B", "B-B"])
        #expect(try levels(bt) == ["B-T", "B-T"])
        #expect(try levels(lt) == ["B-LT", "B-LT"])
        #expect(try levels(lta) == ["B-LTA", "B-LTA", "DocTimeStamp"])
        for pdf in [bb, bt, lt, lta] {
            let theirs = try await Self.pyHankoLevels(pdf)
            #expect(theirs == (try levels(pdf)), "pyHanko reads the same levels")
        }
        let reports = try PAdESVerifier.verify(lta, trustedRootsPEM: try Self.text("root-ca.pem"), timeStampRootsPEM: try Self.text("tsa-root.pem"))
        #expect(reports.allSatisfy { $0.isValid }, "\(reports)")
        #expect(abs(try #require(reports[2].provenTime).timeIntervalSinceNow) < 300)
        // Ten years ahead every signing certificate has expired and the file still holds; 21 years ahead the TSA's
        // certificate (20 years) has expired too, and without a renewal nothing proves the signatures' time.
        let tenYears = try PAdESVerifier.verify(
            lta, trustedRootsPEM: try Self.text("root-ca.pem"), timeStampRootsPEM: try Self.text("tsa-root.pem"),
            at: Date().addingTimeInterval(10 * 365.25 * 86_400))
        #expect(tenYears.allSatisfy { $0.isValid } && tenYears.map(\.level) == ["B-LTA", "B-LTA", "DocTimeStamp"], "\(tenYears)")
        let unrenewed = try PAdESVerifier.verify(
            lta, trustedRootsPEM: try Self.text("root-ca.pem"), timeStampRootsPEM: try Self.text("tsa-root.pem"),
            at: Date().addingTimeInterval(21 * 365.25 * 86_400))
        #expect(unrenewed.map(\.isValid) == [false, false, false], "\(unrenewed)")
        // Without the time-stamping roots nothing proves a time: no long-term level, and the document time-stamp is
        // intact but not trusted.
        let untrusted = try PAdESVerifier.verify(lta, trustedRootsPEM: try Self.text("root-ca.pem"))
        #expect(untrusted.map(\.level) == ["B-B", "B-B", "DocTimeStamp"])
        #expect(untrusted[2].intact && !untrusted[2].chainTrusted)
        // One byte of the DSS revision changed (inside a CRL, which no signature covers but the time-stamp does).
        var changed = lta
        let marker = Array("/Type /DSS".utf8)
        let dss = try #require((0..<(changed.count - marker.count)).first { Array(changed[$0..<$0 + marker.count]) == marker })
        changed[dss - 40] ^= 0x01
        let tampered = try PAdESVerifier.verify(
            changed, trustedRootsPEM: try Self.text("root-ca.pem"), timeStampRootsPEM: try Self.text("tsa-root.pem"))
        #expect(!tampered[2].isValid && tampered[2].problem?.contains("not over this file") == true, "\(tampered[2])")
        #expect(tampered.prefix(2).allSatisfy { $0.level != "B-LTA" })
    }

    /// Part 4: the file's own revocation data, judged at the time the seal's time-stamp proves. The voucher is
    /// time-stamped half an hour ago; the CA's answer in the DSS (asked now) says the seal certificate was revoked ten
    /// minutes before that (invalid, by us and by pyHanko) or ten minutes after it, as when a seal is withdrawn later
    /// (still valid).
    @Test func aSealRevokedBeforeItsTimeStampIsInvalidAndOneRevokedAfterStaysValid() async throws {
        let sealedAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 1_800).rounded(.down))
        let roots = try Self.text("root-ca.pem")
        let tsaRoots = try Self.text("tsa-root.pem")
        let tsa = try Self.signer("tsa.p12")
        let past = TimeStamper(authority: LocalTimeStampAuthority(signer: tsa, clock: { sealedAt }), trustedRootsPEM: tsaRoots)
        let seal = try Self.signer("seal-rsa.p12")
        let signed = try await CustomerSignature.sign(
            try PAdESSigningTests.voucher(), strokes: PAdESSigningTests.strokes, with: try Self.signer("witness.p12"), at: sealedAt,
            timeStamper: past)
        let sealed = try await BankSeal.stamp(signed, with: seal, name: "业务专用章", sealID: "BR001-BUSINESS", at: sealedAt, timeStamper: past)
        func archived(sealRevokedAt revocation: Date) async throws -> [UInt8] {
            let responder = OCSPResponder(signer: try Self.signer("ocsp.p12"), issuerPEM: try Self.text("issuing-ca.pem"))
            let check = RevocationCheck(
                authority: InProcess(responder: responder, revoked: [RevokedCertificate(serial: seal.serial, revokedAt: revocation)]),
                trustedRootsPEM: roots)
            var answers: [[UInt8]] = []
            for signature in try SignedPDF(sealed).signatures {
                answers.append(try await check.status(ofSignature: signature.cms, at: Date()).response)
            }
            let data = try ValidationData.collect(
                from: sealed, anchorsPEM: [roots, tsaRoots], ocspResponses: answers,
                crls: [Array(try Data(contentsOf: Self.file("root-ca.crl"))), Array(try Data(contentsOf: Self.file("tsa-root.crl")))])
            let now = TimeStamper(authority: LocalTimeStampAuthority(signer: tsa), trustedRootsPEM: tsaRoots)
            return try await LongTermEvidence.addingDocumentTimeStamp(
                try LongTermEvidence.addingDSS(sealed, data: data), fieldName: "ArchiveTimeStamp1", timeStamper: now)
        }
        func verify(_ pdf: [UInt8]) throws -> [SignatureReport] { try PAdESVerifier.verify(pdf, trustedRootsPEM: roots, timeStampRootsPEM: tsaRoots) }
        #expect(try verify(sealed).map(\.provenTime) == [sealedAt, sealedAt])

        let before = try await archived(sealRevokedAt: sealedAt.addingTimeInterval(-600))
        let refused = try verify(before)
        #expect(refused[0].isValid && refused[0].level == "B-LTA", "the customer's certificate was not revoked: \(refused[0])")
        #expect(!refused[1].isValid && refused[1].revokedAt == sealedAt.addingTimeInterval(-600), "\(refused[1])")
        #expect(refused[1].problem?.contains("was revoked at") == true, "\(refused[1])")
        let pyHankoBefore = try await Self.adesVerdicts(before, at: Self.tenYearsAhead)
        #expect(pyHankoBefore == ["CustomerSignature:VALID", "BankSeal:INVALID"])

        let after = try await archived(sealRevokedAt: sealedAt.addingTimeInterval(600))
        let kept = try verify(after)
        #expect(kept.map(\.isValid) == [true, true, true], "\(kept)")
        #expect(kept.map(\.level) == ["B-LTA", "B-LTA", "DocTimeStamp"])
        // pyHanko agrees while the seal certificate is in date. Once it has expired, pyHanko 0.38's past validation
        // slides its control time to the revocation time and then counts a revocation at that very time as before
        // it (`revocation_dt <= control_time`), so it says INVALID ten years ahead, where ETSI EN 319 102-1's
        // time-stamp before the revocation makes it valid (docs/architecture/vouchers.md); ours says valid at any time.
        let pyHankoAfter = try await Self.adesVerdicts(after, at: Self.iso(Date().addingTimeInterval(60)))
        #expect(pyHankoAfter == ["CustomerSignature:VALID", "BankSeal:VALID"])

        // The same from a CRL alone: the issuing CA's CRL lists the seal certificate as revoked before the seal
        // (invalid), lists it as revoked after the seal or lists nothing (good: B-LT).
        let issuing = try Signer.pem(key: try Self.text("issuing-ca.key"), certificates: try Self.text("issuing-ca.pem"))
        let chainCRLs = [Array(try Data(contentsOf: Self.file("root-ca.crl"))), Array(try Data(contentsOf: Self.file("tsa-root.crl")))]
        func withCRL(_ revoked: [RevokedCertificate]) throws -> [SignatureReport] {
            let crl = try RevocationList.make(
                signedBy: issuing, revoked: revoked, thisUpdate: Date(), nextUpdate: Date().addingTimeInterval(7 * 86_400), number: 7)
            let data = try ValidationData.collect(from: sealed, anchorsPEM: [roots, tsaRoots], ocspResponses: [], crls: [crl] + chainCRLs)
            return try verify(try LongTermEvidence.addingDSS(sealed, data: data))
        }
        let listed = try withCRL([RevokedCertificate(serial: seal.serial, revokedAt: sealedAt.addingTimeInterval(-600))])
        #expect(listed[0].isValid && listed[0].level == "B-LT", "\(listed[0])")
        #expect(!listed[1].isValid && listed[1].revokedAt == sealedAt.addingTimeInterval(-600), "\(listed[1])")
        #expect(try withCRL([]).map(\.level) == ["B-LT", "B-LT"])
        #expect(try withCRL([RevokedCertificate(serial: seal.serial, revokedAt: sealedAt.addingTimeInterval(600))]).map(\.isValid) == [true, true])

        // Revocation data that speaks of another CA proves nothing: the level stays B-T.
        let foreign = try LongTermEvidence.addingDSS(sealed, data: ValidationData(crls: [Array(try Data(contentsOf: Self.file("tsa-root.crl")))]))
        #expect(try verify(foreign).map(\.level) == ["B-T", "B-T"])
    }
}
