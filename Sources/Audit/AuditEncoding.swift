/// The canonical byte encoding of an audit record: what its hash is computed over.
///
/// Version 1, all integers big-endian:
/// ```
/// "CSAUDIT" (7 bytes) · version u16 = 1
/// chain str · seq i64 · time i64 (µs since Unix epoch) · actor str · branch opt · terminal opt
/// action str · subject str · payload str · prev_hash 32 bytes
/// str = u32 byte length + UTF-8 bytes;  opt = 0x00 (absent) | 0x01 + str
/// ```
/// Every column with meaning is covered. The storage-only row id is not: it orders rows across chains for
/// reading and says nothing an auditor relies on. The version is stored with each row, so a future version 2
/// can coexist with rows written under version 1.
public enum AuditEncoding {
    public static let currentVersion: Int16 = 1
    public static let supportedVersions: Set<Int16> = [1]
    private static let magic = Array("CSAUDIT".utf8)

    public static func encode(_ record: AuditRecord) throws(AuditError) -> [UInt8] {
        guard record.encodingVersion == 1 else {
            throw AuditError(.unknownEncodingVersion, "encoding version \(record.encodingVersion) is not known to this verifier")
        }
        var out = magic
        out.reserveCapacity(128 + record.payload.utf8.count)
        append(UInt16(1), to: &out)
        append(record.chain, to: &out)
        append(UInt64(bitPattern: record.seq), to: &out)
        append(UInt64(bitPattern: record.time.microsecondsSinceEpoch), to: &out)
        append(record.actor, to: &out)
        append(optional: record.branch, to: &out)
        append(optional: record.terminal, to: &out)
        append(record.action, to: &out)
        append(record.subject, to: &out)
        append(record.payload, to: &out)
        out += record.prevHash.bytes
        return out
    }

    /// Reads an encoding back into a record (its hash recomputed). Used by tests and by tools that archive the bytes.
    public static func decode(_ bytes: [UInt8]) throws(AuditError) -> AuditRecord {
        var reader = Reader(bytes: bytes)
        guard try reader.take(magic.count) == magic else { throw AuditError(.malformedEncoding, "missing CSAUDIT header") }
        let version = Int16(bitPattern: try reader.uint16())
        guard version == 1 else { throw AuditError(.unknownEncodingVersion, "encoding version \(version) is not known") }
        let chain = try reader.string()
        let seq = Int64(bitPattern: try reader.uint64())
        let time = AuditTimestamp(microsecondsSinceEpoch: Int64(bitPattern: try reader.uint64()))
        let actor = try reader.string()
        let branch = try reader.optionalString()
        let terminal = try reader.optionalString()
        let action = try reader.string()
        let subject = try reader.string()
        let payload = try reader.string()
        guard let prevHash = ChainHash(bytes: try reader.take(32)) else { throw AuditError(.malformedEncoding, "short hash") }
        guard reader.isAtEnd else { throw AuditError(.malformedEncoding, "trailing bytes") }
        return try AuditRecord(
            chain: chain, seq: seq, time: time, actor: actor, branch: branch, terminal: terminal, action: action,
            subject: subject, payload: payload, prevHash: prevHash, encodingVersion: version)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out += $0 }
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        append(UInt32(text.utf8.count), to: &out)
        out += text.utf8
    }

    private static func append(optional text: String?, to out: inout [UInt8]) {
        guard let text else {
            out.append(0)
            return
        }
        out.append(1)
        append(text, to: &out)
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var isAtEnd: Bool { offset == bytes.count }

        mutating func take(_ count: Int) throws(AuditError) -> [UInt8] {
            guard count >= 0, bytes.count - offset >= count else { throw AuditError(.malformedEncoding, "truncated at byte \(offset)") }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }

        mutating func uint16() throws(AuditError) -> UInt16 { try take(2).reduce(0) { $0 << 8 | UInt16($1) } }
        mutating func uint32() throws(AuditError) -> UInt32 { try take(4).reduce(0) { $0 << 8 | UInt32($1) } }
        mutating func uint64() throws(AuditError) -> UInt64 { try take(8).reduce(0) { $0 << 8 | UInt64($1) } }

        mutating func string() throws(AuditError) -> String {
            let length = Int(try uint32())
            let raw = try take(length)
            guard let text = String(validating: raw, as: UTF8.self) else { throw AuditError(.malformedEncoding, "invalid UTF-8") }
            return text
        }

        mutating func optionalString() throws(AuditError) -> String? {
            switch try take(1)[0] {
            case 0: return nil
            case 1: return try string()
            default: throw AuditError(.malformedEncoding, "bad optional marker at byte \(offset - 1)")
            }
        }
    }
}
