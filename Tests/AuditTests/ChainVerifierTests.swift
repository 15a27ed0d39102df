import Audit
import Kernel
import Testing

@Suite struct ChainVerifierTests {
    static func chain(_ count: Int) throws -> [AuditRecord] {
        var records: [AuditRecord] = []
        for index in 0..<count {
            let event = AuditEvent(
                actor: "teller1", branch: "BR001", action: "test.step", subject: "txn:\(index)", payload: ["index": .integer(Int64(index))])
            let time = Timestamp(microsecondsSinceEpoch: 1_795_000_000_000_000 + Int64(index))
            records.append(try AuditRecord(event: event, at: time, after: records.last?.head))
        }
        return records
    }

    static func firstBreak(_ records: [AuditRecord], head: ChainHead? = nil) -> ChainBreak? {
        var verifier = ChainVerifier(chain: "BR001")
        for record in records {
            if let failure = verifier.check(record) { return failure }
        }
        return verifier.finish(recordedHead: head)
    }

    @Test func anIntactChainVerifies() throws {
        let records = try Self.chain(10)
        #expect(records.first?.prevHash == .zero)
        #expect(Self.firstBreak(records, head: records.last?.head) == nil)
    }

    @Test func aChangedPayloadIsFoundAtItsRow() throws {
        var records = try Self.chain(10)
        records[4].payload = #"{"index":999}"#
        let failure = try #require(Self.firstBreak(records))
        #expect(failure.kind == .hashMismatch)
        #expect(failure.seq == 5)
    }

    @Test func aRemovedRowIsFound() throws {
        var records = try Self.chain(10)
        records.remove(at: 6)
        let failure = try #require(Self.firstBreak(records))
        #expect(failure.kind == .gap)
        #expect(failure.seq == 7)
    }

    @Test func aReplacedRowWithAValidOwnHashIsFoundByItsLink() throws {
        var records = try Self.chain(10)
        var forged = records[3]
        forged.payload = #"{"index":"forged"}"#
        forged.hash = try forged.computedHash()
        records[3] = forged
        let failure = try #require(Self.firstBreak(records))
        #expect(failure.kind == .brokenLink)
        #expect(failure.seq == 5)
    }

    @Test func aShortenedChainIsFoundAgainstTheRecordedHead() throws {
        let records = try Self.chain(10)
        let failure = try #require(Self.firstBreak(Array(records.prefix(8)), head: records.last?.head))
        #expect(failure.kind == .headMismatch)
    }
}
