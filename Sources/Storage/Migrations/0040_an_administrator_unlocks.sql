-- An administrator's unlock of a user locked out by wrong passwords (issue #18, part 2), under the same dual control;
-- and, on review of 0038/0039: authority withdrawn from an officer who has been online (their presence row goes with
-- it, and an officer online or paused, or a user in an open counter session, is not changed under their feet); a
-- demotion takes the authority with it; whole numbers, string lists and existing branches checked here with named
-- refusals instead of failing casts at approval; a rule source that is not JSON refused by name; the seals of a
-- branch locked while a mapping is checked; details up to 64 KiB (authority for many branches). From here on
-- admin_propose sends every kind but 0035's four to admin_check_proposal, so a new kind touches only
-- admin_check_proposal and admin_apply_change.
ALTER TABLE admin_changes DROP CONSTRAINT admin_changes_kind_check;
ALTER TABLE admin_changes ADD CONSTRAINT admin_changes_kind_check CHECK (kind IN (
    'user.create', 'user.deactivate', 'user.reactivate', 'user.reset_password', 'user.change_role', 'user.unlock',
    'branch.create', 'terminal.register', 'authority.set', 'authority.revoke', 'rules.activate', 'seal.map'));
ALTER TABLE admin_changes DROP CONSTRAINT admin_changes_details_check;
ALTER TABLE admin_changes ADD CONSTRAINT admin_changes_details_check CHECK (
    jsonb_typeof(details) = 'object'
    AND octet_length(details::text) <= CASE WHEN kind = 'rules.activate' THEN 1100000 ELSE 65536 END);

-- True when `p_list` is a JSON array of strings only.
CREATE FUNCTION admin_strings(p_list jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT jsonb_typeof(p_list) = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_list) e WHERE jsonb_typeof(e) <> 'string')
$$;

-- A user the change would act on while they work: an officer online or paused (requests are offered to them), or a
-- user in an open counter session.
CREATE FUNCTION admin_user_busy(p_user text) RETURNS boolean LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM officer_presence WHERE user_id = p_user AND status IN ('online', 'paused'))
        OR EXISTS (SELECT 1 FROM counter_sessions WHERE teller_id = p_user AND closed_at IS NULL)
$$;

-- Withdraws a user's authority: their (offline) presence row, their limits, the grant.
CREATE FUNCTION admin_drop_authority(p_user text) RETURNS void LANGUAGE sql SET search_path = pg_catalog, public, pg_temp AS $$
    DELETE FROM officer_presence WHERE user_id = p_user;
    DELETE FROM officer_limits WHERE user_id = p_user;
    DELETE FROM officer_authority WHERE user_id = p_user;
$$;

