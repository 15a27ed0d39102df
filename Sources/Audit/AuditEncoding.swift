public import Kernel

/// The canonical byte encodings of an audit record, version 1: what its hash is computed over.
///
/// Two levels, all integers big-endian:
/// ```
/// body  = "CSAUDIT-BODY" · u16 version · chain str · actor str · branch opt · terminal opt · action str
///         · subject str · payload str
/// link  = "CSAUDIT" · u16 version · seq i64 · time i64 (µs since Unix epoch) · prev_hash (32) · SHA-256(body) (32)
/// hash  = SHA-256(link)
/// str = u32 byte length + UTF-8 bytes;  opt = 0x00 (absent) | 0x01 + str
/// ```
/// Why two levels: the body is everything the caller supplies and can be hashed before the chain is locked; under
/// the lock the database only links a small fixed-size record (see migration 0001's `audit_append`). Every column
/// with meaning is covered; the storage-only row id is not. The version is stored with each row, so a future
/// version 2 can coexist with rows written under version 1.
public enum AuditEncoding {
    public static let currentVersion: Int16 = 1
    public static let supportedVersions: Set<Int16> = [1]
    private static let linkMagic = Array("CSAUDIT".utf8)
    private static let bodyMagic = Array("CSAUDIT-BODY".utf8)

    /// The caller-supplied fields of a record.
    public static func body(
        version: Int16 = currentVersion, chain: String, actor: String, branch: String?, terminal: String?, action: String,
        subject: String, payload: String
    ) throws(AuditError) -> [UInt8] {
        try requireKnown(version)
        var out = bodyMagic
        out.reserveCapacity(96 + payload.utf8.count)
        append(UInt16(version), to: &out)
        append(chain, to: &out)
        append(actor, to: &out)
        append(optional: branch, to: &out)
        append(optional: terminal, to: &out)
        append(action, to: &out)
        append(subject, to: &out)
        append(payload, to: &out)
        return out
    }

    public static func body(of record: AuditRecord) throws(AuditError) -> [UInt8] {
        try body(
            version: record.encodingVersion, chain: record.chain, actor: record.actor, branch: record.branch, terminal: record.terminal,
            action: record.action, subject: record.subject, payload: record.payload)
    }

    /// The chain-position fields and the body's digest: the bytes whose SHA-256 is the record's hash.
    public static func link(version: Int16 = currentVersion, seq: Int64, time: Timestamp, prevHash: SHA256Hash, bodyDigest: SHA256Hash)
        throws(AuditError) -> [UInt8]
    {
        try requireKnown(version)
        var out = linkMagic
        out.reserveCapacity(9 + 16 + 64)
        append(UInt16(version), to: &out)
        append(UInt64(bitPattern: seq), to: &out)
        append(UInt64(bitPattern: time.microsecondsSinceEpoch), to: &out)
        out += prevHash.bytes
        out += bodyDigest.bytes
        return out
    }

    /// One self-contained encoding of the whole record (link fields then body), for archives and round trips.
    public static func encode(_ record: AuditRecord) throws(AuditError) -> [UInt8] {
        let body = try body(of: record)
        var out = try link(version: record.encodingVersion, seq: record.seq, time: record.time, prevHash: record.prevHash, bodyDigest: .zero)
        out.removeLast(32)
        return out + body
    }

    /// Reads ``encode(_:)`` back into a record (its hash recomputed).
    public static func decode(_ bytes: [UInt8]) throws(AuditError) -> AuditRecord {
        var reader = Reader(bytes: bytes)
        guard try reader.take(linkMagic.count) == linkMagic else { throw AuditError(.malformedEncoding, "missing CSAUDIT header") }
        let version = Int16(bitPattern: try reader.uint16())
        try requireKnown(version)
        let seq = Int64(bitPattern: try reader.uint64())
        let time = Timestamp(microsecondsSinceEpoch: Int64(bitPattern: try reader.uint64()))
        guard let prevHash = SHA256Hash(bytes: try reader.take(32)) else { throw AuditError(.malformedEncoding, "short hash") }
        guard try reader.take(bodyMagic.count) == bodyMagic, Int16(bitPattern: try reader.uint16()) == version else {
            throw AuditError(.malformedEncoding, "missing CSAUDIT-BODY header")
        }
        let chain = try reader.string()
        let actor = try reader.string()
        let branch = try reader.optionalString()
        let terminal = try reader.optionalString()
        let action = try reader.string()
        let subject = try reader.string()
        let payload = try reader.string()
        guard reader.isAtEnd else { throw AuditError(.malformedEncoding, "trailing bytes") }
        return try AuditRecord(
            chain: chain, seq: seq, time: time, actor: actor, branch: branch, terminal: terminal, action: action,
            subject: subject, payload: payload, prevHash: prevHash, encodingVersion: version)
    }

    private static func requireKnown(_ version: Int16) throws(AuditError) {
        guard supportedVersions.contains(version) else {
            throw AuditError(.unknownEncodingVersion, "encoding version \(version) is not known to this verifier")
        }
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
