-- What a CRL or an OCSP answer says about the bank's seal certificates (issue #16): a seal's certificate is named
-- by its issuer and serial, and revoking the seal records that certificate as revoked, at the seal's revocation
-- time, in the same statement. The record outlives any later change to the seal's registration (a seal refreshed
-- with a new certificate keeps its old certificate revoked); rows are never changed or deleted.
ALTER TABLE seals ADD COLUMN certificate_issuer text CHECK (length(certificate_issuer) BETWEEN 1 AND 1000);
ALTER TABLE seals ADD COLUMN certificate_serial text CHECK (certificate_serial ~ '^[0-9A-F]{1,64}$');
ALTER TABLE seals ADD CONSTRAINT seals_certificate_named CHECK ((certificate_issuer IS NULL) = (certificate_serial IS NULL));

CREATE TABLE certificate_revocations (
    issuer     text NOT NULL,
    serial     text NOT NULL CHECK (serial ~ '^[0-9A-F]{1,64}$'),
    revoked_at timestamptz NOT NULL,
    seal_id    text NOT NULL REFERENCES seals (id),
    PRIMARY KEY (issuer, serial)
);

-- Runs as the owner: the service's role may read the revocations but never write one except by revoking a seal.
CREATE FUNCTION seals_revocation_names_certificate() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    -- Revoked now, or revoked before its certificate was named (a seal registered before this migration).
    IF NEW.state = 'revoked' AND NEW.certificate_serial IS NOT NULL
       AND (OLD.state = 'active' OR OLD.certificate_serial IS NULL) THEN
        INSERT INTO certificate_revocations (issuer, serial, revoked_at, seal_id)
        VALUES (NEW.certificate_issuer, NEW.certificate_serial, NEW.revoked_at, NEW.id)
        ON CONFLICT (issuer, serial) DO NOTHING;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER seals_revocation_names_certificate AFTER UPDATE ON seals
    FOR EACH ROW EXECUTE FUNCTION seals_revocation_names_certificate();
CREATE TRIGGER certificate_revocations_final BEFORE UPDATE OR DELETE ON certificate_revocations
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

-- A revoked seal's certificate stays the one that was revoked: re-registering it cannot swap the certificate
-- a verifier would look up.
CREATE FUNCTION seals_revoked_certificate_fixed() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF OLD.state = 'revoked' AND OLD.certificate_serial IS NOT NULL AND (NEW.certificate_serial IS DISTINCT FROM OLD.certificate_serial
                                  OR NEW.certificate_issuer IS DISTINCT FROM OLD.certificate_issuer) THEN
        RAISE EXCEPTION 'seal % was revoked; its certificate cannot change', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'seals_revoked_certificate_fixed';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER seals_revoked_certificate_fixed BEFORE UPDATE ON seals FOR EACH ROW EXECUTE FUNCTION seals_revoked_certificate_fixed();

REVOKE ALL ON certificate_revocations FROM PUBLIC;
GRANT SELECT ON certificate_revocations TO countersign_app;
