-- Administration under dual control (issue #18, part 1). A security administrator proposes a change of the
-- directory; it takes effect only when a second, different security administrator approves it. Both steps are
-- made through the functions below, which know the administrator only from a live session token (they hash it and
-- look the session up): the service's role, which can read the token hashes but not the tokens, cannot act as an
-- administrator who is not signed in, and cannot write users or the proposals at all.

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('teller', 'supervisor', 'officer', 'auditor', 'admin', 'security_admin'));
-- Set when an administrator gave the user a password (a new user, a reset): the user chooses their own at the next
-- sign-in before doing anything else.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

CREATE TABLE admin_changes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('user.create', 'user.deactivate', 'user.reactivate', 'user.reset_password')),
    target      text NOT NULL CHECK (target ~ '^[a-z0-9_.-]{1,64}$'),
    details     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object' AND octet_length(details::text) <= 2048),
    proposed_by text NOT NULL REFERENCES users (id),
    proposed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    state       text NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'approved', 'rejected')),
    decided_by  text REFERENCES users (id),
    decided_at  timestamptz,
    reason      text CHECK (char_length(reason) <= 200),
    -- Four eyes: whoever proposed a change does not approve it (they may reject, i.e. withdraw, it).
    CONSTRAINT admin_changes_four_eyes CHECK (state <> 'approved' OR decided_by <> proposed_by),
    CONSTRAINT admin_changes_decided CHECK ((state = 'proposed') = (decided_by IS NULL AND decided_at IS NULL))
);
-- One open proposal per kind and user: a second would be approved on a picture of the first.
CREATE UNIQUE INDEX admin_changes_one_open ON admin_changes (kind, target) WHERE state = 'proposed';
CREATE INDEX admin_changes_by_state ON admin_changes (state, id);

REVOKE ALL ON admin_changes FROM PUBLIC;
GRANT SELECT ON admin_changes TO countersign_app;

-- A decided proposal is history.
CREATE FUNCTION admin_changes_final() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.state <> 'proposed' THEN
        RAISE EXCEPTION 'administrative change %: decided changes are history', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_changes_final';
    END IF;
    IF NEW.id <> OLD.id OR NEW.kind <> OLD.kind OR NEW.target <> OLD.target OR NEW.details <> OLD.details
       OR NEW.proposed_by <> OLD.proposed_by OR NEW.proposed_at <> OLD.proposed_at THEN
        RAISE EXCEPTION 'administrative change %: what was proposed cannot change', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_changes_final';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER admin_changes_final BEFORE UPDATE OR DELETE ON admin_changes FOR EACH ROW EXECUTE FUNCTION admin_changes_final();

-- The security administrator signed in with `p_token`: an active user of that role with a live session.
CREATE FUNCTION admin_signed_in(p_token text) RETURNS users
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_admin users;
BEGIN
    SELECT u.* INTO v_admin FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = sha256(convert_to(p_token, 'UTF8')) AND s.revoked_at IS NULL AND s.expires_at > now()
      AND u.active AND u.role = 'security_admin';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'only a signed-in security administrator changes the directory'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_signed_in';
    END IF;
    RETURN v_admin;
END $$;

CREATE FUNCTION admin_propose(p_token text, p_kind text, p_target text, p_details jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_admin users := admin_signed_in(p_token);
    v_id bigint;
BEGIN
    IF p_target = v_admin.id THEN
        RAISE EXCEPTION 'an administrator does not change their own account' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_not_own_account';
    END IF;
    IF p_kind = 'user.create' THEN
        IF EXISTS (SELECT 1 FROM users WHERE id = p_target) THEN
            RAISE EXCEPTION 'user % exists', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_user_exists';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM branches WHERE code = p_details->>'branch') THEN
            RAISE EXCEPTION 'no branch %', p_details->>'branch' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_unknown_branch';
        END IF;
        IF coalesce(p_details->>'role', '') NOT IN ('teller', 'supervisor', 'officer', 'auditor', 'admin', 'security_admin')
           OR char_length(coalesce(p_details->>'display_name', '')) NOT BETWEEN 1 AND 100 THEN
            RAISE EXCEPTION 'a new user needs a display name and a role' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM users WHERE id = p_target) THEN
        RAISE EXCEPTION 'no user %', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_unknown_user';
    END IF;
    INSERT INTO admin_changes (kind, target, details, proposed_by) VALUES (p_kind, p_target, coalesce(p_details, '{}'), v_admin.id)
    RETURNING id INTO v_id;
    RETURN v_id;
END $$;

