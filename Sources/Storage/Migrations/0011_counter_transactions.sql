-- The counter's transaction: what the customer confirmed and signed is booked as a teller transaction (through the
-- interceptor and, when the rules say so, authorization), and the customer's receipt is issued only for a
-- committed one. One transaction per signed draft version; a transaction belongs to at most one counter draft.
CREATE TABLE counter_transactions (
    session_id     bigint NOT NULL,
    draft_version  integer NOT NULL,
    transaction_id text NOT NULL UNIQUE REFERENCES teller_transactions (id),
    PRIMARY KEY (session_id, draft_version),
    -- Only a signed version (which is a confirmed one) is booked.
    FOREIGN KEY (session_id, draft_version) REFERENCES counter_signatures (session_id, draft_version)
);

ALTER TABLE receipts ADD COLUMN transaction_id text REFERENCES teller_transactions (id);

-- A counter receipt names the committed transaction of its own session: no receipt for something never booked,
-- whatever the service's code does.
CREATE FUNCTION receipts_require_committed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.session_id IS NULL THEN
        RETURN NEW;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM counter_transactions c JOIN teller_transactions t ON t.id = c.transaction_id
        WHERE c.session_id = NEW.session_id AND c.transaction_id = NEW.transaction_id AND t.state = 'committed')
    THEN
        RAISE EXCEPTION 'receipt for counter session % needs its committed transaction (got %)', NEW.session_id, NEW.transaction_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER receipts_require_committed BEFORE INSERT ON receipts FOR EACH ROW EXECUTE FUNCTION receipts_require_committed();

-- The teller is told why a request came back: the reason of the return or rejection rides with the snapshot.
CREATE OR REPLACE FUNCTION authz_request_view(r authz_requests) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN jsonb_build_object(
        'id', r.id, 'transaction', r.transaction_id, 'version', r.version, 'previous', r.previous_id,
        'branch', r.branch_code, 'teller', r.teller_id, 'terminal', r.terminal, 'code', r.code,
        'amount_minor', r.amount_minor, 'currency', r.currency, 'level', r.level, 'officers', r.officers_required,
        'modes', to_jsonb(r.modes), 'mode', r.mode, 'scope', r.scope, 'assigned_to', r.assigned_to, 'state', r.state,
        'approvals', r.approvals, 'claimed_by', r.claimed_by, 'claimed_at_us', ts_to_us(r.claimed_at),
        'lease_until_us', ts_to_us(r.lease_until), 'created_at_us', ts_to_us(r.created_at), 'offered_at_us', ts_to_us(r.offered_at),
        'teller_deadline_us', ts_to_us(r.teller_deadline), 'decided_at_us', ts_to_us(r.decided_at),
        'committed_at_us', ts_to_us(r.committed_at), 'unclaimed_seconds', r.unclaimed_seconds, 'lease_seconds', r.lease_seconds,
        'payload_digest', encode(r.payload_digest, 'hex'), 'material_digest', encode(r.material_digest, 'hex'), 'material', r.material,
        'reason', CASE WHEN r.state IN ('returned', 'rejected') THEN
            (SELECT d.reason FROM authz_decisions d WHERE d.request_id = r.id AND d.decision <> 'approve'
             ORDER BY d.decided_at DESC LIMIT 1) END);
END $$;

REVOKE ALL ON counter_transactions FROM PUBLIC;
GRANT SELECT, INSERT ON counter_transactions TO countersign_app;
