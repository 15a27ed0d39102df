-- The database's own check of who acts (issue #18, on review). Migration 0035 knew an administrator by a live
-- session token, but the service's role may open sessions itself (it signs users in), so with direct SQL it could
-- have acted as any two administrators. Now every administrative step, and every change of one's own password,
-- also carries the acting user's password, checked here against a bcrypt verifier (pgcrypto) kept in a table the
-- service's role can neither read nor write. The service still checks the password first (scrypt, throttled,
-- audited); this check is what makes the rule hold in SQL. Verifiers are written by the owner role (seed,
-- `countersign admin bootstrap`, `countersign users set-password`) and by the functions below.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE password_verifiers (
    user_id  text PRIMARY KEY REFERENCES users (id),
    verifier text NOT NULL CHECK (verifier LIKE '$2a$%'),
    set_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
REVOKE ALL ON password_verifiers FROM PUBLIC;

-- A revoked session stays revoked (the service's role may revoke, not restore).
CREATE FUNCTION sessions_revocation_final() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
        RAISE EXCEPTION 'a revoked session stays revoked' USING ERRCODE = 'check_violation', CONSTRAINT = 'sessions_revocation_final';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER sessions_revocation_final BEFORE UPDATE OF revoked_at ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_revocation_final();

DROP FUNCTION admin_propose(text, text, text, jsonb);
DROP FUNCTION admin_decide(text, bigint, boolean, text, text);
DROP FUNCTION admin_signed_in(text);
DROP FUNCTION user_recent_password_hashes(text, integer);
DROP FUNCTION user_change_own_password(text, text);

-- The user acting: a live session of an active user, and that user's own password.
CREATE FUNCTION user_acting(p_token text, p_password text) RETURNS users
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user users;
    v_verifier text;
BEGIN
    SELECT u.* INTO v_user FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = sha256(convert_to(p_token, 'UTF8')) AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not a live session' USING ERRCODE = 'check_violation', CONSTRAINT = 'user_signed_in';
    END IF;
    SELECT v.verifier INTO v_verifier FROM password_verifiers v WHERE v.user_id = v_user.id;
    IF v_verifier IS NULL OR crypt(coalesce(p_password, ''), v_verifier) <> v_verifier THEN
        RAISE EXCEPTION 'the database cannot confirm this user''s password' USING ERRCODE = 'check_violation', CONSTRAINT = 'user_password_confirms';
    END IF;
    RETURN v_user;
END $$;

CREATE FUNCTION admin_acting(p_token text, p_password text) RETURNS users
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_admin users := user_acting(p_token, p_password);
BEGIN
    IF v_admin.role <> 'security_admin' OR v_admin.must_change_password THEN
        RAISE EXCEPTION 'only a signed-in security administrator changes the directory'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_signed_in';
    END IF;
    RETURN v_admin;
END $$;

-- As 0035's, confirmed by the administrator's password; a change that would change nothing is refused.
CREATE FUNCTION admin_propose(p_token text, p_password text, p_kind text, p_target text, p_details jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_admin users := admin_acting(p_token, p_password);
    v_target users;
    v_id bigint;
BEGIN
    IF p_target = v_admin.id THEN
        RAISE EXCEPTION 'an administrator does not change their own account' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_not_own_account';
    END IF;
    SELECT * INTO v_target FROM users WHERE id = p_target;
    IF p_kind = 'user.create' THEN
        IF FOUND THEN
            RAISE EXCEPTION 'user % exists', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_user_exists';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM branches WHERE code = p_details->>'branch') THEN
            RAISE EXCEPTION 'no branch %', p_details->>'branch' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_unknown_branch';
        END IF;
        IF coalesce(p_details->>'role', '') NOT IN ('teller', 'supervisor', 'officer', 'auditor', 'admin', 'security_admin')
           OR char_length(coalesce(p_details->>'display_name', '')) NOT BETWEEN 1 AND 100 THEN
            RAISE EXCEPTION 'a new user needs a display name and a role' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
        END IF;
    ELSIF NOT FOUND THEN
        RAISE EXCEPTION 'no user %', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_unknown_user';
    ELSIF (p_kind = 'user.deactivate' AND NOT v_target.active) OR (p_kind = 'user.reactivate' AND v_target.active) THEN
        RAISE EXCEPTION 'user % is already %', p_target, CASE WHEN v_target.active THEN 'active' ELSE 'inactive' END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_no_change';
    END IF;
    INSERT INTO admin_changes (kind, target, details, proposed_by) VALUES (p_kind, p_target, coalesce(p_details, '{}'), v_admin.id)
    RETURNING id INTO v_id;
    RETURN v_id;
END $$;

-- As 0035's, confirmed by the approver's password. An approval also needs its proposer still an active security
-- administrator. A new user and a reset take the one-time password (its scrypt hash for sign-in, and the verifier
-- made here), which the user replaces at their next sign-in.
CREATE FUNCTION admin_decide(
    p_token text, p_password text, p_id bigint, p_approve boolean, p_reason text, p_one_time text, p_password_hash text
) RETURNS TABLE (kind text, target text, proposed_by text, decided_by text, details jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_admin users := admin_acting(p_token, p_password);
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
    IF p_approve AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = v_change.proposed_by AND u.active AND u.role = 'security_admin') THEN
        RAISE EXCEPTION 'the proposer is no longer an active security administrator'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_proposer_gone';
    END IF;
    IF p_approve THEN
        IF v_change.kind IN ('user.create', 'user.reset_password') AND (coalesce(p_password_hash, '') = '' OR coalesce(p_one_time, '') = '') THEN
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
        IF v_change.kind IN ('user.create', 'user.reset_password') THEN
            INSERT INTO password_verifiers (user_id, verifier) VALUES (v_change.target, crypt(p_one_time, gen_salt('bf', 10)))
            ON CONFLICT (user_id) DO UPDATE SET verifier = EXCLUDED.verifier, set_at = clock_timestamp();
        END IF;
    END IF;
    UPDATE admin_changes c SET state = CASE WHEN p_approve THEN 'approved' ELSE 'rejected' END, decided_by = v_admin.id,
        decided_at = clock_timestamp(), reason = nullif(btrim(p_reason), '')
    WHERE c.id = p_id;
    RETURN QUERY SELECT v_change.kind, v_change.target, v_change.proposed_by, v_admin.id, v_change.details;
END $$;

-- The acting user's own recent password hashes (for "not one of your last five"), confirmed by their password.
CREATE FUNCTION user_recent_password_hashes(p_token text, p_current text, p_limit integer) RETURNS SETOF text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user users := user_acting(p_token, p_current);
BEGIN
    RETURN QUERY SELECT h.password_hash FROM (
        SELECT v_user.password_hash, 'infinity'::timestamptz AS at
        UNION ALL
        SELECT p.password_hash, p.replaced_at FROM password_history p WHERE p.user_id = v_user.id) h
    ORDER BY h.at DESC LIMIT least(p_limit, 24);
END $$;

-- Replaces the acting user's own password (confirmed by the current one), keeps the old hash, and ends their other
-- sessions.
CREATE FUNCTION user_change_own_password(p_token text, p_current text, p_new text, p_new_hash text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user users := user_acting(p_token, p_current);
BEGIN
    IF coalesce(p_new_hash, '') = '' OR coalesce(p_new, '') = '' THEN
        RAISE EXCEPTION 'a new password is needed' USING ERRCODE = 'check_violation', CONSTRAINT = 'user_password_needed';
    END IF;
    PERFORM 1 FROM users WHERE id = v_user.id FOR UPDATE;
    INSERT INTO password_history (user_id, password_hash) VALUES (v_user.id, v_user.password_hash);
    UPDATE users SET password_hash = p_new_hash, must_change_password = false WHERE id = v_user.id;
    UPDATE password_verifiers SET verifier = crypt(p_new, gen_salt('bf', 10)), set_at = clock_timestamp() WHERE user_id = v_user.id;
    UPDATE sessions SET revoked_at = now()
    WHERE user_id = v_user.id AND revoked_at IS NULL AND token_hash <> sha256(convert_to(p_token, 'UTF8'));
    RETURN v_user.id;
END $$;

REVOKE ALL ON FUNCTION user_acting(text, text), admin_acting(text, text),
    admin_propose(text, text, text, text, jsonb), admin_decide(text, text, bigint, boolean, text, text, text),
    user_recent_password_hashes(text, text, integer), user_change_own_password(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION admin_propose(text, text, text, text, jsonb), admin_decide(text, text, bigint, boolean, text, text, text),
    user_recent_password_hashes(text, text, integer), user_change_own_password(text, text, text, text) TO countersign_app;