-- Approves (and applies) or rejects a proposal. A new user and a reset password take `p_password_hash`, a one-time
-- password the service made for the approver to hand over; the user must choose their own at the next sign-in.
CREATE FUNCTION admin_decide(p_token text, p_id bigint, p_approve boolean, p_reason text, p_password_hash text)
RETURNS TABLE (kind text, target text, proposed_by text, decided_by text, details jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_admin users := admin_signed_in(p_token);
    v_change admin_changes;
BEGIN
    SELECT * INTO v_change FROM admin_changes c WHERE c.id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no administrative change %', p_id USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_change_unknown';
    END IF;
    IF v_change.state <> 'proposed' THEN
        RAISE EXCEPTION 'administrative change % was already %', p_id, v_change.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_change_decided';
    END IF;
    IF p_approve AND v_change.proposed_by = v_admin.id THEN
        RAISE EXCEPTION 'a second administrator approves what the first proposed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_changes_four_eyes';
    END IF;
    IF v_change.target = v_admin.id THEN
        RAISE EXCEPTION 'an administrator does not decide changes of their own account'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_not_own_account';
    END IF;
    IF p_approve THEN
        IF v_change.kind IN ('user.create', 'user.reset_password') AND coalesce(p_password_hash, '') = '' THEN
            RAISE EXCEPTION 'a one-time password is needed' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_password_needed';
        END IF;
        CASE v_change.kind
        WHEN 'user.create' THEN
            INSERT INTO users (id, display_name, branch_code, role, password_hash, must_change_password)
            VALUES (v_change.target, v_change.details->>'display_name', v_change.details->>'branch', v_change.details->>'role',
                    p_password_hash, true);
        WHEN 'user.deactivate' THEN
            UPDATE users SET active = false WHERE id = v_change.target;
            UPDATE sessions SET revoked_at = now() WHERE user_id = v_change.target AND revoked_at IS NULL;
        WHEN 'user.reactivate' THEN
            UPDATE users SET active = true WHERE id = v_change.target;
        WHEN 'user.reset_password' THEN
            INSERT INTO password_history (user_id, password_hash) SELECT id, password_hash FROM users WHERE id = v_change.target;
            UPDATE users SET password_hash = p_password_hash, must_change_password = true WHERE id = v_change.target;
            UPDATE sessions SET revoked_at = now() WHERE user_id = v_change.target AND revoked_at IS NULL;
        END CASE;
    END IF;
    UPDATE admin_changes c SET state = CASE WHEN p_approve THEN 'approved' ELSE 'rejected' END, decided_by = v_admin.id,
        decided_at = clock_timestamp(), reason = nullif(btrim(p_reason), '')
    WHERE c.id = p_id;
    RETURN QUERY SELECT v_change.kind, v_change.target, v_change.proposed_by, v_admin.id, v_change.details;
END $$;

REVOKE ALL ON FUNCTION admin_signed_in(text), admin_propose(text, text, text, jsonb), admin_decide(text, bigint, boolean, text, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION admin_propose(text, text, text, jsonb), admin_decide(text, bigint, boolean, text, text) TO countersign_app;

-- The signed-in user's own password (a one-time password replaced at the next sign-in, or any change they choose):
-- the session's user only, never anyone else's. The service checks the current password and the rules first.
CREATE FUNCTION user_recent_password_hashes(p_token text, p_limit integer) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT h.password_hash FROM (
        SELECT u.password_hash, 'infinity'::timestamptz AS at FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = sha256(convert_to(p_token, 'UTF8')) AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active
        UNION ALL
        SELECT p.password_hash, p.replaced_at FROM sessions s JOIN password_history p ON p.user_id = s.user_id
        WHERE s.token_hash = sha256(convert_to(p_token, 'UTF8')) AND s.revoked_at IS NULL AND s.expires_at > now()) h
    ORDER BY h.at DESC LIMIT least(p_limit, 24)
$$;

-- Replaces the password of the session's user, keeps the old hash in the history, and ends their other sessions.
CREATE FUNCTION user_change_own_password(p_token text, p_password_hash text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_hash bytea := sha256(convert_to(p_token, 'UTF8'));
    v_user text;
BEGIN
    SELECT u.id INTO v_user FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = v_hash AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active
    FOR UPDATE OF u;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not a live session' USING ERRCODE = 'check_violation', CONSTRAINT = 'user_signed_in';
    END IF;
    IF coalesce(p_password_hash, '') = '' THEN
        RAISE EXCEPTION 'a password hash is needed' USING ERRCODE = 'check_violation', CONSTRAINT = 'user_password_needed';
    END IF;
    INSERT INTO password_history (user_id, password_hash) SELECT id, password_hash FROM users WHERE id = v_user;
    UPDATE users SET password_hash = p_password_hash, must_change_password = false WHERE id = v_user;
    UPDATE sessions SET revoked_at = now() WHERE user_id = v_user AND revoked_at IS NULL AND token_hash <> v_hash;
    RETURN v_user;
END $$;

REVOKE ALL ON FUNCTION user_recent_password_hashes(text, integer), user_change_own_password(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION user_recent_password_hashes(text, integer), user_change_own_password(text, text) TO countersign_app;
