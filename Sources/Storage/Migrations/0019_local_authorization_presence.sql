-- Presence for local mode (issue #13). Every other mode claims only for an officer who is online (officer_presence);
-- local mode was claimed with no presence rule at all, so the application role could decide a local request in the
-- name of any supervisor of the branch. Local presence means: the supervisor's own credentials were checked just
-- now, at the terminal the request comes from. The service records that check, in the same transaction as the
-- claim, and the claim guard requires it. (The database cannot check a password; what it holds the service to is
-- the same kind of record every other mode's presence is.)

CREATE TABLE authz_local_credentials (
    request_id  text PRIMARY KEY REFERENCES authz_requests (id),
    officer_id  text NOT NULL REFERENCES users (id),
    terminal    text NOT NULL,
    verified_at timestamptz NOT NULL
);

REVOKE ALL ON authz_local_credentials FROM PUBLIC;
GRANT SELECT, INSERT ON authz_local_credentials TO countersign_app;

-- A check belongs to a pending local request, made at that request's terminal by a supervisor of its branch who is
-- not its teller, now.
CREATE FUNCTION authz_local_credentials_guard() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r authz_requests;
BEGIN
    SELECT * INTO r FROM authz_requests WHERE id = NEW.request_id;
    IF r.mode <> 'local' OR r.state <> 'pending' OR r.terminal IS NULL OR r.terminal <> NEW.terminal THEN
        RAISE EXCEPTION 'request %: local credentials are checked at its own terminal while it is pending in local mode', NEW.request_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.officer_id = r.teller_id OR NOT EXISTS (
        SELECT 1 FROM users u WHERE u.id = NEW.officer_id AND u.role = 'supervisor' AND u.active AND u.branch_code = r.branch_code)
    THEN
        RAISE EXCEPTION 'request %: % is not a supervisor of branch %', NEW.request_id, NEW.officer_id, r.branch_code
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT authz_clock_ok(NEW.verified_at) THEN
        RAISE EXCEPTION 'request %: credential check time is far from the database clock', NEW.request_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER authz_local_credentials_guard BEFORE INSERT ON authz_local_credentials
    FOR EACH ROW EXECUTE FUNCTION authz_local_credentials_guard();
CREATE TRIGGER authz_local_credentials_final BEFORE UPDATE OR DELETE ON authz_local_credentials
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

-- As in 0005, and: a local claim needs the claimant's credential check for this request (every other mode needs
-- the claimant online).
CREATE OR REPLACE FUNCTION authz_requests_guard() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_presence text;
BEGIN
    IF NEW.id <> OLD.id OR NEW.teller_id <> OLD.teller_id OR NEW.transaction_id <> OLD.transaction_id
       OR NEW.payload_digest <> OLD.payload_digest OR NEW.material_digest <> OLD.material_digest OR NEW.material <> OLD.material
       OR NEW.amount_minor <> OLD.amount_minor OR NEW.currency <> OLD.currency
       OR NEW.code <> OLD.code OR NEW.level <> OLD.level OR NEW.officers_required <> OLD.officers_required
       OR NEW.modes <> OLD.modes OR NEW.mode <> OLD.mode OR NEW.branch_code <> OLD.branch_code
       OR NEW.terminal IS DISTINCT FROM OLD.terminal THEN
        RAISE EXCEPTION 'request %: what was requested cannot change; resubmit a new version', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF NOT (
           (OLD.state = 'pending' AND NEW.state IN ('pending', 'claimed', 'expired'))
        OR (OLD.state = 'claimed' AND NEW.state IN ('pending', 'claimed', 'approved', 'rejected', 'returned', 'expired'))
        OR (OLD.state = 'approved' AND NEW.state = 'committed')
    ) OR (OLD.state = 'claimed' AND NEW.state = 'claimed' AND NEW.claimed_by IS DISTINCT FROM OLD.claimed_by) THEN
        RAISE EXCEPTION 'request %: % → % is not allowed', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.scope <> OLD.scope AND NEW.scope IS DISTINCT FROM authz_wider_scope(OLD.scope, OLD.modes) THEN
        RAISE EXCEPTION 'request %: scope % cannot become %', OLD.id, OLD.scope, NEW.scope USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state = 'claimed' AND OLD.state = 'pending' THEN
        IF NOT authz_clock_ok(NEW.claimed_at) THEN
            RAISE EXCEPTION 'request %: claim time is far from the database clock', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        IF NOT authz_eligible(NEW.claimed_by, NEW) THEN
            RAISE EXCEPTION 'request %: % may not claim it (level, limit, codes, branch, mode, or already decided)', OLD.id, NEW.claimed_by
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.mode = 'local' THEN
            IF NOT EXISTS (SELECT 1 FROM authz_local_credentials c WHERE c.request_id = OLD.id AND c.officer_id = NEW.claimed_by) THEN
                RAISE EXCEPTION 'request %: % did not prove presence at terminal %', OLD.id, NEW.claimed_by, OLD.terminal
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
        ELSE
            SELECT status INTO v_presence FROM officer_presence WHERE user_id = NEW.claimed_by;
            IF v_presence IS DISTINCT FROM 'online' THEN
                RAISE EXCEPTION 'request %: % is not online', OLD.id, NEW.claimed_by USING ERRCODE = 'insufficient_privilege';
            END IF;
        END IF;
    END IF;
    -- A decision row must exist for the decider before the request can leave the claimed state with a decision.
    IF OLD.state = 'claimed' AND NEW.state IN ('approved', 'rejected', 'returned')
       OR (OLD.state = 'claimed' AND NEW.state = 'pending' AND NEW.approvals > OLD.approvals) THEN
        IF NOT EXISTS (SELECT 1 FROM authz_decisions d WHERE d.request_id = OLD.id AND d.officer_id = OLD.claimed_by) THEN
            RAISE EXCEPTION 'request %: no decision recorded by the claimant', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.approvals <> (SELECT count(*) FROM authz_decisions d WHERE d.request_id = OLD.id AND d.decision = 'approve') THEN
            RAISE EXCEPTION 'request %: approvals must count the approve decisions', OLD.id USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NEW.approvals <> OLD.approvals THEN
        RAISE EXCEPTION 'request %: approvals change only with a decision', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
