-- More of the directory under dual control (issue #18, part 1): a user's role and branch, a new branch, a new
-- terminal, and an officer's authority (level, transaction codes, branches served, limits per currency) — each
-- proposed by one security administrator and applied by the approval of a second, as users are (0035, 0037).
ALTER TABLE admin_changes DROP CONSTRAINT admin_changes_kind_check;
ALTER TABLE admin_changes ADD CONSTRAINT admin_changes_kind_check CHECK (kind IN (
    'user.create', 'user.deactivate', 'user.reactivate', 'user.reset_password', 'user.change_role',
    'branch.create', 'terminal.register', 'authority.set', 'authority.revoke'));
-- Branch codes and terminals have capitals; a terminal is named `BRANCH/TERMINAL`.
ALTER TABLE admin_changes DROP CONSTRAINT admin_changes_target_check;
ALTER TABLE admin_changes ADD CONSTRAINT admin_changes_target_check CHECK (target ~ '^[A-Za-z0-9_.-]{1,64}(/[A-Za-z0-9_.-]{1,64})?$');

-- What a proposal of each new kind must say, checked when it is proposed (and the database checks again on approval).
CREATE FUNCTION admin_check_proposal(p_kind text, p_target text, p_details jsonb) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user users;
    v_key text;
BEGIN
    IF p_kind IN ('user.change_role', 'authority.set', 'authority.revoke') THEN
        SELECT * INTO v_user FROM users WHERE id = p_target;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no user %', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_unknown_user';
        END IF;
    END IF;
    IF p_kind = 'user.change_role' THEN
        IF coalesce(p_details->>'role', '') NOT IN ('teller', 'supervisor', 'officer', 'auditor', 'admin', 'security_admin') THEN
            RAISE EXCEPTION 'a role change names the role' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM branches WHERE code = p_details->>'branch') THEN
            RAISE EXCEPTION 'no branch %', p_details->>'branch' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_unknown_branch';
        END IF;
        IF v_user.role = p_details->>'role' AND v_user.branch_code = p_details->>'branch' THEN
            RAISE EXCEPTION 'user % already has that role at that branch', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_no_change';
        END IF;
    ELSIF p_kind = 'branch.create' THEN
        IF EXISTS (SELECT 1 FROM branches WHERE code = p_target) THEN
            RAISE EXCEPTION 'branch % exists', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_branch_exists';
        END IF;
        IF char_length(coalesce(p_details->>'name_zh', '')) NOT BETWEEN 1 AND 100 OR char_length(coalesce(p_details->>'name_en', '')) NOT BETWEEN 1 AND 100
           OR coalesce(p_details->>'kind', '') NOT IN ('branch', 'centre', 'head_office') THEN
            RAISE EXCEPTION 'a branch needs its names and kind' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
        END IF;
    ELSIF p_kind = 'terminal.register' THEN
        IF position('/' IN p_target) = 0 OR NOT EXISTS (SELECT 1 FROM branches WHERE code = split_part(p_target, '/', 1)) THEN
            RAISE EXCEPTION 'a terminal is named BRANCH/TERMINAL of an existing branch' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_unknown_branch';
        END IF;
        IF EXISTS (SELECT 1 FROM terminals WHERE branch_code = split_part(p_target, '/', 1) AND id = split_part(p_target, '/', 2)) THEN
            RAISE EXCEPTION 'terminal % is registered', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_no_change';
        END IF;
    ELSIF p_kind = 'authority.set' THEN
        IF v_user.role NOT IN ('supervisor', 'officer') THEN
            RAISE EXCEPTION 'authority is for supervisors and officers' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
        END IF;
        IF jsonb_typeof(p_details->'level') IS DISTINCT FROM 'number' OR (p_details->>'level')::numeric NOT BETWEEN 1 AND 5
           OR jsonb_typeof(p_details->'codes') IS DISTINCT FROM 'array' OR jsonb_array_length(p_details->'codes') NOT BETWEEN 1 AND 100
           OR jsonb_typeof(coalesce(p_details->'branches_served', '[]')) <> 'array'
           OR jsonb_typeof(p_details->'limits') IS DISTINCT FROM 'object' THEN
            RAISE EXCEPTION 'authority needs a level 1–5, codes, branches served and limits' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
        END IF;
        FOR v_key IN SELECT jsonb_object_keys(p_details->'limits') LOOP
            IF v_key !~ '^[A-Z]{3}$' OR jsonb_typeof(p_details->'limits'->v_key) <> 'number' OR (p_details->'limits'->>v_key)::numeric < 0 THEN
                RAISE EXCEPTION 'a limit is a currency code and an amount in minor units' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
            END IF;
        END LOOP;
    ELSIF p_kind = 'authority.revoke' THEN
        IF NOT EXISTS (SELECT 1 FROM officer_authority WHERE user_id = p_target) THEN
            RAISE EXCEPTION 'user % holds no authority', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_no_change';
        END IF;
    END IF;
