-- Archive renewal (issue #16, part 5). A sealed voucher stays provable only while the certificate of its newest
-- archive time-stamp is valid; before that, `countersign voucher renew` appends a DSS and a new document time-stamp.
-- Each renewal is a row of its own — the voucher's file as it then stands — and PostgreSQL holds what a renewal may
-- be: of a sealed voucher, the next in order, and the previous file with bytes appended after it (an incremental
-- update; nothing signed is rewritten). Rows are never changed or deleted; the sealed file in `vouchers` stays as
-- it was issued.

-- When the certificate of the voucher's newest archive time-stamp expires, as the sealing recorded it: where
-- renewal starts looking. NULL for a voucher sealed before this migration (renewal reads its file to find out).
ALTER TABLE vouchers ADD COLUMN archive_expires_at timestamptz;
GRANT UPDATE (archive_expires_at) ON vouchers TO countersign_app;

CREATE TABLE voucher_renewals (
    voucher_id         text NOT NULL REFERENCES vouchers (id),
    generation         integer NOT NULL CHECK (generation BETWEEN 1 AND 1000),
    previous_sha256    bytea NOT NULL CHECK (octet_length(previous_sha256) = 32),
    pdf                bytea NOT NULL CHECK (octet_length(pdf) <= 64 * 1024 * 1024),
    pdf_sha256         bytea NOT NULL UNIQUE CHECK (octet_length(pdf_sha256) = 32),
    archive_expires_at timestamptz NOT NULL,
    renewed_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    renewed_by         text NOT NULL CHECK (length(renewed_by) BETWEEN 1 AND 200),
    PRIMARY KEY (voucher_id, generation)
);

CREATE FUNCTION voucher_renewals_append_only() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_state    text;
    v_previous bytea;
    v_last     integer;
BEGIN
    SELECT state, pdf INTO v_state, v_previous FROM vouchers WHERE id = NEW.voucher_id;
    IF v_state IS DISTINCT FROM 'sealed' THEN
        RAISE EXCEPTION 'voucher %: only a sealed voucher is renewed', NEW.voucher_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_renewals_append_only';
    END IF;
    SELECT generation, pdf INTO v_last, v_previous
    FROM (SELECT generation, pdf FROM voucher_renewals WHERE voucher_id = NEW.voucher_id ORDER BY generation DESC LIMIT 1) newest
    UNION ALL SELECT 0, v_previous
    ORDER BY 1 DESC LIMIT 1;
    IF NEW.generation <> v_last + 1 OR NEW.previous_sha256 <> sha256(v_previous) OR NEW.pdf_sha256 <> sha256(NEW.pdf)
       OR octet_length(NEW.pdf) <= octet_length(v_previous)
       OR substring(NEW.pdf FROM 1 FOR octet_length(v_previous)) <> v_previous THEN
        RAISE EXCEPTION 'voucher %: a renewal is the next one (%), and appends to the file as it stands', NEW.voucher_id, v_last + 1
            USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_renewals_append_only';
    END IF;
    NEW.renewed_at := clock_timestamp();
    RETURN NEW;
END $$;

CREATE TRIGGER voucher_renewals_append_only BEFORE INSERT ON voucher_renewals
    FOR EACH ROW EXECUTE FUNCTION voucher_renewals_append_only();
CREATE TRIGGER voucher_renewals_final BEFORE UPDATE OR DELETE ON voucher_renewals
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

REVOKE ALL ON voucher_renewals FROM PUBLIC;
GRANT SELECT, INSERT ON voucher_renewals TO countersign_app;
