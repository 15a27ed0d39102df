-- Vouchers: the rendered PDF and its latest signed revision, with the customer's data and signature strokes
-- encrypted by the service (AES-GCM, key outside the database) — biometric and personal data are never stored
-- in clear. States move forward only: rendered → customer_signed → sealed.

CREATE SEQUENCE voucher_serial;

CREATE TABLE vouchers (
    id                 text PRIMARY KEY CHECK (id ~ '^V[0-9]{16}$'),
    form_id            text NOT NULL CHECK (form_id ~ '^[a-z][a-z0-9-]{1,40}$'),
    form_version       integer NOT NULL,
    branch_code        text NOT NULL REFERENCES branches (code),
    teller_id          text NOT NULL REFERENCES users (id),
    terminal           text,
    state              text NOT NULL CHECK (state IN ('rendered', 'customer_signed', 'sealed')),
    key_id             text NOT NULL,
    data_ciphertext    bytea NOT NULL,
    pdf                bytea NOT NULL CHECK (octet_length(pdf) <= 64 * 1024 * 1024),
    pdf_sha256         bytea NOT NULL CHECK (octet_length(pdf_sha256) = 32),
    strokes_ciphertext bytea,
    strokes_sha256     bytea CHECK (octet_length(strokes_sha256) = 32),
    seal_id            text REFERENCES seals (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (state = 'rendered' OR (strokes_ciphertext IS NOT NULL AND strokes_sha256 IS NOT NULL)),
    CHECK (state <> 'sealed' OR seal_id IS NOT NULL)
);

CREATE INDEX vouchers_branch ON vouchers (branch_code, created_at);

CREATE FUNCTION vouchers_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT ((OLD.state = 'rendered' AND NEW.state = 'customer_signed') OR (OLD.state = 'customer_signed' AND NEW.state = 'sealed')) THEN
        RAISE EXCEPTION 'voucher %: % → % is not allowed', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER vouchers_forward_only BEFORE UPDATE ON vouchers FOR EACH ROW EXECUTE FUNCTION vouchers_forward_only();

REVOKE ALL ON vouchers FROM PUBLIC;
GRANT SELECT, INSERT ON vouchers TO countersign_app;
GRANT UPDATE (state, pdf, pdf_sha256, strokes_ciphertext, strokes_sha256, seal_id, updated_at) ON vouchers TO countersign_app;
GRANT USAGE ON SEQUENCE voucher_serial TO countersign_app;
