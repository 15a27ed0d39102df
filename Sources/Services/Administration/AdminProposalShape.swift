import Accounts
import Foundation
import Kernel
import Storage

/// One value of a proposal's details: text, a whole number, a list of words, or amounts per currency (minor units).
public enum AdminDetail: Sendable, Equatable, Codable {
    case text(String)
    case number(Int64)
    case list([String])
    case amounts([String: Int64])

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer()
        if let text = try? value.decode(String.self) {
            self = .text(text)
        } else if let number = try? value.decode(Int64.self) {
            self = .number(number)
        } else if let list = try? value.decode([String].self) {
            self = .list(list)
        } else if let amounts = try? value.decode([String: Int64].self) {
            self = .amounts(amounts)
        } else {
            throw DecodingError.dataCorruptedError(
                in: value, debugDescription: "a detail is text, a whole number, a list of text, or amounts per currency")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var value = encoder.singleValueContainer()
        switch self {
        case .text(let text): try value.encode(text)
        case .number(let number): try value.encode(number)
        case .list(let list): try value.encode(list)
        case .amounts(let amounts): try value.encode(amounts)
        }
    }

    /// As the audit event records it.
    var canonical: CanonicalJSON {
        switch self {
        case .text(let text): .string(text)
        case .number(let number): .integer(number)
        case .list(let list): .array(list.map { .string($0) })
        case .amounts(let amounts): .object(amounts.mapValues { .integer($0) })
        }
    }
}

/// What each kind of change names and says, checked before it is proposed, with a clear word for each mistake. The
/// database checks again when it is proposed and when it is approved (migrations 0035, 0037, 0038).
enum AdminProposalShape {
    static let userID = #"^[a-z0-9_.-]{1,64}$"#
    static let code = #"^[A-Za-z0-9_.-]{1,64}$"#
    static let terminal = #"^[A-Za-z0-9_.-]{1,64}/[A-Za-z0-9_.-]{1,64}$"#
    static let version = #"^[A-Za-z0-9_.-]{1,40}$"#
    static let sealID = #"^[A-Z0-9][A-Z0-9-]{1,63}$"#
    static let formID = #"^(\*|[a-z0-9][a-z0-9-]{0,63})$"#
    static let roles = Role.allCases.map(\.rawValue).joined(separator: ", ")

    static func check(_ kind: AdminChange.Kind, target: String, details: [String: AdminDetail]) throws(AdminError) {
        switch kind {
        case .createBranch: try name(target, code, "a branch code (A–Z, a–z, 0–9, _ . -) / 网点代码格式不正确")
        case .registerTerminal: try name(target, terminal, "BRANCH/TERMINAL, e.g. BR001/T09 / 终端须写作 网点/终端号")
        case .activateRules: try name(target, version, "the rule set's version (1–40 of A–Z, a–z, 0–9, _ . -) / 规则版本格式不正确")
        case .mapSeal: try name(target, sealID, "a seal id (A–Z, 0–9, -) / 印章编号格式不正确")
        default: try name(target, userID, "a user id (a–z, 0–9, _ . -, at most 64) / 用户编号格式不正确")
        }
        switch kind {
        case .createUser:
            try keys(details, ["display_name", "branch", "role"])
            try text(details, "display_name", 1...100)
            try text(details, "branch", 1...64)
            try role(details)
        case .changeRole:
            try keys(details, ["branch", "role"])
            try text(details, "branch", 1...64)
            try role(details)
        case .createBranch:
            try keys(details, ["name_zh", "name_en", "kind"])
            try text(details, "name_zh", 1...100)
            try text(details, "name_en", 1...100)
            guard case .text(let branchKind)? = details["kind"], ["branch", "centre", "head_office"].contains(branchKind) else {
                throw AdminError(.badChange, "kind is branch, centre or head_office / 网点类型须为 branch、centre 或 head_office")
            }
        case .setAuthority:
            try authority(details)
        case .activateRules:
            try keys(details, ["source"])
            try text(details, "source", 2...1_000_000)
        case .mapSeal:
            try keys(details, ["forms"])
            guard case .list(let forms)? = details["forms"], forms.count <= 100,
                forms.allSatisfy({ $0.range(of: formID, options: .regularExpression) != nil })
            else { throw AdminError(.badChange, "forms is a list of form ids, \"*\" for every form / 凭证类型须为表单编号列表") }
        case .deactivateUser, .reactivateUser, .resetPassword, .unlockUser, .registerTerminal, .revokeAuthority:
            guard details.isEmpty else { throw AdminError(.badChange, "\(kind.rawValue) takes no details / 此类变更不带其他内容") }
        }
    }

    private static func name(_ target: String, _ pattern: String, _ what: String) throws(AdminError) {
        guard target.utf8.count <= 129, target.range(of: pattern, options: .regularExpression) != nil else {
            throw AdminError(.badChange, "target must be \(what)")
        }
    }

    private static func keys(_ details: [String: AdminDetail], _ expected: Set<String>) throws(AdminError) {
        guard Set(details.keys) == expected else {
            throw AdminError(
                .badChange, "details are exactly \(expected.sorted().joined(separator: ", ")) / 变更内容须为：\(expected.sorted().joined(separator: "、"))")
        }
    }

    /// Counted as PostgreSQL counts (code points), so what passes here passes its CHECK too.
    private static func text(_ details: [String: AdminDetail], _ key: String, _ length: ClosedRange<Int>) throws(AdminError) {
        guard case .text(let value)? = details[key], length.contains(value.unicodeScalars.count) else {
            throw AdminError(.badChange, "\(key) is text of \(length.lowerBound)–\(length.upperBound) characters / \(key) 长度不符")
        }
    }

    private static func role(_ details: [String: AdminDetail]) throws(AdminError) {
        guard case .text(let role)? = details["role"], Role(rawValue: role) != nil else {
            throw AdminError(.badChange, "role is one of \(roles) / 角色不正确")
        }
    }

    /// Level 1–5, 1–100 transaction codes (`*` for all), at most 500 branches served, limits per currency.
    private static func authority(_ details: [String: AdminDetail]) throws(AdminError) {
        guard Set(details.keys).isSubset(of: ["level", "codes", "branches_served", "limits"]), case .number(let level)? = details["level"],
            (1...5).contains(level), case .list(let codes)? = details["codes"], (1...100).contains(codes.count),
            codes.allSatisfy({ $0 == "*" || $0.range(of: code, options: .regularExpression) != nil }),
            case .amounts(let limits)? = details["limits"], !limits.isEmpty,
            limits.allSatisfy({ $0.key.range(of: "^[A-Z]{3}$", options: .regularExpression) != nil && $0.value >= 0 })
        else {
            throw AdminError(
                .badChange,
                "authority is level (1–5), codes (1–100, \"*\" for all), limits per currency in minor units, and optionally branches_served / 授权须有级别、交易代码和各币种限额"
            )
        }
        if let served = details["branches_served"] {
            guard case .list(let branches) = served, branches.count <= 500,
                branches.allSatisfy({ $0.range(of: code, options: .regularExpression) != nil })
            else { throw AdminError(.badChange, "branches_served is a list of branch codes / 代理网点须为网点代码列表") }
        }
    }
}
