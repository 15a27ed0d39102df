/// The service's own safety check at start: its database role must not be able to rewrite the audit trail nor
/// step around the guards that enforce the bank's rules.
///
/// It may SELECT both audit tables and EXECUTE audit_append(), nothing else there; it may not create temporary
/// tables (they would shadow the tables the guards read); every guard trigger is in place and enabled; every
/// PL/pgSQL function resolves names with a pinned search_path. Grants drift (a hurried `GRANT ALL`, running as the
/// owner "just this once", a migration that redefines a function and drops its setting); the service refuses to
/// serve rather than write evidence that its own role could later change or forge.
public enum PrivilegeCheck {
    public static func requireAppendOnly(_ database: Database) async throws {
        let problems = try await database.read { tx in try await findProblems(tx) }
        guard problems.isEmpty else {
            throw StorageError(
                .unsafePrivileges,
                "refusing to start: the database role '\(database.settings.username)' could alter the audit trail or bypass the guards: "
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
        // What the guards judge by — the rules in force, the directory, the seal registry — is the owner's to write;
        // users and their administrative changes only through the dual-control functions (migration 0035); findings and
        // samples only through their functions (migration 0041), the reports' figures only by report_roll (0043).
        let judged = try await tx.query(
            """
            SELECT t.name, p.privilege, has_table_privilege(current_user, t.name, p.privilege)
            FROM (VALUES ('authz_rule_sets'), ('directory_entries'), ('seals'), ('terminals'), ('certificate_revocations'), ('users'),
                         ('admin_changes'), ('branches'), ('officer_authority'), ('officer_limits'), ('audit_findings'),
                         ('audit_samples'), ('audit_sample_items'), ('report_figures'), ('report_latency'), ('report_rolls')) AS t(name)
            CROSS JOIN (VALUES ('INSERT'), ('DELETE'), ('TRUNCATE')) AS p(privilege)
            WHERE to_regclass(t.name) IS NOT NULL
            UNION ALL
            SELECT t.name, 'UPDATE', has_table_privilege(current_user, t.name, 'UPDATE')
            FROM (VALUES ('authz_rule_sets'), ('directory_entries'), ('terminals'), ('certificate_revocations'), ('users'), ('admin_changes'),
                         ('branches'), ('officer_authority'), ('officer_limits'), ('audit_findings'), ('audit_samples'),
                         ('audit_sample_items'), ('report_figures'), ('report_latency'), ('report_rolls')) AS t(name)
            WHERE to_regclass(t.name) IS NOT NULL
            """)
        for try await (table, privilege, granted) in judged.decode((String, String, Bool).self) where granted {
            problems.append("it has \(privilege) on \(table)")
        }
        // A session is ended (revoked_at) or used (last_seen_at, migration 0047), never re-dated nor deleted: its end,
        // idle limit and owner are what sign-in wrote.
        let sessions = try await tx.query(
            """
            SELECT 'sessions.' || a.attname, 'UPDATE', has_column_privilege(current_user, 'sessions', a.attname, 'UPDATE')
            FROM pg_attribute a
            WHERE a.attrelid = 'sessions'::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname NOT IN ('revoked_at', 'last_seen_at')
            UNION ALL
            SELECT 'sessions', 'DELETE', has_table_privilege(current_user, 'sessions', 'DELETE')
            """)
        for try await (table, privilege, granted) in sessions.decode((String, String, Bool).self) where granted {
            problems.append("it has \(privilege) on \(table)")
        }
        // Password hashes of the past and the database's own verifiers (migration 0037) are not the role's to see.
        let secrets = try await tx.query(
            """
            SELECT t.name, p.privilege, has_table_privilege(current_user, t.name, p.privilege)
            FROM (VALUES ('password_history'), ('password_verifiers')) AS t(name)
            CROSS JOIN (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE')) AS p(privilege)
            WHERE to_regclass(t.name) IS NOT NULL
            """)
        for try await (table, privilege, granted) in secrets.decode((String, String, Bool).self) where granted {
            problems.append("it has \(privilege) on \(table)")
        }
        let triggers = try await tx.query(
            """
            SELECT expected.name, coalesce(tg.tgenabled::text, 'missing')
            FROM (VALUES ('audit_events_no_update'), ('audit_events_no_truncate'),
                         ('audit_chain_heads_no_delete'), ('audit_chain_heads_no_truncate'),
                         ('teller_transactions_guard'), ('authz_requests_insert_guard'), ('authz_requests_guard'),
                         ('authz_decisions_guard'), ('authz_decisions_final'), ('authz_lease_expiries_final'),
                         ('receipts_require_committed'), ('vouchers_forward_only'), ('seals_revocation_is_final'),
                         ('authz_local_credentials_guard'), ('authz_local_credentials_final'),
                         ('vouchers_from_committed_transaction'), ('teller_transactions_replace_guard'),
                         ('authz_reject_decision_finishes_transaction'),
                         ('counter_transactions_guard'), ('sessions_at_registered_terminal'), ('screen_devices_guard'),
                         ('screen_devices_no_delete'), ('counter_sessions_enrolled_screen'), ('counter_confirmations_statement'),
                         ('counter_signatures_statement'), ('counter_screens_guard'), ('counter_drafts_guard'),
                         ('counter_screens_announce'), ('counter_screens_changed'), ('counter_drafts_announce'),
                         ('counter_sessions_announce'), ('screen_devices_announce'), ('counter_sessions_close_guard'),
                         ('txn_withdrawals_guard'), ('txn_withdrawals_final'), ('txn_withdrawal_finishes_transaction'),
                         ('teller_transactions_abandon_guard'), ('seals_revocation_names_certificate'),
                         ('certificate_revocations_final'), ('seals_revoked_certificate_fixed'),
                         ('voucher_renewals_append_only'), ('voucher_renewals_final'), ('admin_changes_final'),
                         ('sessions_announce_ended'), ('audit_findings_steps'), ('audit_samples_final'), ('audit_sample_items_final'),
                         ('sessions_revocation_final')) AS expected(name)
            LEFT JOIN pg_trigger tg ON tg.tgname = expected.name
            """)
        for try await (name, state) in triggers.decode((String, String).self) where state != "O" && state != "A" {
            problems.append("trigger \(name) is \(state == "missing" ? "missing" : "disabled")")
        }
        let temporary = try await tx.query("SELECT has_database_privilege(current_user, current_database(), 'TEMPORARY')")
        for try await canCreate in temporary.decode(Bool.self) where canCreate {
            problems.append("it can create temporary tables, which would shadow the tables the guards read")
        }
        let unpinned = try await tx.query(
            """
            SELECT p.oid::regprocedure::text FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
            WHERE n.nspname = 'public' AND l.lanname = 'plpgsql'
              AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, public, pg_temp'], false)
            """)
        for try await function in unpinned.decode(String.self) {
            problems.append("function \(function) has no pinned search_path")
        }
        return Array(Set(problems)).sorted()
    }
}
