import Foundation
import Testing
import Vouchers

@Suite struct CMSSignatureTests {
    let pki = TestPKI.shared
    /// A stand-in for a PDF: two signed ranges around a gap where /Contents would go.
    let document = Array("%PDF-1.7 voucher 业务专用章 ... <CONTENTS-GAP> ... %%EOF\n".utf8)
    var ranges: [Range<Int>] { [0..<30, 44..<document.count] }
    var signedBytes: [UInt8] { ranges.flatMap { Array(document[$0]) } }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = pki.path(UUID().uuidString + name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func signers() throws -> [Signer] {
        [
            try Signer.pkcs12(try pki.data("rsa.p12"), password: "secret"),
            try Signer.pem(key: try pki.text("ec.key"), certificates: try pki.text("ec-chain.pem")),
        ]
    }

    @Test func signaturesVerifyInOpenSSLAgainstTheRoot() async throws {
        for signer in try signers() {
            let cms = try CMSSignature.sign(document, ranges: ranges, with: signer)
            let result = try await openssl([
                "cms", "-verify", "-binary", "-inform", "DER", "-in", try write(cms, ".p7s"), "-content", try write(signedBytes, ".bin"),
                "-CAfile", pki.path("root.pem"), "-purpose", "any", "-out", "/dev/null",
            ])
            #expect(result.status == 0, "\(signer.algorithm): \(result.output)")
            #expect(result.output.contains("Verification successful"))
            #expect(try CMSSignature.verify(cms, over: document, ranges: ranges, trustedRootsPEM: try pki.text("root.pem")) == signer.subject)
        }
    }

    @Test func theSignedAttributesAreWhatPAdESRequires() async throws {
        for signer in try signers() {
            let cms = try CMSSignature.sign(document, ranges: ranges, with: signer)
            let printed = try await openssl(["cms", "-cmsout", "-print", "-inform", "DER", "-in", try write(cms, ".p7s")]).output
            #expect(printed.components(separatedBy: "d.issuerAndSerialNumber").count - 1 == 1, "exactly one SignerInfo")
            #expect(printed.components(separatedBy: "id-smime-aa-signingCertificateV2").count - 1 == 1)
            #expect(printed.contains("id-smime-aa-signingCertificateV2"))
            #expect(printed.contains("messageDigest"))
            #expect(printed.contains("contentType"))
            #expect(!printed.contains("signingTime"), "PAdES forbids signing-time")
            #expect(printed.contains("eContent: <ABSENT>"), "detached")
            #expect(printed.contains("Test Issuing CA"), "the intermediate is included")
        }
    }

    @Test func aChangedByteInASignedRangeIsFound() throws {
        let signer = try signers()[0]
        let cms = try CMSSignature.sign(document, ranges: ranges, with: signer)
        var tampered = document
        tampered[5] ^= 0x01
        let error = #expect(throws: VoucherError.self) {
            try CMSSignature.verify(cms, over: tampered, ranges: ranges, trustedRootsPEM: try pki.text("root.pem"))
        }
        #expect(error?.code == .verificationFailed)
        // A byte outside the ranges (where /Contents goes) is not covered, by design.
        var gap = document
        gap[35] ^= 0x01
        try CMSSignature.verify(cms, over: gap, ranges: ranges, trustedRootsPEM: try pki.text("root.pem"))
    }

    @Test func aSignerFromAnotherRootIsNotTrusted() throws {
        let cms = try CMSSignature.sign(document, ranges: ranges, with: try signers()[1])
        #expect(throws: VoucherError.self) {
            try CMSSignature.verify(cms, over: document, ranges: ranges, trustedRootsPEM: try pki.text("other-root.pem"))
        }
        // Without roots only the signature itself is checked.
        try CMSSignature.verify(cms, over: document, ranges: ranges, trustedRootsPEM: nil)
        // One check answers both questions (the verifier hashes the document once): intact, and trusted or not.
        let signer = try signers()[1].subject
        #expect(try CMSSignature.check(cms, over: document, ranges: ranges, trustedRootsPEM: try pki.text("root.pem")) == (signer, true))
        #expect(try CMSSignature.check(cms, over: document, ranges: ranges, trustedRootsPEM: try pki.text("other-root.pem")) == (signer, false))
        #expect(try CMSSignature.check(cms, over: document, ranges: ranges, trustedRootsPEM: "no certificate here") == (signer, false))
        #expect(try CMSSignature.check(cms, over: document, ranges: ranges, trustedRootsPEM: nil) == (signer, false))
    }

    @Test func legacyPKCS12Loads() throws {
        let signer = try Signer.pkcs12(try pki.data("rsa-legacy.p12"), password: "secret")
        #expect(signer.algorithm == "RSA")
        #expect(signer.subject.contains("业务专用章 RSA"))
    }

    @Test func badSignerFilesGetClearErrors() throws {
        let wrong = #expect(throws: VoucherError.self) { try Signer.pkcs12(try pki.data("rsa.p12"), password: "nope") }
        #expect(wrong?.code == .wrongPassword)
        let garbage = #expect(throws: VoucherError.self) { try Signer.pkcs12(Data("not a p12".utf8), password: "x") }
        #expect(garbage?.code == .badSignerFile)
        let mismatch = #expect(throws: VoucherError.self) {
            try Signer.pem(key: try pki.text("rsa.key"), certificates: try pki.text("ec.pem"))
        }
        #expect(mismatch?.message.contains("does not belong") == true)
        #expect(throws: VoucherError.self) { try CMSSignature.sign(document, ranges: [0..<(document.count + 1)], with: try signers()[0]) }
    }

    @Test func thirtyTwoParallelSignaturesWithOneSignerAllVerify() async throws {
        let signer = try signers()[0]
        let (document, ranges) = (self.document, self.ranges)
        let roots = try pki.text("root.pem")
        let signatures = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<32 { group.addTask { try CMSSignature.sign(document, ranges: ranges, with: signer) } }
            return try await group.reduce(into: [[UInt8]]()) { $0.append($1) }
        }
        #expect(signatures.count == 32)
        for cms in signatures { try CMSSignature.verify(cms, over: document, ranges: ranges, trustedRootsPEM: roots) }
    }
}
