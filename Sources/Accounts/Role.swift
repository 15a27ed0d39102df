/// What a user is allowed to do, coarsely. Tellers transact; supervisors and officers authorize; auditors read.
public enum Role: String, Sendable, Codable, CaseIterable {
    case teller, supervisor, officer, auditor, admin
    /// Changes users, under dual control (a second security administrator approves what one proposes).
    case securityAdmin = "security_admin"

    /// Roles that may read the audit trail through the API.
    public var canReadAudit: Bool { self == .auditor || self == .admin }
}

/// A signed-in user as the API sees them.
public struct UserIdentity: Sendable, Equatable, Codable {
    public let id: String
    public let displayName: String
    public let branch: String
    public let role: Role

    enum CodingKeys: String, CodingKey {
        case id, branch, role
        case displayName = "display_name"
    }

    public init(id: String, displayName: String, branch: String, role: Role) {
        self.id = id
        self.displayName = displayName
        self.branch = branch
        self.role = role
    }
}
