import Foundation
import Kernel
import Testing
import Vouchers

/// A rendered voucher, signed by the customer and sealed by the bank, judged by pyHanko, pdfsig and qpdf.
@Suite struct PAdESSigningTests {
    static let pki = DevelopmentPKITests.folder
    static var root: String { pki.appendingPathComponent("root-ca.pem").path }
    static let nss: String = {
        do { return try Oracles.nssDatabase(trusting: root) } catch { fatalError("cannot create the NSS database: \(error)") }
    }()

    static func signer(_ stem: String) throws -> Signer {
        try Signer.pkcs12(try Data(contentsOf: pki.appendingPathComponent("\(stem).p12")), password: DevelopmentPKI.password)
    }

    static let strokes: [[StrokePoint]] = (0..<3).map { stroke in
        (0..<40).map { index in
            let t = Double(index) / 39
            return StrokePoint(
                x: 40 + Double(stroke) * 90 + t * 70, y: 60 + 25 * sin(t * 6.28 + Double(stroke)), t: Double(stroke * 500 + index * 12),
                pressure: 0.3 + 0.4 * t)
        }
    }

    static func voucher() throws -> [UInt8] {
        let (form, data) = try VoucherRenderingTests.load("cash-withdrawal")
        return try VoucherRenderer().render(form: form, data: data)
    }

    static func signedAndSealed(seal: String) throws -> [UInt8] {
        let signed = try CustomerSignature.sign(try voucher(), strokes: strokes, with: try signer("witness"), at: Date())
        return try BankSeal.stamp(signed, with: try signer(seal), name: "业务专用章", at: Date())
    }

    @Test(arguments: ["seal-rsa", "seal-ec"])
    func aSignedAndSealedVoucherValidatesInPyHanko(seal: String) async throws {
        let path = try Oracles.write(try Self.signedAndSealed(seal: seal))
        let statuses = try await Oracles.pyHanko(path, root: Self.root)
        #expect(statuses.map(\.field) == ["CustomerSignature", "BankSeal"])
        for status in statuses {
            #expect(status.bottom_line, "\(status.field): \(status.summary)")
            #expect(status.intact && status.valid && status.trusted, "\(status.field): \(status.summary)")
        }
        #expect(statuses.last?.coverage == "ENTIRE_FILE")
        #expect(statuses.last?.modification_level == "NONE")
        #expect(statuses.first?.coverage == "ENTIRE_REVISION")
        #expect(statuses.first?.modification_level == "FORM_FILLING", "only acceptable modifications after the customer signed")
    }

    @Test func aSignedAndSealedVoucherValidatesInPdfsigAndQpdf() async throws {
        let path = try Oracles.write(try Self.signedAndSealed(seal: "seal-rsa"))
        let verdicts = try await Oracles.pdfsig(path, nssDatabase: Self.nss)
        #expect(verdicts.count == 2)
        for verdict in verdicts {
            #expect(verdict.validation == "Signature is Valid.")
            #expect(verdict.certificate == "Certificate is Trusted.")
        }
        let check = try await Oracles.run("qpdf", ["--check", path])
        #expect(check.status == 0, "\(check.output)")
    }

    /// Issue #16: pdfsig (poppler 22.12, NSS) on the voucher as the service makes it — both signatures time-stamped,
    /// the DSS and the archive time-stamp — still judges both signatures valid and trusted, and lists the archive
    /// time-stamp as a signature of its own: signed by the TSA, over the whole file. (pdfsig 22.12 does not print
    /// signature time-stamps, and says it cannot validate an RFC 3161 document time-stamp; the development PKI here
    /// names no responder pdfsig would try to reach.)
    @Test func aBLTAVoucherValidatesInPdfsigWithItsTimeStamps() async throws {
        func text(_ name: String) throws -> String { try String(contentsOf: Self.pki.appendingPathComponent(name), encoding: .utf8) }
        let stamper = TimeStamper(authority: LocalTimeStampAuthority(signer: try Self.signer("tsa")), trustedRootsPEM: try text("tsa-root.pem"))
        struct InProcess: RevocationAuthority {
            let responder: OCSPResponder
            let lists: [[UInt8]]
            func answer(_ request: [UInt8]) async throws -> [UInt8] { try responder.respond(to: request, revoked: []) }
            func revocationLists() async throws -> [[UInt8]] { lists }
        }
        let lists = try ["root-ca.crl", "tsa-root.crl"].map { Array(try Data(contentsOf: Self.pki.appendingPathComponent($0))) }
        let check = RevocationCheck(
            authority: InProcess(responder: OCSPResponder(signer: try Self.signer("ocsp"), issuerPEM: try text("issuing-ca.pem")), lists: lists),
            trustedRootsPEM: try text("root-ca.pem"))
        let signed = try await CustomerSignature.sign(
            try Self.voucher(), strokes: Self.strokes, with: try Self.signer("witness"), at: Date(), timeStamper: stamper)
        let sealed = try await BankSeal.stamp(signed, with: try Self.signer("seal-rsa"), name: "业务专用章", at: Date(), timeStamper: stamper)
        let path = try Oracles.write(try await LongTermEvidence.archive(sealed, revocation: check, timeStamper: stamper, at: Date()))
        let verdicts = try await Oracles.pdfsig(path, nssDatabase: Self.nss)
        #expect(verdicts.count == 2 && verdicts.allSatisfy { $0 == ("Signature is Valid.", "Certificate is Trusted.") }, "\(verdicts)")
        let output = try await Oracles.run("pdfsig", ["-nssdir", "sql:\(Self.nss)", path]).output
        let archive = try #require(output.components(separatedBy: "Signature #3:").last)
        #expect(archive.contains("Signature Field Name: ArchiveTimeStamp1"), "\(output)")
        #expect(archive.contains("Signer Certificate Common Name: Countersign DEV Time-Stamping Authority"), "\(output)")
        #expect(archive.contains("Total document signed"), "\(output)")
    }

