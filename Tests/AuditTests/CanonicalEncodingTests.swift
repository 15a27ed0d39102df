import Audit
import Kernel
import Testing

@Suite struct CanonicalEncodingTests {
    static func sample(branch: String? = "BR001", terminal: String? = "T07", payload: String = #"{"amount":"50000.00","name":"张三"}"#) throws
        -> AuditRecord
    {
        try AuditRecord(
            chain: "BR001", seq: 42, time: Timestamp(microsecondsSinceEpoch: 1_795_000_000_123_457), actor: "teller1", branch: branch,
            terminal: terminal, action: "voucher.sealed", subject: "voucher:V2026-000123 业务专用章", payload: payload,
            prevHash: SHA256Hash.sha256(of: Array("previous".utf8)))
    }

    @Test func roundTripsCJKTextAndMicroseconds() throws {
        let record = try Self.sample()
        let decoded = try AuditEncoding.decode(try AuditEncoding.encode(record))
        #expect(decoded == record)
        #expect(decoded.time.microsecondsSinceEpoch == 1_795_000_000_123_457)
        #expect(decoded.subject.hasSuffix("业务专用章"))
    }

    @Test func roundTripsAbsentOptionalFields() throws {
        let record = try Self.sample(branch: nil, terminal: nil)
        #expect(try AuditEncoding.decode(try AuditEncoding.encode(record)) == record)
        // nil and empty are different facts and must encode differently.
        #expect(try AuditEncoding.encode(record) != AuditEncoding.encode(try Self.sample(branch: "", terminal: nil)))
    }

    @Test func everyMeaningfulFieldChangesTheHash() throws {
        let base = try Self.sample()
        var variants: [AuditRecord] = []
        var r = base; r.chain = "BR002"; variants.append(r)
        r = base; r.seq = 43; variants.append(r)
        r = base; r.time = Timestamp(microsecondsSinceEpoch: base.time.microsecondsSinceEpoch + 1); variants.append(r)
        r = base; r.actor = "teller2"; variants.append(r)
        r = base; r.branch = "BR002"; variants.append(r)
        r = base; r.terminal = "T08"; variants.append(r)
        r = base; r.action = "voucher.signed"; variants.append(r)
        r = base; r.subject = "voucher:V2026-000124"; variants.append(r)
        r = base; r.payload = #"{"amount":"50000.01","name":"张三"}"#; variants.append(r)
        r = base; r.prevHash = .zero; variants.append(r)
        for variant in variants {
            #expect(try variant.computedHash() != base.hash)
        }
    }

    @Test func encodingIsStableAcrossRuns() throws {
        // Pinned to a value computed independently (Python hashlib over the layout documented in AuditEncoding):
        // a change to the version 1 encoding would orphan every stored hash, so it must become a new version.
        let record = try Self.sample()
        #expect(record.hash.hex == "a9fba29eeff472af4d5bba41fafb1a4eefc57ce760418c9232520fb5b4086162")
        let bytes = try AuditEncoding.encode(record)
        #expect(Array(bytes.prefix(9)) == Array("CSAUDIT".utf8) + [0, 1])
    }

    @Test func unknownVersionIsRefused() throws {
        var record = try Self.sample()
        record.encodingVersion = 2
        #expect(throws: AuditError.self) { try AuditEncoding.encode(record) }
        var bytes = try AuditEncoding.encode(try Self.sample())
        bytes[8] = 9  // the low byte of the version
        #expect(throws: AuditError.self) { try AuditEncoding.decode(bytes) }
    }

    @Test func truncatedBytesAreRefused() throws {
        let bytes = try AuditEncoding.encode(try Self.sample())
        for cut in [0, 8, 20, bytes.count - 1] {
            #expect(throws: AuditError.self) { try AuditEncoding.decode(Array(bytes.prefix(cut))) }
        }
        #expect(throws: AuditError.self) { try AuditEncoding.decode(bytes + [0]) }
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000Z"),
        (Int64(1_700_000_000_123_456), "2023-11-14T22:13:20.123456Z"),
        (Int64(-1), "1969-12-31T23:59:59.999999Z"),
        (Int64(951_782_400_000_001), "2000-02-29T00:00:00.000001Z"),
    ])
    func timestampsPrintExactly(micros: Int64, text: String) {
        #expect(Timestamp(microsecondsSinceEpoch: micros).description == text)
    }
}
