/// The service's own safety check at start: it must not be able to rewrite the audit trail.
///
/// It may SELECT both audit tables and EXECUTE audit_append(), nothing else.
/// Grants drift (a hurried `GRANT ALL`, running as the owner "just this once"); the service refuses to serve
/// rather than write evidence that its own role could later change.
public enum PrivilegeCheck {
    public static func requireAppendOnly(_ database: Database) async throws {
        let problems = try await database.read { tx in try await findProblems(tx) }
        guard problems.isEmpty else {
            throw StorageError(
                .unsafePrivileges,
                "refusing to start: the database role '\(database.settings.username)' can alter the audit trail: "
                    + problems.joined(separator: "; "))
        }
    }

    static func findProblems(_ tx: Transaction) async throws -> [String] {
        var problems: [String] = []
        let role = try await tx.query(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        for try await (superuser, bypass) in role.decode((Bool, Bool).self) where superuser || bypass {
            problems.append("the role is a superuser")
        }
        let privileges = try await tx.query(
            """
            SELECT t.name, p.privilege, has_table_privilege(current_user, t.name, p.privilege),
                   pg_has_role(current_user, c.relowner, 'USAGE')
            FROM (VALUES ('audit_events'), ('audit_chain_heads')) AS t(name)
            JOIN pg_class c ON c.oid = to_regclass(t.name)
            CROSS JOIN (VALUES ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE')) AS p(privilege)
            """)
        for try await (table, privilege, granted, owns) in privileges.decode((String, String, Bool, Bool).self) {
            if owns { problems.append("it owns \(table)") }
            // Appends go through audit_append() only; any direct write privilege could forge or fork a chain.
            if granted { problems.append("it has \(privilege) on \(table)") }
        }
        let triggers = try await tx.query(
            """
            SELECT expected.name, coalesce(tg.tgenabled::text, 'missing')
            FROM (VALUES ('audit_events_no_update'), ('audit_events_no_truncate'),
                         ('audit_chain_heads_no_delete'), ('audit_chain_heads_no_truncate')) AS expected(name)
            LEFT JOIN pg_trigger tg ON tg.tgname = expected.name
            """)
        for try await (name, state) in triggers.decode((String, String).self) where state != "O" && state != "A" {
            problems.append("trigger \(name) is \(state == "missing" ? "missing" : "disabled")")
        }
        return Array(Set(problems)).sorted()
    }
}
