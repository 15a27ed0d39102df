-- The database's guarantees hold against the application role itself, not only against mistakes in the service
-- (issue #13). Connected as countersign_app, a session could
--   * create temporary tables named users, officer_authority, officer_limits, officer_presence or authz_settings:
--     PostgreSQL searches the session's temporary schema first for tables, so the guards would read those and a
--     teller could be made eligible to claim and decide, or the clock check switched off;
--   * insert a transaction already committed, with no request and no approval;
--   * insert a request in a mode the interceptor did not allow (local, where the rule forbids it).
-- So: no temporary objects for the application role, every PL/pgSQL function runs with a pinned search_path in
-- which the temporary schema comes last, and the insert guards check the initial state and the allowed modes.
-- The service checks all of this at start (PrivilegeCheck) and refuses to serve when any of it is missing.

-- CREATE DATABASE gives PUBLIC the right to create temporary tables; nothing here needs them.
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM countersign_app', current_database());
END $$;

-- A new transaction starts open: waiting for authorization or ready to commit, never committed or abandoned, at a
-- time near the database's clock. Only the commit (an UPDATE, which needs the approval) makes it final.
CREATE OR REPLACE FUNCTION teller_transactions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.teller_id AND role = 'teller' AND active AND branch_code = NEW.branch_code) THEN
            RAISE EXCEPTION 'only an active teller of branch % submits transactions', NEW.branch_code USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.state NOT IN ('needs_authorization', 'ready') OR NEW.committed_at IS NOT NULL OR NEW.committed_digest IS NOT NULL THEN
            RAISE EXCEPTION 'transaction %: a new transaction starts open, not %', NEW.id, NEW.state USING ERRCODE = 'check_violation';
        END IF;
        IF NOT authz_clock_ok(NEW.submitted_at) THEN
            RAISE EXCEPTION 'transaction %: submission time is far from the database clock', NEW.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.payload_digest <> OLD.payload_digest OR NEW.teller_id <> OLD.teller_id OR NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'transaction %: the submitted payload cannot change', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.state IN ('committed', 'abandoned') OR NEW.state NOT IN ('committed', 'abandoned')
       OR NEW.requirement IS DISTINCT FROM OLD.requirement THEN
        RAISE EXCEPTION 'transaction %: % → % is not allowed', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state = 'committed' AND OLD.requirement IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM authz_requests r
        WHERE r.transaction_id = OLD.id AND r.state = 'committed' AND r.payload_digest = NEW.committed_digest AND r.committed_at = NEW.committed_at
    ) THEN
        RAISE EXCEPTION 'transaction %: no approval for this payload', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

-- As in 0014, and: the request offers exactly the modes the interceptor allowed for its transaction, and is made in
-- one of them, at a time near the database's clock.
CREATE OR REPLACE FUNCTION authz_requests_insert_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    t teller_transactions;
    v_allowed text[];
BEGIN
    SELECT * INTO t FROM teller_transactions WHERE id = NEW.transaction_id;
    IF t.teller_id <> NEW.teller_id OR t.payload_digest <> NEW.payload_digest OR t.state <> 'needs_authorization'
       OR t.amount_minor <> NEW.amount_minor OR t.currency <> NEW.currency OR t.code <> NEW.code OR t.branch_code <> NEW.branch_code THEN
        RAISE EXCEPTION 'request for %: it must match the open transaction it authorizes', NEW.transaction_id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.level < (t.requirement ->> 'level')::int OR NEW.officers_required < (t.requirement ->> 'officers')::int THEN
        RAISE EXCEPTION 'request for %: below what the rules require', NEW.transaction_id USING ERRCODE = 'check_violation';
    END IF;
    v_allowed := ARRAY(SELECT jsonb_array_elements_text(t.requirement -> 'modes'));
    IF NOT (NEW.modes <@ v_allowed AND NEW.modes @> v_allowed AND NEW.mode = ANY (v_allowed)) THEN
        RAISE EXCEPTION 'request for %: mode % is not one the rules allow (%)', NEW.transaction_id, NEW.mode, array_to_string(v_allowed, ', ')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'authz_mode_allowed';
    END IF;
    IF NOT authz_clock_ok(NEW.created_at) THEN
        RAISE EXCEPTION 'request for %: creation time is far from the database clock', NEW.transaction_id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state <> 'pending' OR NEW.approvals <> 0 OR NEW.claimed_by IS NOT NULL OR NEW.scope <> NEW.mode THEN
        RAISE EXCEPTION 'a new request starts pending, unclaimed, in its own mode' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM authz_requests r WHERE r.transaction_id = NEW.transaction_id AND r.state NOT IN ('returned', 'expired', 'rejected')) THEN
        RAISE EXCEPTION 'transaction % already has an open request', NEW.transaction_id USING ERRCODE = 'unique_violation';
    END IF;
    IF NEW.assigned_to IS NOT NULL AND NOT (
        NEW.scope = 'central'
        AND EXISTS (SELECT 1 FROM officer_presence p WHERE p.user_id = NEW.assigned_to AND p.status = 'online')
        AND authz_eligible(NEW.assigned_to, NEW)
    ) THEN
        RAISE EXCEPTION 'request for %: % is not an online officer eligible for it', NEW.transaction_id, NEW.assigned_to
            USING ERRCODE = 'check_violation', CONSTRAINT = 'authz_assigned_available';
    END IF;
    RETURN NEW;
END $$;

-- Every PL/pgSQL function (the guards, eligibility, the steps) resolves names in pg_catalog, then public, and the
-- temporary schema last, whoever calls it. CREATE OR REPLACE drops this setting: a later migration that redefines
-- a function must pin it again, and PrivilegeCheck refuses to start when one is not pinned. (The SQL functions
-- us_to_ts, ts_to_us and authz_wider_scope read no table and stay inlinable.)
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        JOIN pg_language l ON l.oid = p.prolang
        WHERE n.nspname = 'public' AND l.lanname = 'plpgsql'
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', f);
    END LOOP;
END $$;