    @Test func theSignatureDictionariesAreWhatPAdESRequires() throws {
        let text = String(decoding: try Self.signedAndSealed(seal: "seal-ec"), as: UTF8.self)
        #expect(text.components(separatedBy: "/SubFilter /ETSI.CAdES.detached").count - 1 == 2)
        #expect(text.components(separatedBy: "/Filter /Adobe.PPKLite").count - 1 == 2)
        #expect(text.components(separatedBy: "/M (D:").count - 1 == 2)
        #expect(text.contains("/SigFlags 3"))
        #expect(text.contains("/ESIC"))
        // The strokes' digest is inside the customer's signed revision.
        let digest = SHA256Hash.sha256(of: CustomerSignature.canonicalBytes(Self.strokes)).hex
        #expect(text.contains("/CountersignStrokesSHA256 (\(digest))"))
    }

    @Test func aChangedByteInsideTheSignedRangesIsFound() async throws {
        var pdf = try Self.signedAndSealed(seal: "seal-rsa")
        // A byte of the original page content, covered by both signatures.
        pdf[2000] ^= 0x01
        let path = try Oracles.write(pdf)
        let statuses = try await Oracles.pyHanko(path, root: Self.root)
        #expect(statuses.count == 2)
        #expect(statuses.allSatisfy { !$0.intact && !$0.bottom_line }, "\(statuses.map(\.summary))")
        let verdicts = try await Oracles.pdfsig(path, nssDatabase: Self.nss)
        #expect(verdicts.allSatisfy { $0.validation != "Signature is Valid." }, "\(verdicts)")
    }

    @Test func badInputIsRefusedAndNothingIsHalfSigned() throws {
        let witness = try Self.signer("witness")
        let notPDF = #expect(throws: VoucherError.self) {
            try CustomerSignature.sign(Array("hello, not a PDF at all, really not".utf8), strokes: Self.strokes, with: witness, at: Date())
        }
        #expect(notPDF?.code == .badInput)
        let tooShort = #expect(throws: VoucherError.self) {
            try CustomerSignature.sign(try Self.voucher(), strokes: [[StrokePoint(x: 1, y: 1, t: 0, pressure: 0.5)]], with: witness, at: Date())
        }
        #expect(tooShort?.code == .badInput)
        var badPressure = Self.strokes
        badPressure[0][0] = StrokePoint(x: 1, y: 1, t: 0, pressure: 7)
        let pressure = #expect(throws: VoucherError.self) {
            try CustomerSignature.sign(try Self.voucher(), strokes: badPressure, with: witness, at: Date())
        }
        #expect(pressure?.message.contains("pressure") == true)
        let signed = try CustomerSignature.sign(try Self.voucher(), strokes: Self.strokes, with: witness, at: Date())
        let twice = #expect(throws: VoucherError.self) { try CustomerSignature.sign(signed, strokes: Self.strokes, with: witness, at: Date()) }
        #expect(twice?.message.contains("already has a field named CustomerSignature") == true)
        var oversized = Array("%PDF-1.7\n".utf8)
        oversized += [UInt8](repeating: 0x20, count: PAdESSigner.maximumInputBytes)
        let tooBig = #expect(throws: VoucherError.self) { try BankSeal.stamp(oversized, with: try Self.signer("seal-rsa"), name: "x", at: Date()) }
        #expect(tooBig?.message.contains("at most") == true)
        var truncated = signed
        truncated.removeLast(200)
        #expect(throws: VoucherError.self) { try BankSeal.stamp(truncated, with: try Self.signer("seal-rsa"), name: "x", at: Date()) }
    }

    @Test func thirtyTwoParallelSealsAreAllValid() async throws {
        let signed = try CustomerSignature.sign(try Self.voucher(), strokes: Self.strokes, with: try Self.signer("witness"), at: Date())
        let seal = try Self.signer("seal-rsa")
        let sealed = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<32 { group.addTask { try BankSeal.stamp(signed, with: seal, name: "业务专用章", at: Date()) } }
            return try await group.reduce(into: [[UInt8]]()) { $0.append($1) }
        }
        #expect(sealed.count == 32)
        for pdf in sealed {
            let verdicts = try await Oracles.pdfsig(try Oracles.write(pdf), nssDatabase: Self.nss)
            #expect(
                verdicts.count == 2 && verdicts.allSatisfy { $0.validation == "Signature is Valid." && $0.certificate == "Certificate is Trusted." })
        }
    }
}
