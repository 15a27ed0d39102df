import Foundation
import Testing
import Vouchers

/// Issue #16, part 1: every signature carries an RFC 3161 signature time-stamp (PAdES B-T) from the development TSA,
/// checked before it is used, and pyHanko agrees.
@Suite struct TimeStampTests {
    static let pki = DevelopmentPKITests.folder
    static func path(_ name: String) -> String { pki.appendingPathComponent(name).path }

    static func tsa(clock: @escaping @Sendable () -> Date = { Date() }) throws -> LocalTimeStampAuthority {
        LocalTimeStampAuthority(
            signer: try Signer.pkcs12(try Data(contentsOf: pki.appendingPathComponent("tsa.p12")), password: DevelopmentPKI.password), clock: clock)
    }

    static func stamper(_ authority: any TimeStampAuthority) throws -> TimeStamper {
        TimeStamper(authority: authority, trustedRootsPEM: try String(contentsOfFile: path("tsa-root.pem"), encoding: .utf8))
    }

    @Test func aSignedAndSealedVoucherCarriesATimeStampOnEverySignatureThatPyHankoAccepts() async throws {
        // A whole second, so the time the token states can be compared exactly.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 5)
        let stamper = try Self.stamper(try Self.tsa { now })
        let signed = try await CustomerSignature.sign(
            try PAdESSigningTests.voucher(), strokes: PAdESSigningTests.strokes, with: try PAdESSigningTests.signer("witness"), at: now,
            timeStamper: stamper)
        let sealed = try await BankSeal.stamp(signed, with: try PAdESSigningTests.signer("seal-rsa"), name: "业务专用章", at: now, timeStamper: stamper)
        let file = try Oracles.write(sealed)
        let statuses = try await Oracles.pyHanko(file, root: PAdESSigningTests.root, moreRoots: [Self.path("tsa-root.pem")])
        #expect(statuses.map(\.field) == ["CustomerSignature", "BankSeal"])
        for status in statuses {
            #expect(status.bottom_line && status.intact && status.valid && status.trusted, "\(status.field): \(status.summary)")
            let stamp = try #require(status.timestamp, "\(status.field) has no signature time-stamp")
            #expect(stamp.intact && stamp.valid && stamp.trusted, "\(status.field): \(stamp)")
            #expect(ISO8601DateFormatter().date(from: stamp.time) == now, "\(stamp.time)")
        }
        // The time-stamp does not disturb what the earlier signature covers.
        #expect(statuses.first?.modification_level == "FORM_FILLING")
    }

    @Test func aReplyToAnotherQueryOrFromAnUntrustedAuthorityIsRefused() throws {
        let tsa = try Self.tsa()
        let roots = try String(contentsOfFile: Self.path("tsa-root.pem"), encoding: .utf8)
        let asked = try TimeStamp.query(digest: Array(repeating: 1, count: 32))
        let other = try TimeStamp.query(digest: Array(repeating: 2, count: 32))
        // The right reply holds; a reply to another digest, or to the same digest with another nonce, does not.
        #expect(throws: Never.self) { try TimeStamp.check(reply: try tsa.respond(to: asked), query: asked, trustedRootsPEM: roots) }
        let wrongImprint = #expect(throws: VoucherError.self) {
            try TimeStamp.check(reply: try tsa.respond(to: other), query: asked, trustedRootsPEM: roots)
        }
        #expect(wrongImprint?.code == .timeStampRefused)
        let sameDigest = try TimeStamp.query(digest: Array(repeating: 1, count: 32))
        #expect(throws: VoucherError.self) { try TimeStamp.check(reply: try tsa.respond(to: sameDigest), query: asked, trustedRootsPEM: roots) }
        // The signing PKI's root does not vouch for time-stamps: a TSA it does not know is refused.
        let signingRoot = try String(contentsOfFile: PAdESSigningTests.root, encoding: .utf8)
        let untrusted = #expect(throws: VoucherError.self) {
            try TimeStamp.check(reply: try tsa.respond(to: asked), query: asked, trustedRootsPEM: signingRoot)
        }
        #expect(untrusted?.code == .timeStampRefused)
        // A certificate without the timeStamping usage cannot act as a TSA at all.
        let seal = LocalTimeStampAuthority(signer: try PAdESSigningTests.signer("seal-rsa"))
        #expect(throws: VoucherError.self) { try seal.respond(to: asked) }
    }

    struct Silent: TimeStampAuthority {
        struct Down: Error {}
        func reply(to query: [UInt8]) async throws -> [UInt8] { throw Down() }
    }

    @Test func whenTheAuthorityDoesNotAnswerThereIsNoSignature() async throws {
        let error = await #expect(throws: VoucherError.self) {
            try await CustomerSignature.sign(
                try PAdESSigningTests.voucher(), strokes: PAdESSigningTests.strokes, with: try PAdESSigningTests.signer("witness"), at: Date(),
                timeStamper: try Self.stamper(Silent()))
        }
        #expect(error?.code == .timeStampUnavailable)
    }
}
