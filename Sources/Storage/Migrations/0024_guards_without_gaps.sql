-- Gaps a review found in 0020–0022, each exploitable by a client connected as the application role:
--   * authz_same_requirement returned NULL (not false) when one side was SQL NULL or lacked a key, and the guard's
--     `IF NOT …` let NULL through: a CNY 5,000,000 withdrawal could be inserted `ready` with the right matched rules
--     and no requirement, then committed with no approval;
--   * a rejection could be undone: with the officer's reject decision recorded, the request could be moved to
--     returned or expired instead of rejected, and the transaction asked for again. The decision itself now
--     finishes the transaction;
--   * any committed transaction (one committed through the API, or another teller's) could be linked to a made-up
--     counter session and signature and so become a voucher. A counter link is now only the booking of an open
--     transaction of the session's own teller.

-- Strictly true or false: equal when both are absent, or both are requirement objects with the same level,
-- officers, timeouts, and the same modes and material as sets.
CREATE OR REPLACE FUNCTION authz_same_requirement(a jsonb, b jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN a IS NULL OR b IS NULL THEN a IS NULL AND b IS NULL
        ELSE coalesce(
            jsonb_typeof(a) = 'object' AND jsonb_typeof(b) = 'object'
            AND a ?& ARRAY['level', 'officers', 'modes', 'material', 'timeouts']
            AND (a -> 'level') = (b -> 'level') AND (a -> 'officers') = (b -> 'officers') AND (a -> 'timeouts') = (b -> 'timeouts')
            AND jsonb_typeof(a -> 'modes') = 'array' AND jsonb_typeof(a -> 'material') = 'array'
            AND (a -> 'modes') @> (b -> 'modes') AND (b -> 'modes') @> (a -> 'modes')
            AND (a -> 'material') @> (b -> 'material') AND (b -> 'material') @> (a -> 'material'),
            false)
    END
$$;

-- A reject decision finishes its transaction in the statement that records it, whatever happens to the request
-- afterwards.
CREATE FUNCTION authz_reject_decision_finishes_transaction() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE teller_transactions t SET state = 'abandoned'
    FROM authz_requests r
    WHERE r.id = NEW.request_id AND t.id = r.transaction_id AND t.state = 'needs_authorization';
    RETURN NEW;
END $$;

CREATE TRIGGER authz_reject_decision_finishes_transaction AFTER INSERT ON authz_decisions
    FOR EACH ROW WHEN (NEW.decision = 'reject') EXECUTE FUNCTION authz_reject_decision_finishes_transaction();

-- A counter session books a transaction only as it is submitted: the session's own teller and branch, a session
-- still open, a transaction still open (not one committed elsewhere), for a version the customer signed (the
-- signature exists before the link: foreign key).
CREATE FUNCTION counter_transactions_guard() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
        FROM counter_sessions s
        JOIN counter_signatures g ON g.session_id = s.id AND g.draft_version = NEW.draft_version
        JOIN teller_transactions t ON t.id = NEW.transaction_id
        WHERE s.id = NEW.session_id AND s.closed_at IS NULL AND s.teller_id = t.teller_id AND s.branch_code = t.branch_code
          AND t.state IN ('needs_authorization', 'ready'))
    THEN
        RAISE EXCEPTION 'counter session %: it books only an open transaction of its own teller, for a signed version', NEW.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_books_its_own_transaction';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER counter_transactions_guard BEFORE INSERT ON counter_transactions FOR EACH ROW EXECUTE FUNCTION counter_transactions_guard();
