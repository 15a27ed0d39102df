import Foundation
import PDFReader
import Testing

@testable import Vouchers

/// The DER reader that spares OpenSSL's certificate decoding on the B-LTA path finds exactly what OpenSSL finds —
/// in the service's own signatures (with their time-stamp tokens) and OCSP answers — and gives up, rather than
/// guessing, on anything else.
@Suite struct DERTests {
    @Test func itFindsWhatOpenSSLFindsAndGivesUpOnAnythingElse() async throws {
        let (_, lt, lta) = try await LongTermEvidenceTests.made.value
        let signatures = try SignedPDF(lta).signatures
        #expect(signatures.count == 3)
        for signature in signatures {
            let ours = try #require(DER.certificates(inSignature: signature.cms))
            #expect(Set(ours) == Set(try ValidationData.certificatesByOpenSSL(in: signature.cms)) && !ours.isEmpty)
            #expect(try TimeStamp.signatureDigest(of: signature.cms) == (try TimeStamp.signatureDigestByOpenSSL(of: signature.cms)))
        }
        let structure = try SignedPDF(lt).structure
        let dss = try structure.dictionary(try #require(try structure.dictionary(structure.root)["DSS"].flatMap(PDFReference.init)))
        var answers: [[UInt8]] = []
        for reference in try PDFScanner.references(inArray: try #require(dss["OCSPs"])) {
            answers.append(try #require(try structure.streamData(reference)))
        }
        #expect(answers.count == 2)
        for answer in answers {
            let ours = try #require(DER.certificates(inOCSPResponse: answer))
            #expect(ours == (try ValidationData.certificatesByOpenSSL(in: answer)) && ours.count == 1)
        }
        // Truncated, indefinite-length or otherwise not plain DER: nil, and OpenSSL decides.
        // The signature's own bytes, without the zeros /Contents is padded with.
        let cms = Array(signatures[0].cms.prefix(try #require(DER.element(signatures[0].cms, at: 0, end: signatures[0].cms.count)).end))
        let broken: [[UInt8]] = [Array(cms.prefix(cms.count / 2)), [0x30, 0x80] + Array(cms.dropFirst(2)), [], [0x30], [0x30, 0x85, 1, 2, 3, 4, 5]]
        for broken in broken {
            #expect(DER.certificates(inSignature: broken) == nil)
            #expect(DER.certificates(inOCSPResponse: broken) == nil)
            #expect(DER.signatureValue(broken) == nil)
        }
        #expect(DER.split([0x02, 0x01, 0x05, 0x02, 0x02]) == [[0x02, 0x01, 0x05]])
    }
}
