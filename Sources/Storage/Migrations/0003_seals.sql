-- The bank's e-seals: which seal exists, whose it is, which certificate it signs with, when it may be used,
-- and whether it was revoked. The private key never enters the database (key_file names where it lives).

CREATE TABLE seals (
    id                  text PRIMARY KEY CHECK (id ~ '^[A-Z0-9][A-Z0-9-]{1,63}$'),
    name_zh             text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 40),
    name_en             text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    branch_code         text NOT NULL REFERENCES branches (code),
    algorithm           text NOT NULL CHECK (algorithm IN ('RSA', 'EC')),
    certificate_subject text NOT NULL,
    key_file            text NOT NULL,
    appearance          text NOT NULL CHECK (appearance IN ('round-red')),
    valid_from          timestamptz NOT NULL,
    valid_until         timestamptz NOT NULL CHECK (valid_until > valid_from),
    state               text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'revoked')),
    revoked_at          timestamptz,
    revoked_reason      text CHECK (length(revoked_reason) <= 200),
    CHECK ((state = 'revoked') = (revoked_at IS NOT NULL))
);

-- A revoked seal stays revoked: evidence signed before the revocation must keep its meaning.
CREATE FUNCTION seals_revocation_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'revoked' AND NEW.state <> 'revoked' THEN
        RAISE EXCEPTION 'seal % was revoked and cannot be reactivated', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER seals_revocation_is_final BEFORE UPDATE ON seals FOR EACH ROW EXECUTE FUNCTION seals_revocation_is_final();

REVOKE ALL ON seals FROM PUBLIC;
GRANT SELECT ON seals TO countersign_app;
GRANT UPDATE (state, revoked_at, revoked_reason) ON seals TO countersign_app;
