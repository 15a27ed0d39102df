public import Accounts
import Audit
import PostgresNIO

/// Demo branches and users for `make run`. Idempotent; every row it adds is an audit event.
public enum DemoSeed {
    public struct DemoUser: Sendable {
        public let id: String
        public let name: String
        public let branch: String
        public let role: Role
        /// Demo only: printed by `make run`, never used outside a development database.
        public let password: String
    }

    public static let branches: [(code: String, zh: String, en: String, kind: String)] = [
        ("HQ", "总行", "Head Office", "head_office"),
        ("AC01", "集中授权中心", "Central Authorization Centre", "centre"),
        ("BR001", "北京分行营业部", "Beijing Branch", "branch"),
        ("BR002", "上海分行营业部", "Shanghai Branch", "branch"),
    ]

    public static let users: [DemoUser] = [
        DemoUser(id: "teller1", name: "王柜员 Wang (teller)", branch: "BR001", role: .teller, password: "teller1-demo"),
        DemoUser(id: "teller2", name: "李柜员 Li (teller)", branch: "BR002", role: .teller, password: "teller2-demo"),
        DemoUser(id: "super1", name: "张主管 Zhang (supervisor)", branch: "BR001", role: .supervisor, password: "super1-demo"),
        DemoUser(id: "super2", name: "赵主管 Zhao (supervisor)", branch: "BR002", role: .supervisor, password: "super2-demo"),
        DemoUser(id: "officer1", name: "陈授权员 Chen (officer)", branch: "AC01", role: .officer, password: "officer1-demo"),
        DemoUser(id: "officer2", name: "周授权员 Zhou (officer)", branch: "AC01", role: .officer, password: "officer2-demo"),
        DemoUser(id: "centre1", name: "吴中心主管 Wu (centre supervisor)", branch: "AC01", role: .supervisor, password: "centre1-demo"),
        DemoUser(id: "auditor1", name: "刘稽核 Liu (auditor)", branch: "HQ", role: .auditor, password: "auditor1-demo"),
        // Two, because every change of users takes two (dual control, migration 0035).
        DemoUser(id: "sec1", name: "孙安全管理员 Sun (security admin)", branch: "HQ", role: .securityAdmin, password: "sec1-demo"),
        DemoUser(id: "sec2", name: "钱安全管理员 Qian (security admin)", branch: "HQ", role: .securityAdmin, password: "sec2-demo"),
    ]

    /// Limits in minor units per currency: supervisors up to CNY 1M or about the same in each foreign currency the
    /// rules know, centre officers a hundred times that.
    static let supervisorLimits: [String: Int64] = [
        "CNY": 100_000_000, "USD": 20_000_000, "EUR": 18_000_000, "HKD": 150_000_000, "GBP": 16_000_000,
    ]
    static let centreLimits = supervisorLimits.mapValues { $0 * 100 }

    /// The demo authority matrix: branch supervisors at level 2 up to CNY 1M, serving each other's branch across
    /// branches; centre officers at level 3.
    public static let authority: [Authority] = [
        Authority(user: "super1", level: 2, codes: ["*"], branchesServed: ["BR002"], limits: supervisorLimits),
        Authority(user: "super2", level: 2, codes: ["*"], branchesServed: ["BR001"], limits: supervisorLimits),
        Authority(user: "officer1", level: 3, codes: ["*"], branchesServed: [], limits: centreLimits),
        Authority(user: "officer2", level: 3, codes: ["*"], branchesServed: [], limits: centreLimits),
    ]

    /// The counter terminals of the demo branches: a teller signs in only at a registered terminal of their branch.
    public static let terminals: [(branch: String, terminal: String)] =
        (1...8).map { ("BR001", String(format: "T%02d", $0)) } + (1...4).map { ("BR002", String(format: "T%02d", $0)) }

    /// Inserts what is missing, as the owner role. Returns how many rows were added.
    @discardableResult
    public static func seed(_ database: Database) async throws -> Int {
        var added = 0
        for branch in branches {
            added += try await database.transaction { tx in
                try await Directory.addBranch(code: branch.code, zh: branch.zh, en: branch.en, kind: branch.kind, actor: "system:seed", in: tx)
                    ? 1 : 0
            }
        }
        for (branch, terminal) in terminals {
            added += try await database.transaction { tx in
                try await Directory.addTerminal(terminal, branch: branch, actor: "system:seed", in: tx) ? 1 : 0
            }
        }
        for user in users {
            let hash = try PasswordHash.make(password: user.password)
            added += try await database.transaction { tx in
                guard
                    try await Directory.addUser(
                        id: user.id, name: user.name, branch: user.branch, role: user.role, hash: hash, actor: "system:seed", in: tx)
                else { return 0 }
                // The database's own copy for confirming who acts (migration 0037).
                try await Directory.setVerifier(userID: user.id, password: user.password, in: tx)
                return 1
            }
        }
        for grant in authority {
            added += try await database.transaction { tx in
                try await Directory.setAuthority(grant, actor: "system:seed", onlyIfMissing: true, in: tx) ? 1 : 0
            }
        }
        return added
    }
}
