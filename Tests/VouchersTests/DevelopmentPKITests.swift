import Foundation
import Testing
import Vouchers

@Suite struct DevelopmentPKITests {
    /// Without revocation pointers: pdfsig (NSS) fails any certificate whose OCSP responder it cannot reach, and no
    /// responder runs beside these tests (`PKIPublicationTests` has one).
    static let folder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cs-devpki-\(UUID().uuidString)")
        do { try DevelopmentPKI.create(in: folder, baseURL: nil) } catch { fatalError("\(error)") }
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

    /// What `certs init` makes: each certificate names where its issuer publishes revocation data, and the OCSP
    /// responder is one the issuing CA delegated, trusted without asking about itself.
    @Test func certificatesNameTheirRevocationDataAndTheResponderIsDelegated() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cs-devpki-urls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try DevelopmentPKI.create(in: folder, baseURL: "http://bank.example:8443")
        func extensions(_ name: String) async throws -> String {
            try await openssl(["x509", "-in", folder.appendingPathComponent(name).path, "-noout", "-text"]).output
        }
        for (name, list, ocsp) in [
            ("seal-rsa.pem", "issuing-ca", true), ("witness.pem", "issuing-ca", true), ("issuing-ca.pem", "root-ca", false),
            ("tsa.pem", "tsa-root", false),
        ] {
            let text = try await extensions(name)
            #expect(text.contains("URI:http://bank.example:8443/pki/crl/\(list).crl"), "\(name)")
            #expect(text.contains("OCSP - URI:http://bank.example:8443/pki/ocsp") == ocsp, "\(name)")
        }
        let responder = try await extensions("ocsp.pem")
        #expect(responder.contains("OCSP Signing") && responder.contains("OCSP No Check"))
        #expect(!responder.contains("CRL Distribution Points"))
        let verify = try await openssl([
            "verify", "-purpose", "ocsphelper", "-CAfile", folder.appendingPathComponent("root-ca.pem").path, "-untrusted",
            folder.appendingPathComponent("issuing-ca.pem").path, folder.appendingPathComponent("ocsp.pem").path,
        ])
        #expect(verify.status == 0, "\(verify.output)")
        // Each CA's first CRL, signed by that CA and listing nothing.
        for ca in ["root-ca", "issuing-ca", "tsa-root"] {
            let crl = try await openssl([
                "crl", "-inform", "DER", "-in", folder.appendingPathComponent("\(ca).crl").path, "-CAfile",
                folder.appendingPathComponent("\(ca).pem").path, "-noout", "-text",
            ])
            #expect(crl.output.contains("verify OK") && crl.output.contains("No Revoked Certificates"), "\(ca): \(crl.output)")
        }
    }

    @Test func privateKeysAreNotWorldReadable() throws {
        for name in ["root-ca.key", "seal-rsa.key", "seal-rsa.p12", "ocsp.key", "ocsp.p12", "tsa-root.key"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path(name))
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name)")
        }
    }

    @Test func anExistingPKIIsNotReplacedByAccident() throws {
        let error = #expect(throws: VoucherError.self) { try DevelopmentPKI.create(in: Self.folder) }
        #expect(error?.message.contains("--force") == true)
    }
}
