public import Authorization
import Foundation

/// An authorization request as `authz_request_view()` in the database renders it: what the API returns and what
/// the push feed carries. Times are microseconds since the epoch.
public struct RequestSnapshot: Sendable, Codable, Equatable {
    public struct Material: Sendable, Codable, Equatable {
        public let kind: String
        public let mediaType: String
        public let sha256: String
        public let size: Int
        enum CodingKeys: String, CodingKey {
            case kind, sha256, size
            case mediaType = "media_type"
        }
    }

    public let id: String
    public let transaction: String
    public let version: Int
    public let previous: String?
    public let branch: String
    public let teller: String
    public let terminal: String?
    public let code: String
    public let amountMinor: Int64
    public let currency: String
    public let level: Int
    public let officers: Int
    public let modes: [String]
    public let mode: String
    public let scope: String
    public var assignedTo: String?
    public let state: RequestState
    public let approvals: Int
    public var claimedBy: String?
    public let claimedAtUs: Int64?
    public let leaseUntilUs: Int64?
    public let createdAtUs: Int64
    public let offeredAtUs: Int64
    public let tellerDeadlineUs: Int64
    public let decidedAtUs: Int64?
    public let committedAtUs: Int64?
    public let unclaimedSeconds: Int
    public let leaseSeconds: Int
    public let payloadDigest: String
    public let materialDigest: String
    public let material: [Material]
    /// Why a returned or rejected request came back (the officer's words); nil otherwise.
    public let reason: String?
    /// Only in the push feed: the online officers a pending request is offered to.
    public var offeredTo: [String]?
    /// Only in the push feed: the feed row's id, for catching up after a reconnect.
    public let feedID: Int64?

    enum CodingKeys: String, CodingKey {
        case id, transaction, version, previous, branch, teller, terminal, code, currency, level, officers, modes, mode, scope, state,
            approvals, material, reason
        case amountMinor = "amount_minor"
        case assignedTo = "assigned_to"
        case claimedBy = "claimed_by"
        case claimedAtUs = "claimed_at_us"
        case leaseUntilUs = "lease_until_us"
        case createdAtUs = "created_at_us"
        case offeredAtUs = "offered_at_us"
        case tellerDeadlineUs = "teller_deadline_us"
        case decidedAtUs = "decided_at_us"
        case committedAtUs = "committed_at_us"
        case unclaimedSeconds = "unclaimed_seconds"
        case leaseSeconds = "lease_seconds"
        case payloadDigest = "payload_digest"
        case materialDigest = "material_digest"
        case offeredTo = "offered_to"
        case feedID = "feed_id"
    }

    /// Open: still waiting for an officer or a decision.
    public var isOpen: Bool { state.isOpen }

    static let decoder = JSONDecoder()

    public static func decode(json: String) throws -> RequestSnapshot {
        try decoder.decode(RequestSnapshot.self, from: Data(json.utf8))
    }
}
