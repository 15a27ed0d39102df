-- Idle session timeouts (issue #18, part 2). A session ends when its user has done nothing for longer than their
-- role's idle limit, besides its absolute end (expires_at). The service writes the limit at sign-in (idle_seconds;
-- NULL: none, as for the sessions opened before this migration) and the session lookup every request makes moves
-- last_seen_at, at most once a minute per session, and only for what the user did (not a console's own polling).
-- Both times are the database's clock, as expires_at is compared with it.
ALTER TABLE sessions
    ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN idle_seconds integer CHECK (idle_seconds >= 60);

GRANT UPDATE (last_seen_at) ON sessions TO countersign_app;

-- A confirmed step (an administrator's, an auditor's) needs a live session: one left idle is not.
CREATE OR REPLACE FUNCTION user_acting(p_token text, p_password text) RETURNS users
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user users;
    v_verifier text;
BEGIN
    SELECT u.* INTO v_user FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = sha256(convert_to(p_token, 'UTF8')) AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active
      AND (s.idle_seconds IS NULL OR s.last_seen_at + s.idle_seconds * interval '1 second' > now());
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not a live session' USING ERRCODE = 'check_violation', CONSTRAINT = 'user_signed_in';
    END IF;
    SELECT v.verifier INTO v_verifier FROM password_verifiers v WHERE v.user_id = v_user.id;
    IF v_verifier IS NULL OR crypt(coalesce(p_password, ''), v_verifier) <> v_verifier THEN
        RAISE EXCEPTION 'the database cannot confirm this user''s password' USING ERRCODE = 'check_violation', CONSTRAINT = 'user_password_confirms';
    END IF;
    RETURN v_user;
END $$;
