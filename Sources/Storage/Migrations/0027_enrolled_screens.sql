-- The customer screen is an enrolled device (issue #14, part 2). Terminals are registered per branch, and a teller
-- signs in only at a registered terminal of their own branch. A branch supervisor enrolls one screen per terminal:
-- the screen's browser made an ECDSA P-256 key it cannot export, and its public key is registered here. Every answer
-- and every signature the customer gives is a statement signed by that key; the service verifies the signature
-- (the database cannot) and the database holds it to naming exactly the session, version and digests it is stored
-- for, from the device enrolled for the session's terminal.

CREATE TABLE terminals (
    branch_code   text NOT NULL REFERENCES branches (code),
    id            text NOT NULL CHECK (id ~ '^[A-Za-z0-9_.-]{1,64}$'),
    registered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (branch_code, id)
);

REVOKE ALL ON terminals FROM PUBLIC;
GRANT SELECT ON terminals TO countersign_app;

-- A teller's login names a registered terminal of the teller's branch.
CREATE FUNCTION sessions_at_registered_terminal() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.user_id AND u.role = 'teller')
       AND NOT EXISTS (
        SELECT 1 FROM users u JOIN terminals t ON t.branch_code = u.branch_code
        WHERE u.id = NEW.user_id AND t.id = NEW.terminal)
    THEN
        RAISE EXCEPTION 'teller % signs in only at a registered terminal of their branch, not at %', NEW.user_id, coalesce(NEW.terminal, '(none)')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'session_at_registered_terminal';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER sessions_at_registered_terminal BEFORE INSERT ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_at_registered_terminal();

CREATE TABLE screen_devices (
    id          bigserial PRIMARY KEY,
    branch_code text NOT NULL,
    terminal    text NOT NULL,
    -- SubjectPublicKeyInfo (DER) of an uncompressed P-256 key, as WebCrypto exports it.
    public_key  bytea NOT NULL CHECK (octet_length(public_key) = 91),
    -- Computed here, so the digest the statements are looked up and shown by is the key's.
    key_sha256  bytea GENERATED ALWAYS AS (sha256(public_key)) STORED UNIQUE,
    enrolled_by text NOT NULL REFERENCES users (id),
    enrolled_at timestamptz NOT NULL,
    removed_by  text REFERENCES users (id),
    removed_at  timestamptz,
    FOREIGN KEY (branch_code, terminal) REFERENCES terminals (branch_code, id),
    CHECK ((removed_by IS NULL) = (removed_at IS NULL))
);

-- One enrolled screen per terminal at a time: enrolling a new one removes the old one first.
CREATE UNIQUE INDEX screen_devices_one_per_terminal ON screen_devices (branch_code, terminal) WHERE removed_at IS NULL;

REVOKE ALL ON screen_devices FROM PUBLIC;
GRANT SELECT, INSERT ON screen_devices TO countersign_app;
GRANT UPDATE (removed_by, removed_at) ON screen_devices TO countersign_app;
GRANT USAGE ON SEQUENCE screen_devices_id_seq TO countersign_app;

-- Enrolled and removed by an active supervisor of the terminal's branch, now; removal is final.
CREATE FUNCTION screen_devices_guard() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_by text := CASE WHEN TG_OP = 'INSERT' THEN NEW.enrolled_by ELSE NEW.removed_by END;
    v_at timestamptz := CASE WHEN TG_OP = 'INSERT' THEN NEW.enrolled_at ELSE NEW.removed_at END;
BEGIN
    IF TG_OP = 'INSERT' AND NEW.removed_at IS NOT NULL THEN
        RAISE EXCEPTION 'a screen is enrolled, not enrolled removed' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.removed_at IS NOT NULL OR NEW.removed_at IS NULL) THEN
        RAISE EXCEPTION 'screen %: removal is final and the only change', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM users u WHERE u.id = v_by AND u.role = 'supervisor' AND u.active AND u.branch_code = NEW.branch_code) THEN
        RAISE EXCEPTION 'screen of %/%: % is not an active supervisor of the branch', NEW.branch_code, NEW.terminal, v_by
            USING ERRCODE = 'check_violation', CONSTRAINT = 'screen_enrolled_by_branch_supervisor';
    END IF;
    IF NOT authz_clock_ok(v_at) THEN
        RAISE EXCEPTION 'screen of %/%: time is far from the database clock', NEW.branch_code, NEW.terminal USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER screen_devices_guard BEFORE INSERT OR UPDATE ON screen_devices
    FOR EACH ROW EXECUTE FUNCTION screen_devices_guard();
