public import Forms

/// Everything printed on one voucher, taken from the authoritative transaction record (never from a browser).
public struct VoucherData: Codable, Sendable, Equatable {
    public let serial: String
    public let bankName: LocalizedText
    public let branch: LocalizedText
    public let teller: String
    /// As printed, e.g. "2026-11-23 14:05:09 +08:00".
    public let time: String
    /// Field id → value as the form defines it (amounts as decimal strings).
    public let values: [String: String]
    /// Lines printed under the footer: what the voucher proves beyond its fields (its transaction, commit time,
    /// rule set, level, mode and approving officers).
    public let evidence: [String]?
    /// A preview: watermarked "样张 SPECIMEN", never stored, signed or sealed.
    public let specimen: Bool?
    /// The voucher's evidence as canonical JSON, embedded in the PDF as an associated file
    /// (``VoucherData/evidenceFileName``), so the file alone carries the chain it proves.
    public let evidenceJSON: String?

    public static let evidenceFileName = "countersign-evidence.json"

    public init(
        serial: String, bankName: LocalizedText, branch: LocalizedText, teller: String, time: String, values: [String: String],
        evidence: [String]? = nil, specimen: Bool? = nil, evidenceJSON: String? = nil
    ) {
        self.evidenceJSON = evidenceJSON
        self.serial = serial
        self.bankName = bankName
        self.branch = branch
        self.teller = teller
        self.time = time
        self.values = values
        self.evidence = evidence
        self.specimen = specimen
    }

    enum CodingKeys: String, CodingKey {
        case serial, teller, time, values, branch, evidence, specimen
        case evidenceJSON = "evidence_json"
        case bankName = "bank_name"
    }
}
