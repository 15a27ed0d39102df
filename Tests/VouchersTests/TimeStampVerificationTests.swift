import Foundation
import Testing
import Vouchers

/// Issue #16, part 4 (without revocation yet): the own verifier judges each signature at the time its time-stamp
/// proves, reports the level it reaches, and agrees with pyHanko on it.
@Suite struct TimeStampVerificationTests {
    static let pki = TestPKI.shared
    static let june2024 = ISO8601DateFormatter().date(from: "2024-06-01T08:00:00Z")!

    static func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func theLevelIsReportedAndPyHankoAgrees() async throws {
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 5)
        let stamper = try TimeStampTests.stamper(try TimeStampTests.tsa { now })
        let voucher = try PAdESSigningTests.voucher()
        let witness = try PAdESSigningTests.signer("witness")
        let seal = try PAdESSigningTests.signer("seal-rsa")
        let plain = try BankSeal.stamp(
            try CustomerSignature.sign(voucher, strokes: PAdESSigningTests.strokes, with: witness, at: now), with: seal, name: "业务专用章", at: now)
        let stamped = try await BankSeal.stamp(
            try await CustomerSignature.sign(voucher, strokes: PAdESSigningTests.strokes, with: witness, at: now, timeStamper: stamper), with: seal,
            name: "业务专用章", at: now, timeStamper: stamper)
        let roots = try Self.text(PAdESSigningTests.root)
        let tsaRoots = try Self.text(TimeStampTests.path("tsa-root.pem"))
        for (file, level) in [(plain, "B-B"), (stamped, "B-T")] {
            let reports = try PAdESVerifier.verify(file, trustedRootsPEM: roots, timeStampRootsPEM: tsaRoots)
            #expect(reports.map(\.level) == [level, level])
            let valid = reports.allSatisfy { $0.isValid }
            let proven = reports.allSatisfy { $0.provenTime == (level == "B-T" ? now : nil) }
            #expect(valid, "\(reports)")
            #expect(proven, "\(reports)")
            let oracle = try await Oracles.pyHanko(
                try Oracles.write(file), root: PAdESSigningTests.root, moreRoots: [TimeStampTests.path("tsa-root.pem")])
            #expect(oracle.map { $0.timestamp != nil ? "B-T" : "B-B" } == [level, level], "pyHanko sees the same level")
            #expect(oracle.allSatisfy { $0.timestamp.map { $0.valid && $0.trusted } ?? true })
        }
    }

    /// Every voucher's certificates expire long before the voucher may be thrown away: a seal whose certificate
    /// expired on 1 January 2025, time-stamped in June 2024 while it was valid, still verifies — at the time the
    /// time-stamp proves. Without the time-stamp (or judged now) it does not.
    @Test func aSealWhoseCertificateHasExpiredVerifiesAtTheTimeItsTimeStampProves() async throws {
        let pki = Self.pki
        let expired = try Signer.pem(key: try pki.text("expired.key"), certificates: try pki.text("expired.pem") + (try pki.text("old-root.pem")))
        let oldTSA = LocalTimeStampAuthority(
            signer: try Signer.pem(key: try pki.text("old-tsa.key"), certificates: try pki.text("old-tsa.pem") + (try pki.text("old-root.pem"))),
            clock: { Self.june2024 })
        let oldRoot = try pki.text("old-root.pem")
        let stamper = TimeStamper(authority: oldTSA, trustedRootsPEM: oldRoot)
        let sealed = try await BankSeal.stamp(
            try PAdESSigningTests.voucher(), with: expired, name: "业务专用章", at: Self.june2024, timeStamper: stamper)

        let atProvenTime = try PAdESVerifier.verify(sealed, trustedRootsPEM: oldRoot, timeStampRootsPEM: oldRoot)
        #expect(atProvenTime.count == 1 && atProvenTime[0].isValid, "\(atProvenTime)")
        #expect(atProvenTime.first?.level == "B-T" && atProvenTime.first?.provenTime == Self.june2024)

        let judgedNow = try PAdESVerifier.verify(sealed, trustedRootsPEM: oldRoot)
        #expect(judgedNow.first?.isValid == false && judgedNow.first?.level == "B-B")

        let withoutTimeStamp = try BankSeal.stamp(try PAdESSigningTests.voucher(), with: expired, name: "业务专用章", at: Self.june2024)
        let plain = try PAdESVerifier.verify(withoutTimeStamp, trustedRootsPEM: oldRoot, timeStampRootsPEM: oldRoot)
        #expect(plain.first?.isValid == false, "an expired certificate without a time-stamp proves nothing")
    }

    /// A time-stamp whose authority is not trusted here (a root no longer configured, another bank's TSA) proves no
    /// time: the signature is judged now, as if it had none — not reported as broken.
    @Test func aTimeStampFromAnAuthorityNotTrustedHereProvesNoTime() async throws {
        let stamper = try TimeStampTests.stamper(try TimeStampTests.tsa())
        let sealed = try await BankSeal.stamp(
            try PAdESSigningTests.voucher(), with: try PAdESSigningTests.signer("seal-rsa"), name: "业务专用章", at: Date(), timeStamper: stamper)
        let reports = try PAdESVerifier.verify(
            sealed, trustedRootsPEM: try Self.text(PAdESSigningTests.root), timeStampRootsPEM: try Self.pki.text("old-root.pem"))
        #expect(reports.first?.isValid == true && reports.first?.intact == true, "valid now, its certificate still is: \(reports)")
        #expect(reports.first?.level == "B-B" && reports.first?.provenTime == nil)
        #expect(reports.first?.problem?.contains("time-stamp") == true, "\(reports)")
    }

    /// A time-stamp lifted from another signature (its imprint is over another signature value) is a forgery.
    @Test func aTimeStampTakenFromAnotherSignatureIsAForgery() async throws {
        let stamper = try TimeStampTests.stamper(try TimeStampTests.tsa())
        let document = Array("a document to sign".utf8)
        let cms = try CMSSignature.sign(document, ranges: [0..<document.count], with: try PAdESSigningTests.signer("seal-rsa"))
        let other = try CMSSignature.sign(document, ranges: [0..<document.count], with: try PAdESSigningTests.signer("seal-ec"))
        let roots = try Self.text(TimeStampTests.path("tsa-root.pem"))
        let own = try await stamper.stamp(cms)
        #expect(try TimeStamp.proof(of: own, trustedRootsPEM: roots) != .none)
        let lifted = try TimeStamp.adding(try await stamper.token(for: try TimeStamp.signatureDigest(of: other)), to: cms)
        let error = #expect(throws: VoucherError.self) { try TimeStamp.proof(of: lifted, trustedRootsPEM: roots) }
        #expect(error?.message.contains("not over this signature") == true, "\(String(describing: error))")
    }

    /// Time-stamped after its certificate expired: the time-stamp proves only that it was made too late.
    @Test func aSignatureTimeStampedAfterItsCertificateExpiredIsInvalid() async throws {
        let pki = Self.pki
        let expired = try Signer.pem(key: try pki.text("expired.key"), certificates: try pki.text("expired.pem") + (try pki.text("old-root.pem")))
        let june2025 = ISO8601DateFormatter().date(from: "2025-06-01T08:00:00Z")!
        let lateTSA = LocalTimeStampAuthority(
            signer: try Signer.pem(key: try pki.text("old-tsa.key"), certificates: try pki.text("old-tsa.pem") + (try pki.text("old-root.pem"))),
            clock: { june2025 })
        let oldRoot = try pki.text("old-root.pem")
        let sealed = try await BankSeal.stamp(
            try PAdESSigningTests.voucher(), with: expired, name: "业务专用章", at: june2025,
            timeStamper: TimeStamper(authority: lateTSA, trustedRootsPEM: oldRoot))
        let reports = try PAdESVerifier.verify(sealed, trustedRootsPEM: oldRoot, timeStampRootsPEM: oldRoot)
        #expect(reports.first?.isValid == false && reports.first?.level == "B-T" && reports.first?.provenTime == june2025, "\(reports)")
    }
}
