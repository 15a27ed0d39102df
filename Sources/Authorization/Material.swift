public import Kernel

/// One piece of supporting material attached to a request (an ID scan, a voucher image). The bytes are stored
/// encrypted; the request and the approval carry only this description, whose digest the approval binds.
public struct MaterialItem: Sendable, Equatable, Codable {
    public let kind: String
    public let mediaType: String
    public let sha256: SHA256Hash
    public let size: Int

    public init(kind: String, mediaType: String, sha256: SHA256Hash, size: Int) {
        self.kind = kind
        self.mediaType = mediaType
        self.sha256 = sha256
        self.size = size
    }

    enum CodingKeys: String, CodingKey {
        case kind, sha256, size
        case mediaType = "media_type"
    }

    public static let maximumBytes = 512 * 1024
    public static let mediaTypes: Set<String> = ["image/png", "image/jpeg", "application/pdf", "text/plain"]

    public var canonical: CanonicalJSON {
        ["kind": .string(kind), "media_type": .string(mediaType), "sha256": .string(sha256.hex), "size": .integer(Int64(size))]
    }
}

public enum MaterialList {
    public static let maximumItems = 8

    /// The digest of a whole list, independent of the order the teller attached the items in.
    public static func digest(_ items: [MaterialItem]) -> SHA256Hash {
        SHA256Hash.sha256(of: canonical(items).canonicalBytes)
    }

    public static func canonical(_ items: [MaterialItem]) -> CanonicalJSON {
        .array(items.sorted { $0.kind < $1.kind }.map(\.canonical))
    }

    /// Every kind the rules require is present, each kind once, and nothing unexpected in size or type.
    public static func check(_ items: [MaterialItem], required: [String]) throws(SubmissionError) {
        var kinds = Set<String>()
        for item in items {
            guard item.kind.range(of: "^[a-z][a-z0-9_]{1,40}$", options: .regularExpression) != nil else {
                throw SubmissionError("authz.bad_material", "material kind '\(item.kind.prefix(40))' must be a lower-case word")
            }
            guard kinds.insert(item.kind).inserted else { throw SubmissionError("authz.bad_material", "material '\(item.kind)' appears twice") }
            guard MaterialItem.mediaTypes.contains(item.mediaType) else {
                throw SubmissionError("authz.bad_material", "material '\(item.kind)' must be one of \(MaterialItem.mediaTypes.sorted())")
            }
            guard item.size <= MaterialItem.maximumBytes else {
                throw SubmissionError(
                    "authz.material_too_large", "material '\(item.kind)' is larger than \(MaterialItem.maximumBytes / 1024) KiB", kind: .tooLarge)
            }
        }
        guard items.count <= maximumItems else { throw SubmissionError("authz.bad_material", "at most \(maximumItems) items of material") }
        if let missing = required.first(where: { !kinds.contains($0) }) {
            throw SubmissionError("authz.material_missing", "the rules require material '\(missing)'")
        }
    }
}