END $$;

-- Applies an approved change of a new kind.
CREATE FUNCTION admin_apply_change(p_change admin_changes) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM admin_check_proposal(p_change.kind, p_change.target, p_change.details);
    CASE p_change.kind
    WHEN 'user.change_role' THEN
        UPDATE users SET role = p_change.details->>'role', branch_code = p_change.details->>'branch' WHERE id = p_change.target;
        -- What the user may do changed: they sign in again.
        UPDATE sessions SET revoked_at = now() WHERE user_id = p_change.target AND revoked_at IS NULL;
    WHEN 'branch.create' THEN
        INSERT INTO branches (code, name_zh, name_en, kind)
        VALUES (p_change.target, p_change.details->>'name_zh', p_change.details->>'name_en', p_change.details->>'kind');
    WHEN 'terminal.register' THEN
        INSERT INTO terminals (branch_code, id) VALUES (split_part(p_change.target, '/', 1), split_part(p_change.target, '/', 2));
    WHEN 'authority.set' THEN
        INSERT INTO officer_authority (user_id, level, codes, branches_served)
        VALUES (p_change.target, (p_change.details->>'level')::smallint,
                ARRAY(SELECT jsonb_array_elements_text(p_change.details->'codes')),
                ARRAY(SELECT jsonb_array_elements_text(coalesce(p_change.details->'branches_served', '[]'))))
        ON CONFLICT (user_id) DO UPDATE SET level = EXCLUDED.level, codes = EXCLUDED.codes, branches_served = EXCLUDED.branches_served;
        DELETE FROM officer_limits WHERE user_id = p_change.target;
        INSERT INTO officer_limits (user_id, currency, limit_minor)
        SELECT p_change.target, l.key, (l.value #>> '{}')::bigint FROM jsonb_each(p_change.details->'limits') l;
    WHEN 'authority.revoke' THEN
        DELETE FROM officer_limits WHERE user_id = p_change.target;
        DELETE FROM officer_authority WHERE user_id = p_change.target;
    END CASE;
END $$;

REVOKE ALL ON FUNCTION admin_check_proposal(text, text, jsonb), admin_apply_change(admin_changes) FROM PUBLIC;

-- 0037's functions, with the new kinds checked and applied.
CREATE OR REPLACE FUNCTION admin_propose(p_token text, p_password text, p_kind text, p_target text, p_details jsonb) RETURNS bigint
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
    IF p_kind IN ('user.change_role', 'branch.create', 'terminal.register', 'authority.set', 'authority.revoke') THEN
        PERFORM admin_check_proposal(p_kind, p_target, p_details);
    ELSIF p_kind = 'user.create' THEN
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

CREATE OR REPLACE FUNCTION admin_decide(
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
        ELSE
            PERFORM admin_apply_change(v_change);
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
