-- The teller withdraws a transaction before it is committed (issue #15): the customer changed their mind, walked
-- away while an officer was looking, or the teller keyed it wrong. One row records who withdrew it, when and why;
-- the statement that writes it withdraws the transaction's open request (an officer holding it can no longer
-- decide it) and finishes the transaction. A transaction is abandoned only by a rejection or by this row.
ALTER TABLE authz_requests DROP CONSTRAINT authz_requests_state_check;
ALTER TABLE authz_requests ADD CONSTRAINT authz_requests_state_check
    CHECK (state IN ('pending', 'claimed', 'approved', 'rejected', 'returned', 'expired', 'committed', 'withdrawn'));

CREATE TABLE txn_withdrawals (
    transaction_id text PRIMARY KEY REFERENCES teller_transactions (id),
    teller_id      text NOT NULL REFERENCES users (id),
    reason         text NOT NULL CHECK (char_length(btrim(reason)) BETWEEN 1 AND 200),
    withdrawn_at   timestamptz NOT NULL
);

-- Only the transaction's own teller, an active one, withdraws it, and only while it is open.
CREATE FUNCTION txn_withdrawals_guard() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM teller_transactions t JOIN users u ON u.id = t.teller_id
        WHERE t.id = NEW.transaction_id AND t.teller_id = NEW.teller_id AND u.active AND t.state IN ('needs_authorization', 'ready')
    ) THEN
        RAISE EXCEPTION 'transaction %: only its own teller withdraws it, while it is open', NEW.transaction_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'txn_withdrawn_while_open';
    END IF;
    IF NOT authz_clock_ok(NEW.withdrawn_at) THEN
        RAISE EXCEPTION 'transaction %: withdrawal time is far from the database clock', NEW.transaction_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER txn_withdrawals_guard BEFORE INSERT ON txn_withdrawals FOR EACH ROW EXECUTE FUNCTION txn_withdrawals_guard();
CREATE TRIGGER txn_withdrawals_final BEFORE UPDATE OR DELETE ON txn_withdrawals FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

-- The same statement withdraws the open (or approved, not yet committed) request and finishes the transaction.
CREATE FUNCTION txn_withdrawal_finishes_transaction() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE authz_requests SET state = 'withdrawn', claimed_by = NULL, claimed_at = NULL, lease_until = NULL, decided_at = NEW.withdrawn_at
    WHERE transaction_id = NEW.transaction_id AND state IN ('pending', 'claimed', 'approved');
    UPDATE teller_transactions SET state = 'abandoned' WHERE id = NEW.transaction_id;
    RETURN NULL;
END $$;

CREATE TRIGGER txn_withdrawal_finishes_transaction AFTER INSERT ON txn_withdrawals
    FOR EACH ROW EXECUTE FUNCTION txn_withdrawal_finishes_transaction();

-- A transaction is abandoned by a reject decision on one of its requests or by its teller's withdrawal; nothing
-- else (not the application role writing the state) finishes it without being committed.
CREATE FUNCTION teller_transactions_abandon_guard() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM txn_withdrawals w WHERE w.transaction_id = OLD.id)
       AND NOT EXISTS (
           SELECT 1 FROM authz_requests r JOIN authz_decisions d ON d.request_id = r.id
           WHERE r.transaction_id = OLD.id AND d.decision = 'reject') THEN
        RAISE EXCEPTION 'transaction %: abandoned only by a rejection or its teller''s withdrawal', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'txn_abandoned_for_a_reason';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER teller_transactions_abandon_guard BEFORE UPDATE OF state ON teller_transactions
    FOR EACH ROW WHEN (NEW.state = 'abandoned' AND OLD.state IS DISTINCT FROM 'abandoned')
    EXECUTE FUNCTION teller_transactions_abandon_guard();

-- The request guard of 0019, with one more move: pending, claimed or approved → withdrawn, only with the
-- transaction's withdrawal recorded.
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
           (OLD.state = 'pending' AND NEW.state IN ('pending', 'claimed', 'expired', 'withdrawn'))
        OR (OLD.state = 'claimed' AND NEW.state IN ('pending', 'claimed', 'approved', 'rejected', 'returned', 'expired', 'withdrawn'))
        OR (OLD.state = 'approved' AND NEW.state IN ('committed', 'withdrawn'))
    ) OR (OLD.state = 'claimed' AND NEW.state = 'claimed' AND NEW.claimed_by IS DISTINCT FROM OLD.claimed_by) THEN
        RAISE EXCEPTION 'request %: % → % is not allowed', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state = 'withdrawn' AND NOT EXISTS (SELECT 1 FROM txn_withdrawals w WHERE w.transaction_id = OLD.transaction_id) THEN
        RAISE EXCEPTION 'request %: withdrawn only by its teller''s withdrawal of the transaction', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'authz_withdrawn_by_teller';
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

REVOKE ALL ON txn_withdrawals FROM PUBLIC;
GRANT SELECT, INSERT ON txn_withdrawals TO countersign_app;