CREATE OR REPLACE FUNCTION admin_check_proposal(p_kind text, p_target text, p_details jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user users;
    v_key text;
BEGIN
    IF p_kind IN ('user.change_role', 'authority.set', 'authority.revoke', 'user.unlock') THEN
        SELECT * INTO v_user FROM users WHERE id = p_target;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no user %', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_unknown_user';
        END IF;
    END IF;
    IF p_kind IN ('user.change_role', 'authority.revoke') AND admin_user_busy(p_target) THEN
        RAISE EXCEPTION 'user % is at work (online, paused, or in an open counter session): change them when they are not', p_target
            USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_user_busy';
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
        IF jsonb_typeof(p_details->'level') IS DISTINCT FROM 'number' OR (p_details->>'level') !~ '^[1-5]$'
           OR NOT admin_strings(p_details->'codes') OR jsonb_array_length(p_details->'codes') NOT BETWEEN 1 AND 100
           OR NOT admin_strings(coalesce(p_details->'branches_served', '[]')) OR jsonb_array_length(coalesce(p_details->'branches_served', '[]')) > 500
           OR jsonb_typeof(p_details->'limits') IS DISTINCT FROM 'object' THEN
            RAISE EXCEPTION 'authority needs a level 1–5, codes, branches served and limits' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
        END IF;
        FOR v_key IN SELECT jsonb_object_keys(p_details->'limits') LOOP
            IF v_key !~ '^[A-Z]{3}$' OR jsonb_typeof(p_details->'limits'->v_key) <> 'number' OR (p_details->'limits'->>v_key) !~ '^[0-9]{1,18}$' THEN
                RAISE EXCEPTION 'a limit is a currency code and an amount in minor units' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
            END IF;
        END LOOP;
        IF EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(p_details->'branches_served', '[]')) b(code)
                   WHERE NOT EXISTS (SELECT 1 FROM branches WHERE branches.code = b.code)) THEN
            RAISE EXCEPTION 'a branch served does not exist' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_unknown_branch';
        END IF;
    ELSIF p_kind = 'rules.activate' THEN
        BEGIN
            PERFORM (p_details->>'source')::jsonb;
        EXCEPTION WHEN invalid_text_representation THEN
            RAISE EXCEPTION 'a rule set is JSON' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
        END;
        IF coalesce(p_details->>'source', '') = '' OR ((p_details->>'source')::jsonb)->>'version' IS DISTINCT FROM p_target
           OR p_details->>'sha256' IS DISTINCT FROM encode(sha256(convert_to(p_details->>'source', 'UTF8')), 'hex') THEN
            RAISE EXCEPTION 'a rule set is proposed with its source, its version as the target, and its SHA-256'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
        END IF;
        IF EXISTS (SELECT 1 FROM authz_rule_sets WHERE version = p_target AND encode(sha256, 'hex') <> p_details->>'sha256') THEN
            RAISE EXCEPTION 'rule set % was in force before with other content: give the changed rules a new version', p_target
                USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_rules_version_used';
        END IF;
        IF EXISTS (SELECT 1 FROM authz_rule_sets WHERE version = p_target AND active) THEN
            RAISE EXCEPTION 'rule set % is in force', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_no_change';
        END IF;
    ELSIF p_kind = 'seal.map' THEN
        IF NOT EXISTS (SELECT 1 FROM seals WHERE id = p_target AND state = 'active') THEN
            RAISE EXCEPTION 'no active seal %', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_unknown_seal';
        END IF;
        -- Checked against the branch's other seals, held until the transaction ends (two mappings at once are one
        -- after the other).
        PERFORM 1 FROM seals s WHERE s.branch_code = (SELECT branch_code FROM seals WHERE id = p_target) FOR UPDATE;
        IF NOT admin_strings(p_details->'forms') OR jsonb_array_length(p_details->'forms') > 100 THEN
            RAISE EXCEPTION 'a seal is mapped to a list of forms' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
        END IF;
        -- Two active seals of one branch for one form would leave the form with none (seal_for_form refuses to guess).
        IF EXISTS (
            SELECT 1 FROM seals s, seals mine
            WHERE mine.id = p_target AND s.branch_code = mine.branch_code AND s.id <> mine.id AND s.state = 'active'
              AND s.forms && ARRAY(SELECT jsonb_array_elements_text(p_details->'forms'))) THEN
            RAISE EXCEPTION 'another active seal of the branch is mapped to one of these forms'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_seal_overlap';
        END IF;
    ELSIF p_kind = 'user.unlock' THEN
        IF p_details <> '{}'::jsonb THEN
            RAISE EXCEPTION 'an unlock says nothing more' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
        END IF;
    ELSIF p_kind = 'authority.revoke' THEN
        IF NOT EXISTS (SELECT 1 FROM officer_authority WHERE user_id = p_target) THEN
            RAISE EXCEPTION 'user % holds no authority', p_target USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_no_change';
        END IF;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION admin_apply_change(p_change admin_changes) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM admin_check_proposal(p_change.kind, p_change.target, p_change.details);
    CASE p_change.kind
    WHEN 'user.change_role' THEN
        UPDATE users SET role = p_change.details->>'role', branch_code = p_change.details->>'branch' WHERE id = p_change.target;
        -- Authority belongs to supervisors and officers: a user who stops being one loses it (a later promotion
        -- grants it afresh, under review, rather than bringing the old grant back).
        IF p_change.details->>'role' NOT IN ('supervisor', 'officer') THEN
            PERFORM admin_drop_authority(p_change.target);
        END IF;
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
    WHEN 'rules.activate' THEN
        UPDATE authz_rule_sets SET active = false WHERE active;
        INSERT INTO authz_rule_sets (version, source, sha256, activated_at, active)
        VALUES (p_change.target, p_change.details->>'source', decode(p_change.details->>'sha256', 'hex'), now(), true)
        ON CONFLICT (version) DO UPDATE SET active = true, activated_at = EXCLUDED.activated_at;
    WHEN 'seal.map' THEN
        UPDATE seals SET forms = ARRAY(SELECT jsonb_array_elements_text(p_change.details->'forms')) WHERE id = p_change.target;
    WHEN 'user.unlock' THEN
        -- The lockout is each instance's (in memory): the announcement, at commit, clears it on every one.
        PERFORM pg_notify('countersign_sign_in_unlocked', p_change.target);
    WHEN 'authority.revoke' THEN
        PERFORM admin_drop_authority(p_change.target);
    END CASE;
END $$;

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
    IF (p_kind LIKE 'user.%' OR p_kind LIKE 'authority.%') AND p_target !~ '^[a-z0-9_.-]{1,64}$' THEN
        RAISE EXCEPTION 'a user id is 1–64 of a–z, 0–9, _ . -' USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_bad_details';
    END IF;
    SELECT * INTO v_target FROM users WHERE id = p_target;
    IF p_kind NOT IN ('user.create', 'user.deactivate', 'user.reactivate', 'user.reset_password') THEN
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

REVOKE ALL ON FUNCTION admin_strings(jsonb), admin_user_busy(text), admin_drop_authority(text) FROM PUBLIC;
