-- One path to a sealed voucher (issue #14). A teller could render a voucher from any values, sign it with strokes
-- typed into a request and seal it: evidence with no customer screen, no confirmation, no authorization and no
-- commit behind it. Now a voucher exists only as the end of a counter transaction, and PostgreSQL holds every step
-- to it whatever the service does:
--   * rendered: from a committed teller transaction of the counter (so confirmed, signed on the customer screen,
--     authorized as the rules required, committed), of the transaction's form, branch and teller, recording the
--     committed payload digest it was rendered from; one voucher per transaction;
--   * customer_signed: with exactly the strokes the customer screen captured for that transaction (same digest);
--   * sealed: with an active seal of the voucher's branch, within its validity.
-- Vouchers made before this (development databases only) have no transaction and can no longer advance.

ALTER TABLE vouchers ADD COLUMN transaction_id text UNIQUE REFERENCES counter_transactions (transaction_id);
ALTER TABLE vouchers ADD COLUMN payload_digest bytea CHECK (octet_length(payload_digest) = 32);

CREATE FUNCTION vouchers_from_committed_transaction() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    t teller_transactions;
BEGIN
    SELECT * INTO t FROM teller_transactions WHERE id = NEW.transaction_id;
    IF t.id IS NULL OR t.state <> 'committed' THEN
        RAISE EXCEPTION 'a voucher is made only from a committed counter transaction (got %)', coalesce(NEW.transaction_id, 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_from_committed_transaction';
    END IF;
    IF NEW.form_id <> t.code OR NEW.branch_code <> t.branch_code OR NEW.teller_id <> t.teller_id
       OR NEW.payload_digest IS DISTINCT FROM t.committed_digest THEN
        RAISE EXCEPTION 'voucher %: its form, branch, teller and payload must be those of transaction %', NEW.id, t.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_from_committed_transaction';
    END IF;
    IF NEW.state <> 'rendered' OR NEW.strokes_sha256 IS NOT NULL OR NEW.strokes_ciphertext IS NOT NULL OR NEW.seal_id IS NOT NULL THEN
        RAISE EXCEPTION 'voucher %: a new voucher starts rendered, unsigned and unsealed', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER vouchers_from_committed_transaction BEFORE INSERT ON vouchers
    FOR EACH ROW EXECUTE FUNCTION vouchers_from_committed_transaction();

-- As in 0004 (forward only), and: what a voucher is made from never changes, the customer's signature is the one
-- captured on the screen for its transaction, and the seal is an active one of its branch.
CREATE OR REPLACE FUNCTION vouchers_forward_only() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_captured bytea;
BEGIN
    IF NOT ((OLD.state = 'rendered' AND NEW.state = 'customer_signed') OR (OLD.state = 'customer_signed' AND NEW.state = 'sealed')) THEN
        RAISE EXCEPTION 'voucher %: % → % is not allowed', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.transaction_id IS NULL OR NEW.transaction_id IS DISTINCT FROM OLD.transaction_id OR NEW.form_id <> OLD.form_id
       OR NEW.branch_code <> OLD.branch_code OR NEW.teller_id <> OLD.teller_id OR NEW.payload_digest IS DISTINCT FROM OLD.payload_digest
       OR NEW.data_ciphertext <> OLD.data_ciphertext THEN
        RAISE EXCEPTION 'voucher %: only a voucher of a committed counter transaction advances, and what it was made from stays', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_from_committed_transaction';
    END IF;
    IF NEW.state = 'customer_signed' THEN
        SELECT s.strokes_sha256 INTO v_captured
        FROM counter_transactions c JOIN counter_signatures s ON s.session_id = c.session_id AND s.draft_version = c.draft_version
        WHERE c.transaction_id = OLD.transaction_id;
        IF v_captured IS NULL OR NEW.strokes_sha256 IS DISTINCT FROM v_captured THEN
            RAISE EXCEPTION 'voucher %: the customer signature must be the one captured on the customer screen', OLD.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_signature_as_captured';
        END IF;
    END IF;
    IF NEW.state = 'sealed' THEN
        IF NEW.strokes_sha256 IS DISTINCT FROM OLD.strokes_sha256 OR NOT EXISTS (
            SELECT 1 FROM seals s
            WHERE s.id = NEW.seal_id AND s.state = 'active' AND s.branch_code = OLD.branch_code
              AND s.valid_from <= clock_timestamp() AND clock_timestamp() < s.valid_until)
        THEN
            RAISE EXCEPTION 'voucher %: sealed only with an active seal of branch %', OLD.id, OLD.branch_code
                USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_sealed_by_its_branch';
        END IF;
    END IF;
    RETURN NEW;
END $$;
