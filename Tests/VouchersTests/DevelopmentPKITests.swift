import Foundation
import Testing
import Vouchers

@Suite struct DevelopmentPKITests {
    static let folder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cs-devpki-\(UUID().uuidString)")
        do { try DevelopmentPKI.create(in: folder) } catch { fatalError("\(error)") }
        return folder
    }()

    func path(_ name: String) -> String { Self.folder.appendingPathComponent(name).path }

    @Test(arguments: ["seal-rsa", "seal-ec", "witness"])
    func everySignerLoadsSignsAndChainsToTheRootInOpenSSL(stem: String) async throws {
        let signer = try Signer.pkcs12(try Data(contentsOf: URL(fileURLWithPath: path("\(stem).p12"))), password: DevelopmentPKI.password)
        #expect(signer.algorithm == (stem == "seal-rsa" ? "RSA" : "EC"))
        let document = Array("voucher bytes 凭证".utf8)
        let cms = try CMSSignature.sign(document, ranges: [0..<document.count], with: signer)
        let cmsPath = path("\(stem)-\(UUID().uuidString).p7s")
        let contentPath = cmsPath + ".bin"
        try Data(cms).write(to: URL(fileURLWithPath: cmsPath))
        try Data(document).write(to: URL(fileURLWithPath: contentPath))
        let result = try await openssl([
            "cms", "-verify", "-binary", "-inform", "DER", "-in", cmsPath, "-content", contentPath, "-CAfile", path("root-ca.pem"),
            "-out", "/dev/null",
        ])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func sealCertificatesAreNonRepudiationLeavesWithCJKSubjects() async throws {
        let text = try await openssl(["x509", "-in", path("seal-rsa.pem"), "-noout", "-text", "-nameopt", "utf8"]).output
        #expect(text.contains("Non Repudiation"))
        #expect(text.contains("CA:FALSE"))
        #expect(text.contains("业务专用章"))
        #expect(text.contains("NOT FOR PRODUCTION"), "the issuer says it is a development CA")
        let verify = try await openssl(["verify", "-CAfile", path("root-ca.pem"), "-untrusted", path("issuing-ca.pem"), path("seal-ec.pem")])
        #expect(verify.status == 0, "\(verify.output)")
    }

    @Test func privateKeysAreNotWorldReadable() throws {
        for name in ["root-ca.key", "seal-rsa.key", "seal-rsa.p12"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path(name))
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name)")
        }
    }

    @Test func anExistingPKIIsNotReplacedByAccident() throws {
        let error = #expect(throws: VoucherError.self) { try DevelopmentPKI.create(in: Self.folder) }
        #expect(error?.message.contains("--force") == true)
    }
}