CREATE TRIGGER screen_devices_no_delete BEFORE DELETE ON screen_devices
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

-- A counter session is opened with the screen enrolled for its terminal (sessions before this migration have none).
ALTER TABLE counter_sessions ADD COLUMN device_id bigint REFERENCES screen_devices (id);

CREATE FUNCTION counter_sessions_enrolled_screen() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM screen_devices d
        WHERE d.id = NEW.device_id AND d.removed_at IS NULL AND d.branch_code = NEW.branch_code AND d.terminal = NEW.terminal)
    THEN
        RAISE EXCEPTION 'counter session at %/%: the screen must be the one enrolled for that terminal', NEW.branch_code, NEW.terminal
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_session_enrolled_screen';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER counter_sessions_enrolled_screen BEFORE INSERT ON counter_sessions
    FOR EACH ROW EXECUTE FUNCTION counter_sessions_enrolled_screen();

-- The device's signed statement: the exact text it signed (JSON) and its ECDSA signature (r ‖ s, 64 bytes).
ALTER TABLE counter_confirmations ADD COLUMN statement text CHECK (length(statement) <= 2048),
                                  ADD COLUMN statement_signature bytea CHECK (octet_length(statement_signature) = 64);
ALTER TABLE counter_signatures ADD COLUMN statement text CHECK (length(statement) <= 2048),
                               ADD COLUMN statement_signature bytea CHECK (octet_length(statement_signature) = 64);

-- The statement names this session, its device (still enrolled), this version, this decision and these digests
-- (hex, written by encode(), so no setting of bytea_output changes the comparison).
CREATE FUNCTION counter_statement_ok(
    p_session bigint, p_version integer, p_decision text, p_view bytea, p_strokes bytea, p_statement text, p_signature bytea
) RETURNS boolean LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_statement jsonb;
    v_device bigint;
BEGIN
    SELECT s.device_id INTO v_device
    FROM counter_sessions s JOIN screen_devices d ON d.id = s.device_id AND d.removed_at IS NULL
    WHERE s.id = p_session;
    BEGIN
        v_statement := p_statement::jsonb;
    EXCEPTION WHEN others THEN
        RETURN false;
    END;
    RETURN v_device IS NOT NULL AND p_signature IS NOT NULL AND jsonb_typeof(v_statement) = 'object'
       AND v_statement ->> 'type' IS NOT DISTINCT FROM 'countersign.screen.v1'
       AND v_statement ->> 'device' IS NOT DISTINCT FROM v_device::text
       AND v_statement ->> 'session' IS NOT DISTINCT FROM p_session::text
       AND v_statement ->> 'version' IS NOT DISTINCT FROM p_version::text
       AND v_statement ->> 'decision' IS NOT DISTINCT FROM p_decision
       AND v_statement ->> 'view_sha256' IS NOT DISTINCT FROM encode(p_view, 'hex')
       AND v_statement ->> 'strokes_sha256' IS NOT DISTINCT FROM encode(p_strokes, 'hex');
END $$;

CREATE FUNCTION counter_confirmation_statement() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT counter_statement_ok(NEW.session_id, NEW.draft_version, NEW.decision, NEW.view_digest, NULL, NEW.statement, NEW.statement_signature) THEN
        RAISE EXCEPTION 'counter session %: an answer needs the enrolled screen''s statement for exactly it', NEW.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_statement_from_enrolled_screen';
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION counter_signature_statement() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT counter_statement_ok(NEW.session_id, NEW.draft_version, 'sign', NEW.view_digest, NEW.strokes_sha256, NEW.statement, NEW.statement_signature)
    THEN
        RAISE EXCEPTION 'counter session %: a signature needs the enrolled screen''s statement for exactly it', NEW.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_statement_from_enrolled_screen';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER counter_confirmations_statement BEFORE INSERT ON counter_confirmations
    FOR EACH ROW EXECUTE FUNCTION counter_confirmation_statement();
CREATE TRIGGER counter_signatures_statement BEFORE INSERT ON counter_signatures
    FOR EACH ROW EXECUTE FUNCTION counter_signature_statement();
