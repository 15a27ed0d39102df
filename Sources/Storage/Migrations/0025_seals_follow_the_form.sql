-- Which seal a voucher gets follows from its form and its branch, as the seal registry says (issue #14), not from
-- text the teller types: each seal lists the forms it stamps, "*" marking the branch's seal for every other form.

ALTER TABLE seals ADD COLUMN forms text[] NOT NULL DEFAULT '{}' CHECK (cardinality(forms) <= 100);

-- The seal of `p_branch` for `p_form`: the active seal that names the form, else the active one marked "*"; NULL
-- when the registry has none (or is ambiguous: two seals naming the same form).
CREATE FUNCTION seal_for_form(p_branch text, p_form text) RETURNS text LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_named text[];
    v_default text[];
BEGIN
    v_named := ARRAY(SELECT id FROM seals WHERE branch_code = p_branch AND state = 'active' AND p_form = ANY (forms) ORDER BY id);
    IF cardinality(v_named) = 1 THEN RETURN v_named[1]; END IF;
    IF cardinality(v_named) > 1 THEN RETURN NULL; END IF;
    v_default := ARRAY(SELECT id FROM seals WHERE branch_code = p_branch AND state = 'active' AND '*' = ANY (forms) ORDER BY id);
    RETURN CASE WHEN cardinality(v_default) = 1 THEN v_default[1] END;
END $$;

GRANT EXECUTE ON FUNCTION seal_for_form(text, text) TO countersign_app;

-- As in 0021, and: the seal is the one the registry gives the voucher's form at its branch.
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
        IF NEW.strokes_sha256 IS DISTINCT FROM OLD.strokes_sha256 OR NEW.seal_id IS DISTINCT FROM seal_for_form(OLD.branch_code, OLD.form_id)
           OR NOT EXISTS (
            SELECT 1 FROM seals s
            WHERE s.id = NEW.seal_id AND s.state = 'active' AND s.branch_code = OLD.branch_code
              AND s.valid_from <= clock_timestamp() AND clock_timestamp() < s.valid_until)
        THEN
            RAISE EXCEPTION 'voucher %: sealed only with the active seal the registry gives form % at branch %', OLD.id, OLD.form_id, OLD.branch_code
                USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_sealed_by_its_branch';
        END IF;
    END IF;
    RETURN NEW;
END $$;
