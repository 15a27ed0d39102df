import Foundation
import Testing
import Vouchers

@Suite struct PAdESVerifierTests {
    static var rootPEM: String { (try? String(contentsOfFile: PAdESSigningTests.root, encoding: .utf8)) ?? "" }

    @Test func listsEverySignatureWithItsCoverage() throws {
        let reports = try PAdESVerifier.verify(try PAdESSigningTests.signedAndSealed(seal: "seal-ec"), trustedRootsPEM: Self.rootPEM)
        #expect(reports.map(\.field) == ["CustomerSignature", "BankSeal"])
        #expect(reports.allSatisfy { $0.isValid })
        #expect(reports.map(\.coverage) == [.earlierRevision, .wholeFile])
        #expect(reports[0].signer.contains("Counter Witness"))
        #expect(reports[1].signer.contains("业务专用章"))
        #expect(reports.allSatisfy { $0.claimedTime.hasPrefix("D:") && $0.claimedTime.hasSuffix("+08'00'") })
    }

    @Test func aChangedByteIsReportedAsNotIntact() throws {
        var pdf = try PAdESSigningTests.signedAndSealed(seal: "seal-rsa")
        pdf[2000] ^= 0x01
        let reports = try PAdESVerifier.verify(pdf, trustedRootsPEM: Self.rootPEM)
        #expect(reports.count == 2)
        #expect(reports.allSatisfy { !$0.intact && !$0.isValid })
    }

    @Test func aSignerFromAnotherPKIIsIntactButNotTrusted() throws {
        let other = try String(contentsOfFile: TestPKI.shared.path("root.pem"), encoding: .utf8)
        let reports = try PAdESVerifier.verify(try PAdESSigningTests.signedAndSealed(seal: "seal-rsa"), trustedRootsPEM: other)
        #expect(reports.allSatisfy { $0.intact && !$0.chainTrusted })
    }

    @Test func anUnsignedVoucherHasNoSignaturesAndGarbageIsRefused() throws {
        #expect(try PAdESVerifier.verify(try PAdESSigningTests.voucher(), trustedRootsPEM: Self.rootPEM).isEmpty)
        #expect(throws: VoucherError.self) {
            try PAdESVerifier.verify(Array("%PDF-1.7 nothing else here at all".utf8), trustedRootsPEM: Self.rootPEM)
        }
    }
}
