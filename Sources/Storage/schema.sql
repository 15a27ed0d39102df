--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: public; Type: SCHEMA; Schema: -; Owner: countersign_owner
--

-- *not* creating schema, since initdb creates it


ALTER SCHEMA public OWNER TO countersign_owner;

--
-- Name: pgcrypto; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;


--
-- Name: EXTENSION pgcrypto; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: users; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.users (
    id text NOT NULL,
    display_name text NOT NULL,
    branch_code text NOT NULL,
    role text NOT NULL,
    password_hash text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    must_change_password boolean DEFAULT false NOT NULL,
    CONSTRAINT users_display_name_check CHECK (((length(display_name) >= 1) AND (length(display_name) <= 100))),
    CONSTRAINT users_id_check CHECK ((id ~ '^[a-z0-9_.-]{1,64}$'::text)),
    CONSTRAINT users_role_check CHECK ((role = ANY (ARRAY['teller'::text, 'supervisor'::text, 'officer'::text, 'auditor'::text, 'admin'::text, 'security_admin'::text])))
);


ALTER TABLE public.users OWNER TO countersign_owner;

--
-- Name: admin_acting(text, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.admin_acting(p_token text, p_password text) RETURNS public.users
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_admin users := user_acting(p_token, p_password);
BEGIN
    IF v_admin.role <> 'security_admin' OR v_admin.must_change_password THEN
        RAISE EXCEPTION 'only a signed-in security administrator changes the directory'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_signed_in';
    END IF;
    RETURN v_admin;
END $$;


ALTER FUNCTION public.admin_acting(p_token text, p_password text) OWNER TO countersign_owner;

--
-- Name: admin_changes; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.admin_changes (
    id bigint NOT NULL,
    kind text NOT NULL,
    target text NOT NULL,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    proposed_by text NOT NULL,
    proposed_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    state text DEFAULT 'proposed'::text NOT NULL,
    decided_by text,
    decided_at timestamp with time zone,
    reason text,
    CONSTRAINT admin_changes_decided CHECK (((state = 'proposed'::text) = ((decided_by IS NULL) AND (decided_at IS NULL)))),
    CONSTRAINT admin_changes_details_check CHECK (((jsonb_typeof(details) = 'object'::text) AND (octet_length((details)::text) <=
CASE
    WHEN (kind = 'rules.activate'::text) THEN 1100000
    ELSE 65536
END))),
    CONSTRAINT admin_changes_four_eyes CHECK (((state <> 'approved'::text) OR (decided_by <> proposed_by))),
    CONSTRAINT admin_changes_kind_check CHECK ((kind = ANY (ARRAY['user.create'::text, 'user.deactivate'::text, 'user.reactivate'::text, 'user.reset_password'::text, 'user.change_role'::text, 'user.unlock'::text, 'branch.create'::text, 'terminal.register'::text, 'authority.set'::text, 'authority.revoke'::text, 'rules.activate'::text, 'seal.map'::text]))),
    CONSTRAINT admin_changes_reason_check CHECK ((char_length(reason) <= 200)),
    CONSTRAINT admin_changes_state_check CHECK ((state = ANY (ARRAY['proposed'::text, 'approved'::text, 'rejected'::text]))),
    CONSTRAINT admin_changes_target_check CHECK ((target ~ '^[A-Za-z0-9_.-]{1,64}(/[A-Za-z0-9_.-]{1,64})?$'::text))
);


ALTER TABLE public.admin_changes OWNER TO countersign_owner;

--
-- Name: admin_apply_change(public.admin_changes); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.admin_apply_change(p_change public.admin_changes) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
        -- The user's count, shared by every instance, starts again (the address's stays: it may be guessing others).
        DELETE FROM sign_in_failures WHERE key = 'user:' || p_change.target;
    WHEN 'authority.revoke' THEN
        PERFORM admin_drop_authority(p_change.target);
    END CASE;
END $$;


ALTER FUNCTION public.admin_apply_change(p_change public.admin_changes) OWNER TO countersign_owner;

--
-- Name: admin_changes_final(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.admin_changes_final() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.admin_changes_final() OWNER TO countersign_owner;

--
-- Name: admin_check_proposal(text, text, jsonb); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.admin_check_proposal(p_kind text, p_target text, p_details jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
END $_$;


ALTER FUNCTION public.admin_check_proposal(p_kind text, p_target text, p_details jsonb) OWNER TO countersign_owner;

--
-- Name: admin_decide(text, text, bigint, boolean, text, text, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.admin_decide(p_token text, p_password text, p_id bigint, p_approve boolean, p_reason text, p_one_time text, p_password_hash text) RETURNS TABLE(kind text, target text, proposed_by text, decided_by text, details jsonb)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
    -- What was proposed long ago is not approved blind: the circumstances it was proposed in may be gone. The
    -- proposer (or another administrator) withdraws it and proposes it again if it still stands.
    IF p_approve AND v_change.proposed_at < clock_timestamp() - interval '72 hours' THEN
        RAISE EXCEPTION 'administrative change % was proposed more than 72 hours ago', p_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_proposal_expired';
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


ALTER FUNCTION public.admin_decide(p_token text, p_password text, p_id bigint, p_approve boolean, p_reason text, p_one_time text, p_password_hash text) OWNER TO countersign_owner;

--
-- Name: admin_drop_authority(text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.admin_drop_authority(p_user text) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    DELETE FROM officer_presence WHERE user_id = p_user;
    DELETE FROM officer_limits WHERE user_id = p_user;
    DELETE FROM officer_authority WHERE user_id = p_user;
$$;


ALTER FUNCTION public.admin_drop_authority(p_user text) OWNER TO countersign_owner;

--
-- Name: admin_propose(text, text, text, text, jsonb); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.admin_propose(p_token text, p_password text, p_kind text, p_target text, p_details jsonb) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
END $_$;


ALTER FUNCTION public.admin_propose(p_token text, p_password text, p_kind text, p_target text, p_details jsonb) OWNER TO countersign_owner;

--
-- Name: admin_strings(jsonb); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.admin_strings(p_list jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT jsonb_typeof(p_list) = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_list) e WHERE jsonb_typeof(e) <> 'string')
$$;


ALTER FUNCTION public.admin_strings(p_list jsonb) OWNER TO countersign_owner;

--
-- Name: admin_user_busy(text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.admin_user_busy(p_user text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT EXISTS (SELECT 1 FROM officer_presence WHERE user_id = p_user AND status IN ('online', 'paused'))
        OR EXISTS (SELECT 1 FROM counter_sessions WHERE teller_id = p_user AND closed_at IS NULL)
$$;


ALTER FUNCTION public.admin_user_busy(p_user text) OWNER TO countersign_owner;

--
-- Name: audit_append(text, text, text, text, text, text, text, bytea); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.audit_append(p_chain text, p_actor text, p_branch text, p_terminal text, p_action text, p_subject text, p_payload text, p_body_digest bytea, OUT seq bigint, OUT at_us bigint, OUT prev_hash bytea, OUT hash bytea) RETURNS record
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_now bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
    v_zero bytea := decode(repeat('00', 32), 'hex');
BEGIN
    IF octet_length(p_body_digest) IS DISTINCT FROM 32 THEN
        RAISE EXCEPTION 'audit body digest must be 32 bytes' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- One statement locks the head (waiting for an earlier append to the chain to commit), then computes the new
    -- position, time and hash from the head it finally sees. GREATEST keeps time from running backwards along a
    -- chain when this transaction read the clock before the one ahead of it committed.
    UPDATE audit_chain_heads AS h SET
        last_seq = h.last_seq + 1,
        last_at_us = greatest(v_now, h.last_at_us),
        prev_hash = h.last_hash,
        last_hash = sha256('\x435341554449540001'::bytea || int8send(h.last_seq + 1) || int8send(greatest(v_now, h.last_at_us))
                           || h.last_hash || p_body_digest)
    WHERE h.chain_id = p_chain
    RETURNING h.last_seq, h.last_at_us, h.prev_hash, h.last_hash INTO seq, at_us, prev_hash, hash;
    IF NOT FOUND THEN
        -- The chain's first event. If another transaction creates the head first, ON CONFLICT waits for it and
        -- then appends after it, exactly as the UPDATE above would have.
        INSERT INTO audit_chain_heads AS h (chain_id, last_seq, last_at_us, prev_hash, last_hash)
        VALUES (p_chain, 1, v_now, v_zero,
                sha256('\x435341554449540001'::bytea || int8send(1::bigint) || int8send(v_now) || v_zero || p_body_digest))
        ON CONFLICT (chain_id) DO UPDATE SET
            last_seq = h.last_seq + 1,
            last_at_us = greatest(v_now, h.last_at_us),
            prev_hash = h.last_hash,
            last_hash = sha256('\x435341554449540001'::bytea || int8send(h.last_seq + 1) || int8send(greatest(v_now, h.last_at_us))
                               || h.last_hash || p_body_digest)
        RETURNING h.last_seq, h.last_at_us, h.prev_hash, h.last_hash INTO seq, at_us, prev_hash, hash;
    END IF;
    INSERT INTO audit_events (chain_id, seq, at, actor, branch, terminal, action, subject, payload, encoding_version, prev_hash, hash)
    VALUES (p_chain, seq, timestamptz 'epoch' + at_us * interval '1 microsecond', p_actor, p_branch, p_terminal, p_action, p_subject,
            p_payload, 1, prev_hash, hash);
END $$;


ALTER FUNCTION public.audit_append(p_chain text, p_actor text, p_branch text, p_terminal text, p_action text, p_subject text, p_payload text, p_body_digest bytea, OUT seq bigint, OUT at_us bigint, OUT prev_hash bytea, OUT hash bytea) OWNER TO countersign_owner;

--
-- Name: audit_finding_answer(text, text, bigint, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.audit_finding_answer(p_token text, p_password text, p_id bigint, p_answer text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_supervisor users := supervision_actor(p_token, p_password, 'supervisor');
    v_finding audit_findings;
BEGIN
    SELECT * INTO v_finding FROM audit_findings WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR v_finding.branch_code <> v_supervisor.branch_code THEN
        RAISE EXCEPTION 'finding % is not one of branch %''s', p_id, v_supervisor.branch_code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_finding_branch';
    END IF;
    IF v_finding.state <> 'raised' THEN
        RAISE EXCEPTION 'finding % is %, not waiting for an answer', p_id, v_finding.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_finding_state';
    END IF;
    IF EXISTS (SELECT 1 FROM authz_decisions d JOIN authz_requests r ON r.id = d.request_id
               WHERE r.transaction_id = v_finding.transaction_id AND d.officer_id = v_supervisor.id) THEN
        RAISE EXCEPTION 'finding %: % decided on that transaction and does not answer for it', p_id, v_supervisor.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_finding_own_decision';
    END IF;
    UPDATE audit_findings SET state = 'answered', answer = p_answer, answered_by = v_supervisor.id, answered_at = clock_timestamp(),
        history = history || audit_finding_entry('answered', v_supervisor.id, p_answer)
    WHERE id = p_id;
END $$;


ALTER FUNCTION public.audit_finding_answer(p_token text, p_password text, p_id bigint, p_answer text) OWNER TO countersign_owner;

--
-- Name: audit_finding_conclude(text, text, bigint, boolean, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.audit_finding_conclude(p_token text, p_password text, p_id bigint, p_close boolean, p_note text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_auditor users := supervision_actor(p_token, p_password, 'auditor');
    v_finding audit_findings;
    v_step text;
BEGIN
    SELECT * INTO v_finding FROM audit_findings WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no finding %', p_id USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_finding_branch';
    END IF;
    IF v_finding.state = 'closed' OR (NOT p_close AND v_finding.state <> 'answered') THEN
        RAISE EXCEPTION 'finding % is %: an open finding is closed, an answered one returned', p_id, v_finding.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_finding_state';
    END IF;
    v_step := CASE WHEN NOT p_close THEN 'returned' WHEN v_finding.state = 'raised' THEN 'withdrawn' ELSE 'closed' END;
    IF p_close THEN
        UPDATE audit_findings SET state = 'closed', closing_note = p_note, closed_by = v_auditor.id, closed_at = clock_timestamp(),
            history = history || audit_finding_entry(v_step, v_auditor.id, p_note)
        WHERE id = p_id;
    ELSE
        UPDATE audit_findings SET state = 'raised', answer = NULL, answered_by = NULL, answered_at = NULL,
            history = history || audit_finding_entry(v_step, v_auditor.id, p_note)
        WHERE id = p_id;
    END IF;
    RETURN v_step;
END $$;


ALTER FUNCTION public.audit_finding_conclude(p_token text, p_password text, p_id bigint, p_close boolean, p_note text) OWNER TO countersign_owner;

--
-- Name: audit_finding_entry(text, text, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.audit_finding_entry(p_step text, p_user text, p_text text) RETURNS jsonb
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT jsonb_build_array(jsonb_build_object('step', p_step, 'by', p_user, 'at', clock_timestamp(), 'text', p_text))
$$;


ALTER FUNCTION public.audit_finding_entry(p_step text, p_user text, p_text text) OWNER TO countersign_owner;

--
-- Name: audit_finding_raise(text, text, text, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.audit_finding_raise(p_token text, p_password text, p_transaction text, p_description text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_auditor users := supervision_actor(p_token, p_password, 'auditor');
    v_id bigint;
BEGIN
    INSERT INTO audit_findings (transaction_id, branch_code, state, description, raised_by, raised_at, history)
    SELECT t.id, t.branch_code, 'raised', p_description, v_auditor.id, clock_timestamp(), audit_finding_entry('raised', v_auditor.id, p_description)
    FROM teller_transactions t WHERE t.id = p_transaction
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'there is no transaction %', p_transaction USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_finding_transaction';
    END IF;
    RETURN v_id;
END $$;


ALTER FUNCTION public.audit_finding_raise(p_token text, p_password text, p_transaction text, p_description text) OWNER TO countersign_owner;

--
-- Name: audit_findings_steps(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.audit_findings_steps() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.state = 'closed' THEN
        RAISE EXCEPTION 'finding %: a closed finding is history', OLD.id USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_findings_steps';
    END IF;
    IF NEW.transaction_id <> OLD.transaction_id OR NEW.branch_code <> OLD.branch_code OR NEW.description <> OLD.description
       OR NEW.raised_by <> OLD.raised_by OR NEW.raised_at <> OLD.raised_at
       OR jsonb_array_length(NEW.history) <> jsonb_array_length(OLD.history) + 1
       OR NEW.history <> OLD.history || jsonb_build_array(NEW.history -> -1)
       OR NOT ((OLD.state = 'raised' AND NEW.state IN ('answered', 'closed'))
               OR (OLD.state = 'answered' AND NEW.state IN ('raised', 'closed'))) THEN
        RAISE EXCEPTION 'finding %: % → % is not a step', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_findings_steps';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.audit_findings_steps() OWNER TO countersign_owner;

--
-- Name: audit_refuse_change(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;


ALTER FUNCTION public.audit_refuse_change() OWNER TO countersign_owner;

--
-- Name: audit_sample_draw(text, text, date, text, integer); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.audit_sample_draw(p_token text, p_password text, p_day date, p_branch text, p_size integer) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_auditor users := supervision_actor(p_token, p_password, 'auditor');
    -- Beijing has no daylight saving: its day starts at 16:00 UTC the day before.
    v_start timestamptz := (p_day::timestamp - interval '8 hours') AT TIME ZONE 'UTC';
    v_id bigint;
BEGIN
    INSERT INTO audit_samples (day, branch_code, requested, drawn_by) VALUES (p_day, p_branch, p_size, v_auditor.id) RETURNING id INTO v_id;
    INSERT INTO audit_sample_items (sample_id, transaction_id)
    SELECT v_id, t.id FROM teller_transactions t
    WHERE t.state = 'committed' AND t.committed_at >= v_start AND t.committed_at < v_start + interval '1 day'
      AND (p_branch IS NULL OR t.branch_code = p_branch)
    ORDER BY gen_random_uuid() LIMIT p_size;
    RETURN v_id;
END $$;


ALTER FUNCTION public.audit_sample_draw(p_token text, p_password text, p_day date, p_branch text, p_size integer) OWNER TO countersign_owner;

--
-- Name: audit_sample_items_final(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.audit_sample_items_final() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.reviewed_at IS NOT NULL OR NEW.sample_id <> OLD.sample_id OR NEW.transaction_id <> OLD.transaction_id THEN
        RAISE EXCEPTION 'sample %: what was drawn and reviewed stays', OLD.sample_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_sample_items_final';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.audit_sample_items_final() OWNER TO countersign_owner;

--
-- Name: audit_sample_review(text, text, bigint, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.audit_sample_review(p_token text, p_password text, p_sample bigint, p_transaction text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_auditor users := supervision_actor(p_token, p_password, 'auditor');
BEGIN
    UPDATE audit_sample_items SET reviewed_by = v_auditor.id, reviewed_at = clock_timestamp()
    WHERE sample_id = p_sample AND transaction_id = p_transaction AND reviewed_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'sample %: % was not drawn, or is reviewed already', p_sample, p_transaction
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_sample_item_open';
    END IF;
END $$;


ALTER FUNCTION public.audit_sample_review(p_token text, p_password text, p_sample bigint, p_transaction text) OWNER TO countersign_owner;

--
-- Name: audit_samples_final(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.audit_samples_final() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION 'sample %: a drawn sample stays as drawn', OLD.id USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_samples_final';
END $$;


ALTER FUNCTION public.audit_samples_final() OWNER TO countersign_owner;

--
-- Name: authz_announce(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_announce() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_count integer := 0;
    v_row record;
    v_payload text;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    FOR v_row IN
        UPDATE authz_feed f SET announced = true
        WHERE f.id IN (SELECT id FROM authz_feed WHERE NOT announced ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED)
        RETURNING f.id, f.request_id, f.snapshot
    LOOP
        v_payload := (v_row.snapshot || jsonb_build_object('feed_id', v_row.id))::text;
        IF octet_length(v_payload) > 7900 THEN
            v_payload := jsonb_build_object('feed_id', v_row.id, 'request_id', v_row.request_id, 'too_long', true)::text;
        END IF;
        PERFORM pg_notify('countersign_authz', v_payload);
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END $$;


ALTER FUNCTION public.authz_announce() OWNER TO countersign_owner;

--
-- Name: authz_band_holds(jsonb, bigint); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_band_holds(p_band jsonb, p_amount bigint) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT ((p_band ->> 'min') IS NULL OR p_amount >= (p_band ->> 'min')::numeric * 100)
       AND ((p_band ->> 'below') IS NULL OR p_amount < (p_band ->> 'below')::numeric * 100)
$$;


ALTER FUNCTION public.authz_band_holds(p_band jsonb, p_amount bigint) OWNER TO countersign_owner;

--
-- Name: authz_clock_ok(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_clock_ok(t timestamp with time zone) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    RETURN (SELECT injected_clock FROM authz_settings) OR abs(extract(epoch FROM t - clock_timestamp())) < 30;
END $$;


ALTER FUNCTION public.authz_clock_ok(t timestamp with time zone) OWNER TO countersign_owner;

--
-- Name: authz_commit(text, bytea, text, bigint, text, text, text, text, text, text, text, bytea); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_commit(p_transaction text, p_digest bytea, p_request text, p_at_us bigint, e_chain text, e_actor text, e_branch text, e_terminal text, e_action text, e_subject text, e_payload text, e_body_digest bytea) RETURNS TABLE(request_view text, seq bigint, at_us bigint, prev_hash bytea, hash bytea)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_now timestamptz := us_to_ts(p_at_us);
    v_view text;
BEGIN
    IF p_request IS NOT NULL THEN
        UPDATE authz_requests x SET state = 'committed', committed_at = v_now
        WHERE x.id = p_request AND x.transaction_id = p_transaction AND x.state = 'approved' AND x.payload_digest = p_digest
        RETURNING authz_request_view(x)::text INTO v_view;
        IF NOT FOUND THEN
            RETURN;
        END IF;
    END IF;
    UPDATE teller_transactions SET state = 'committed', committed_at = v_now, committed_digest = p_digest
    WHERE id = p_transaction AND state IN ('ready', 'needs_authorization');
    IF NOT FOUND THEN
        RAISE EXCEPTION 'commit: transaction % is not open', p_transaction USING ERRCODE = 'check_violation';
    END IF;
    RETURN QUERY SELECT v_view, a.seq, a.at_us, a.prev_hash, a.hash
        FROM audit_append(e_chain, e_actor, e_branch, e_terminal, e_action, e_subject, e_payload, e_body_digest) a;
END $$;


ALTER FUNCTION public.authz_commit(p_transaction text, p_digest bytea, p_request text, p_at_us bigint, e_chain text, e_actor text, e_branch text, e_terminal text, e_action text, e_subject text, e_payload text, e_body_digest bytea) OWNER TO countersign_owner;

--
-- Name: authz_decide(text, text, text, text, bytea, bytea, bigint, integer, text, text, text, text, text, text, text, bytea); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_decide(p_id text, p_officer text, p_decision text, p_reason text, p_payload_digest bytea, p_material_digest bytea, p_at_us bigint, p_approvals integer, e_chain text, e_actor text, e_branch text, e_terminal text, e_action text, e_subject text, e_payload text, e_body_digest bytea) RETURNS TABLE(request_view text, seq bigint, at_us bigint, prev_hash bytea, hash bytea)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_now timestamptz := us_to_ts(p_at_us);
    r authz_requests;
BEGIN
    INSERT INTO authz_decisions (request_id, officer_id, teller_id, decision, reason, payload_digest, material_digest, claimed_at, decided_at)
    SELECT id, p_officer, teller_id, p_decision, p_reason, p_payload_digest, p_material_digest, coalesce(claimed_at, v_now), v_now
    FROM authz_requests WHERE id = p_id;
    -- A first approval of two puts the request back in the pool for a second, different officer.
    UPDATE authz_requests x SET
        approvals = x.approvals + CASE WHEN p_decision = 'approve' THEN 1 ELSE 0 END,
        state = CASE p_decision WHEN 'reject' THEN 'rejected' WHEN 'return' THEN 'returned'
                     ELSE CASE WHEN x.approvals + 1 >= x.officers_required THEN 'approved' ELSE 'pending' END END,
        claimed_by = NULL, claimed_at = NULL, lease_until = NULL,
        offered_at = v_now,
        assigned_to = CASE WHEN p_decision = 'approve' AND x.approvals + 1 < x.officers_required AND x.scope = 'central'
                           THEN authz_pick_officer(x, p_officer) ELSE x.assigned_to END,
        decided_at = CASE WHEN p_decision = 'approve' AND x.approvals + 1 < x.officers_required THEN NULL ELSE v_now END
    WHERE x.id = p_id AND x.approvals = p_approvals
    RETURNING x.* INTO r;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'request %: it changed since it was read', p_id USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN QUERY SELECT authz_request_view(r)::text, a.seq, a.at_us, a.prev_hash, a.hash
        FROM audit_append(e_chain, e_actor, e_branch, e_terminal, e_action, e_subject, e_payload, e_body_digest) a;
END $$;


ALTER FUNCTION public.authz_decide(p_id text, p_officer text, p_decision text, p_reason text, p_payload_digest bytea, p_material_digest bytea, p_at_us bigint, p_approvals integer, e_chain text, e_actor text, e_branch text, e_terminal text, e_action text, e_subject text, e_payload text, e_body_digest bytea) OWNER TO countersign_owner;

--
-- Name: authz_decide_requirement(jsonb, jsonb); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_decide_requirement(p_rules jsonb, f jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_from integer := substr(p_rules -> 'business_hours' ->> 'from', 1, 2)::integer * 60 + substr(p_rules -> 'business_hours' ->> 'from', 4, 2)::integer;
    v_to integer := substr(p_rules -> 'business_hours' ->> 'to', 1, 2)::integer * 60 + substr(p_rules -> 'business_hours' ->> 'to', 4, 2)::integer;
    v_minute integer := (f ->> 'minute_of_day')::integer;
    v_outside boolean;
    v_rule jsonb;
    v_req jsonb;
    v_matched text[] := '{}';
    v_strictest jsonb;
    v_officers integer := 0;
    v_modes text[] := ARRAY['local', 'cross-terminal', 'cross-branch', 'central'];
    v_material text[] := '{}';
    v_unclaimed integer;
    v_lease integer;
    v_wait integer;
BEGIN
    v_outside := NOT (v_minute >= v_from AND v_minute < v_to);
    FOR v_rule IN SELECT value FROM jsonb_array_elements(p_rules -> 'rules') WITH ORDINALITY AS e(value, n) ORDER BY n LOOP
        CONTINUE WHEN NOT authz_rule_matches(v_rule -> 'match', f, v_outside);
        v_req := v_rule -> 'require';
        v_matched := v_matched || (v_rule ->> 'id');
        IF v_strictest IS NULL OR ((v_req ->> 'level')::integer, (v_req ->> 'officers')::integer)
                                  > ((v_strictest ->> 'level')::integer, (v_strictest ->> 'officers')::integer) THEN
            v_strictest := v_req;
        END IF;
        v_officers := greatest(v_officers, (v_req ->> 'officers')::integer);
        v_modes := ARRAY(SELECT m FROM unnest(v_modes) AS m WHERE (v_req -> 'modes') ? m);
        v_material := v_material || ARRAY(SELECT jsonb_array_elements_text(v_req -> 'material'));
        v_unclaimed := least(v_unclaimed, (v_req -> 'timeouts' ->> 'unclaimed_seconds')::integer);
        v_lease := least(v_lease, (v_req -> 'timeouts' ->> 'lease_seconds')::integer);
        v_wait := least(v_wait, (v_req -> 'timeouts' ->> 'teller_wait_seconds')::integer);
    END LOOP;
    IF v_strictest IS NULL THEN
        RETURN jsonb_build_object('matched', '[]'::jsonb, 'requirement', NULL);
    END IF;
    IF cardinality(v_modes) = 0 THEN
        v_modes := ARRAY(SELECT jsonb_array_elements_text(v_strictest -> 'modes'));
    END IF;
    IF v_officers > 1 THEN
        v_modes := array_remove(v_modes, 'local');
    END IF;
    IF cardinality(v_modes) = 0 THEN
        v_modes := ARRAY['central'];
    END IF;
    RETURN jsonb_build_object(
        'matched', to_jsonb(v_matched),
        'requirement', jsonb_build_object(
            'level', (v_strictest ->> 'level')::integer, 'officers', v_officers,
            'modes', to_jsonb(ARRAY(SELECT DISTINCT m FROM unnest(v_modes) AS m ORDER BY m)),
            'material', to_jsonb(ARRAY(SELECT DISTINCT m FROM unnest(v_material) AS m ORDER BY m)),
            'timeouts', jsonb_build_object('unclaimed_seconds', v_unclaimed, 'lease_seconds', v_lease, 'teller_wait_seconds', v_wait)));
END $$;


ALTER FUNCTION public.authz_decide_requirement(p_rules jsonb, f jsonb) OWNER TO countersign_owner;

--
-- Name: authz_decisions_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_decisions_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    r authz_requests;
BEGIN
    SELECT * INTO r FROM authz_requests WHERE id = NEW.request_id FOR UPDATE;
    IF r.state <> 'claimed' OR r.claimed_by IS DISTINCT FROM NEW.officer_id THEN
        RAISE EXCEPTION 'request %: % holds no claim on it', NEW.request_id, NEW.officer_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.decided_at >= r.lease_until THEN
        RAISE EXCEPTION 'request %: the claim of % has expired', NEW.request_id, NEW.officer_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT authz_clock_ok(NEW.decided_at) OR NEW.claimed_at <> r.claimed_at THEN
        RAISE EXCEPTION 'request %: decision time or claim does not match', NEW.request_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.authz_decisions_guard() OWNER TO countersign_owner;

--
-- Name: authz_requests; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.authz_requests (
    id text NOT NULL,
    transaction_id text NOT NULL,
    version integer NOT NULL,
    previous_id text,
    branch_code text NOT NULL,
    teller_id text NOT NULL,
    terminal text,
    code text NOT NULL,
    amount_minor bigint NOT NULL,
    currency text NOT NULL,
    level smallint NOT NULL,
    officers_required smallint NOT NULL,
    modes text[] NOT NULL,
    mode text NOT NULL,
    scope text NOT NULL,
    assigned_to text,
    payload_digest bytea NOT NULL,
    material_digest bytea NOT NULL,
    material jsonb NOT NULL,
    state text NOT NULL,
    approvals smallint DEFAULT 0 NOT NULL,
    claimed_by text,
    claimed_at timestamp with time zone,
    lease_until timestamp with time zone,
    unclaimed_seconds integer NOT NULL,
    lease_seconds integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    offered_at timestamp with time zone NOT NULL,
    teller_deadline timestamp with time zone NOT NULL,
    decided_at timestamp with time zone,
    committed_at timestamp with time zone,
    CONSTRAINT authz_requests_amount_minor_check CHECK ((amount_minor >= 0)),
    CONSTRAINT authz_requests_check CHECK (((approvals >= 0) AND (approvals <= officers_required))),
    CONSTRAINT authz_requests_check1 CHECK (((mode = ANY (modes)) AND (scope = ANY (modes)))),
    CONSTRAINT authz_requests_check2 CHECK (((claimed_by IS DISTINCT FROM teller_id) AND (assigned_to IS DISTINCT FROM teller_id))),
    CONSTRAINT authz_requests_check3 CHECK ((((state = 'claimed'::text) = (claimed_by IS NOT NULL)) AND ((claimed_by IS NULL) = (lease_until IS NULL)))),
    CONSTRAINT authz_requests_check4 CHECK (((state <> ALL (ARRAY['approved'::text, 'committed'::text])) OR (approvals = officers_required))),
    CONSTRAINT authz_requests_check5 CHECK (((officers_required = 1) OR (mode <> 'local'::text))),
    CONSTRAINT authz_requests_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT authz_requests_id_check CHECK ((id ~ '^R[0-9]{16}$'::text)),
    CONSTRAINT authz_requests_lease_seconds_check CHECK ((lease_seconds > 0)),
    CONSTRAINT authz_requests_level_check CHECK (((level >= 1) AND (level <= 5))),
    CONSTRAINT authz_requests_material_digest_check CHECK ((octet_length(material_digest) = 32)),
    CONSTRAINT authz_requests_modes_check CHECK (((modes <@ ARRAY['local'::text, 'cross-terminal'::text, 'cross-branch'::text, 'central'::text]) AND (cardinality(modes) >= 1))),
    CONSTRAINT authz_requests_officers_required_check CHECK ((officers_required = ANY (ARRAY[1, 2]))),
    CONSTRAINT authz_requests_payload_digest_check CHECK ((octet_length(payload_digest) = 32)),
    CONSTRAINT authz_requests_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'claimed'::text, 'approved'::text, 'rejected'::text, 'returned'::text, 'expired'::text, 'committed'::text, 'withdrawn'::text]))),
    CONSTRAINT authz_requests_unclaimed_seconds_check CHECK ((unclaimed_seconds > 0)),
    CONSTRAINT authz_requests_version_check CHECK (((version >= 1) AND (version <= 20)))
);


ALTER TABLE public.authz_requests OWNER TO countersign_owner;

--
-- Name: authz_eligible(text, public.authz_requests); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_eligible(p_officer text, r public.authz_requests) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1
        FROM users u
        JOIN officer_authority a ON a.user_id = u.id
        JOIN officer_limits l ON l.user_id = u.id AND l.currency = r.currency
        WHERE u.id = p_officer AND u.active AND u.role IN ('supervisor', 'officer') AND u.id <> r.teller_id
          AND a.level >= r.level AND l.limit_minor >= r.amount_minor
          AND (r.code = ANY (a.codes) OR '*' = ANY (a.codes))
          AND NOT EXISTS (SELECT 1 FROM authz_decisions d WHERE d.request_id = r.id AND d.officer_id = u.id)
          AND (
                -- Same branch, on another terminal (or at the teller's terminal, for local).
                (u.role = 'supervisor' AND u.branch_code = r.branch_code
                    AND ('local' = ANY (r.modes) OR 'cross-terminal' = ANY (r.modes)))
                -- Another branch that this supervisor serves, once the request is offered that wide.
             OR (u.role = 'supervisor' AND u.branch_code <> r.branch_code AND r.branch_code = ANY (a.branches_served)
                    AND r.scope IN ('cross-branch', 'central') AND 'cross-branch' = ANY (r.modes))
                -- The authorization centre, only in central scope, and only the assigned officer when there is one.
             OR (u.role = 'officer' AND r.scope = 'central' AND (r.assigned_to IS NULL OR r.assigned_to = u.id))
          )
    );
END $$;


ALTER FUNCTION public.authz_eligible(p_officer text, r public.authz_requests) OWNER TO countersign_owner;

--
-- Name: authz_feed_prune(integer, integer); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_feed_prune(p_retention_seconds integer, p_limit integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_before timestamptz := clock_timestamp() - p_retention_seconds * interval '1 second';
    v_count integer;
BEGIN
    DELETE FROM authz_feed WHERE id IN (
        SELECT o.id FROM (SELECT id, at, announced FROM authz_feed ORDER BY id LIMIT p_limit) o WHERE o.at < v_before AND o.announced);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END $$;


ALTER FUNCTION public.authz_feed_prune(p_retention_seconds integer, p_limit integer) OWNER TO countersign_owner;

--
-- Name: authz_local_credentials_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_local_credentials_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    r authz_requests;
BEGIN
    SELECT * INTO r FROM authz_requests WHERE id = NEW.request_id;
    IF r.mode <> 'local' OR r.state <> 'pending' OR r.terminal IS NULL OR r.terminal <> NEW.terminal THEN
        RAISE EXCEPTION 'request %: local credentials are checked at its own terminal while it is pending in local mode', NEW.request_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.officer_id = r.teller_id OR NOT EXISTS (
        SELECT 1 FROM users u WHERE u.id = NEW.officer_id AND u.role = 'supervisor' AND u.active AND u.branch_code = r.branch_code)
    THEN
        RAISE EXCEPTION 'request %: % is not a supervisor of branch %', NEW.request_id, NEW.officer_id, r.branch_code
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT authz_clock_ok(NEW.verified_at) THEN
        RAISE EXCEPTION 'request %: credential check time is far from the database clock', NEW.request_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.authz_local_credentials_guard() OWNER TO countersign_owner;

--
-- Name: authz_minute_of_day(timestamp with time zone, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_minute_of_day(t timestamp with time zone, p_offset text) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT (((floor(extract(epoch FROM t))::bigint + authz_offset_minutes(p_offset) * 60) % 86400 + 86400) % 86400 / 60)::integer
$$;


ALTER FUNCTION public.authz_minute_of_day(t timestamp with time zone, p_offset text) OWNER TO countersign_owner;

--
-- Name: authz_offered_to(public.authz_requests); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_offered_to(r public.authz_requests) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF r.state <> 'pending' THEN
        RETURN '[]'::jsonb;
    END IF;
    IF r.assigned_to IS NOT NULL THEN
        -- Central, assigned: only that officer, if they are still eligible and online.
        RETURN CASE WHEN EXISTS (SELECT 1 FROM officer_presence p WHERE p.user_id = r.assigned_to AND p.status = 'online')
                         AND authz_eligible(r.assigned_to, r)
                    THEN jsonb_build_array(r.assigned_to) ELSE '[]'::jsonb END;
    END IF;
    RETURN (SELECT coalesce(jsonb_agg(p.user_id ORDER BY p.user_id), '[]'::jsonb)
            FROM officer_presence p WHERE p.status = 'online' AND authz_eligible(p.user_id, r));
END $$;


ALTER FUNCTION public.authz_offered_to(r public.authz_requests) OWNER TO countersign_owner;

--
-- Name: authz_offset_minutes(text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_offset_minutes(p_offset text) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT (CASE WHEN left(p_offset, 1) = '-' THEN -1 ELSE 1 END)
         * (substr(p_offset, 2, 2)::integer * 60 + substr(p_offset, 5, 2)::integer)
$$;


ALTER FUNCTION public.authz_offset_minutes(p_offset text) OWNER TO countersign_owner;

--
-- Name: teller_transactions; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.teller_transactions (
    id text NOT NULL,
    branch_code text NOT NULL,
    teller_id text NOT NULL,
    terminal text,
    code text NOT NULL,
    amount_minor bigint NOT NULL,
    currency text NOT NULL,
    key_id text NOT NULL,
    payload_ciphertext bytea NOT NULL,
    payload_digest bytea NOT NULL,
    rule_set_version text NOT NULL,
    facts jsonb NOT NULL,
    matched_rules text[] NOT NULL,
    requirement jsonb,
    state text NOT NULL,
    submitted_at timestamp with time zone NOT NULL,
    committed_at timestamp with time zone,
    committed_digest bytea,
    replaces text,
    subject_tag bytea,
    CONSTRAINT teller_transactions_amount_minor_check CHECK ((amount_minor >= 0)),
    CONSTRAINT teller_transactions_check CHECK (((state <> 'committed'::text) OR ((committed_at IS NOT NULL) AND (committed_digest = payload_digest)))),
    CONSTRAINT teller_transactions_check1 CHECK (((state <> 'needs_authorization'::text) OR (requirement IS NOT NULL))),
    CONSTRAINT teller_transactions_check2 CHECK (((state <> 'ready'::text) OR (requirement IS NULL))),
    CONSTRAINT teller_transactions_code_check CHECK ((code ~ '^[a-z][a-z0-9-]{1,40}$'::text)),
    CONSTRAINT teller_transactions_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT teller_transactions_id_check CHECK ((id ~ '^T[0-9]{16}$'::text)),
    CONSTRAINT teller_transactions_payload_ciphertext_check CHECK ((octet_length(payload_ciphertext) <= 65536)),
    CONSTRAINT teller_transactions_payload_digest_check CHECK ((octet_length(payload_digest) = 32)),
    CONSTRAINT teller_transactions_state_check CHECK ((state = ANY (ARRAY['needs_authorization'::text, 'ready'::text, 'committed'::text, 'abandoned'::text]))),
    CONSTRAINT teller_transactions_subject_tag_check CHECK ((octet_length(subject_tag) = 32))
);


ALTER TABLE public.teller_transactions OWNER TO countersign_owner;

--
-- Name: authz_pick_candidate(public.teller_transactions, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_pick_candidate(t public.teller_transactions, p_mode text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    r authz_requests;
BEGIN
    IF p_mode <> 'central' OR t.requirement IS NULL THEN
        RETURN NULL;
    END IF;
    r.id := '';
    r.transaction_id := t.id;
    r.branch_code := t.branch_code;
    r.teller_id := t.teller_id;
    r.code := t.code;
    r.amount_minor := t.amount_minor;
    r.currency := t.currency;
    r.level := (t.requirement ->> 'level')::smallint;
    r.modes := ARRAY(SELECT jsonb_array_elements_text(t.requirement -> 'modes'));
    r.mode := p_mode;
    r.scope := p_mode;
    RETURN authz_pick_officer(r, NULL);
END $$;


ALTER FUNCTION public.authz_pick_candidate(t public.teller_transactions, p_mode text) OWNER TO countersign_owner;

--
-- Name: authz_pick_officer(public.authz_requests, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_pick_officer(r public.authz_requests, p_exclude text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_pick text;
BEGIN
    r.assigned_to := NULL;
    r.scope := 'central';
    SELECT o.user_id INTO v_pick
    FROM (SELECT p.user_id FROM officer_presence p JOIN users u ON u.id = p.user_id
          WHERE p.status = 'online' AND u.role = 'officer' AND p.user_id IS DISTINCT FROM p_exclude
          ORDER BY random() OFFSET 0) o
    WHERE authz_eligible(o.user_id, r)
    LIMIT 1;
    RETURN v_pick;
END $$;


ALTER FUNCTION public.authz_pick_officer(r public.authz_requests, p_exclude text) OWNER TO countersign_owner;

--
-- Name: authz_reject_decision_finishes_transaction(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_reject_decision_finishes_transaction() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    UPDATE teller_transactions t SET state = 'abandoned'
    FROM authz_requests r
    WHERE r.id = NEW.request_id AND t.id = r.transaction_id AND t.state = 'needs_authorization';
    RETURN NEW;
END $$;


ALTER FUNCTION public.authz_reject_decision_finishes_transaction() OWNER TO countersign_owner;

--
-- Name: authz_request_view(public.authz_requests); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_request_view(r public.authz_requests) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode TO 'force_generic_plan'
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    RETURN jsonb_build_object(
        'id', r.id, 'transaction', r.transaction_id, 'version', r.version, 'previous', r.previous_id,
        'branch', r.branch_code, 'teller', r.teller_id, 'terminal', r.terminal, 'code', r.code,
        'amount_minor', r.amount_minor, 'currency', r.currency, 'level', r.level, 'officers', r.officers_required,
        'modes', to_jsonb(r.modes), 'mode', r.mode, 'scope', r.scope, 'assigned_to', r.assigned_to, 'state', r.state,
        'approvals', r.approvals, 'claimed_by', r.claimed_by, 'claimed_at_us', ts_to_us(r.claimed_at),
        'lease_until_us', ts_to_us(r.lease_until), 'created_at_us', ts_to_us(r.created_at), 'offered_at_us', ts_to_us(r.offered_at),
        'teller_deadline_us', ts_to_us(r.teller_deadline), 'decided_at_us', ts_to_us(r.decided_at),
        'committed_at_us', ts_to_us(r.committed_at), 'unclaimed_seconds', r.unclaimed_seconds, 'lease_seconds', r.lease_seconds,
        'payload_digest', encode(r.payload_digest, 'hex'), 'material_digest', encode(r.material_digest, 'hex'), 'material', r.material,
        'reason', CASE WHEN r.state IN ('returned', 'rejected') THEN
            (SELECT d.reason FROM authz_decisions d WHERE d.request_id = r.id AND d.decision <> 'approve'
             ORDER BY d.decided_at DESC LIMIT 1) END);
END $$;


ALTER FUNCTION public.authz_request_view(r public.authz_requests) OWNER TO countersign_owner;

--
-- Name: authz_requests_feed(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_requests_feed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_snapshot jsonb := authz_request_view(NEW) || jsonb_build_object('offered_to', authz_offered_to(NEW));
BEGIN
    INSERT INTO authz_feed (request_id, snapshot) VALUES (NEW.id, v_snapshot);
    RETURN NULL;
END $$;


ALTER FUNCTION public.authz_requests_feed() OWNER TO countersign_owner;

--
-- Name: authz_requests_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_requests_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_presence text;
BEGIN
    IF NEW.id <> OLD.id OR NEW.teller_id <> OLD.teller_id OR NEW.transaction_id <> OLD.transaction_id
       OR NEW.payload_digest <> OLD.payload_digest OR NEW.material_digest <> OLD.material_digest OR NEW.material <> OLD.material
       OR NEW.amount_minor <> OLD.amount_minor OR NEW.currency <> OLD.currency
       OR NEW.code <> OLD.code OR NEW.level <> OLD.level OR NEW.officers_required <> OLD.officers_required
       OR NEW.modes <> OLD.modes OR NEW.mode <> OLD.mode OR NEW.branch_code <> OLD.branch_code
       OR NEW.terminal IS DISTINCT FROM OLD.terminal THEN
        RAISE EXCEPTION 'request %: what was requested cannot change; resubmit a new version', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF NOT (
           (OLD.state = 'pending' AND NEW.state IN ('pending', 'claimed', 'expired', 'withdrawn'))
        OR (OLD.state = 'claimed' AND NEW.state IN ('pending', 'claimed', 'approved', 'rejected', 'returned', 'expired', 'withdrawn'))
        OR (OLD.state = 'approved' AND NEW.state IN ('committed', 'withdrawn'))
    ) OR (OLD.state = 'claimed' AND NEW.state = 'claimed' AND NEW.claimed_by IS DISTINCT FROM OLD.claimed_by) THEN
        RAISE EXCEPTION 'request %: % → % is not allowed', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state = 'withdrawn' AND NOT EXISTS (SELECT 1 FROM txn_withdrawals w WHERE w.transaction_id = OLD.transaction_id) THEN
        RAISE EXCEPTION 'request %: withdrawn only by its teller''s withdrawal of the transaction', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'authz_withdrawn_by_teller';
    END IF;
    IF NEW.scope <> OLD.scope AND NEW.scope IS DISTINCT FROM authz_wider_scope(OLD.scope, OLD.modes) THEN
        RAISE EXCEPTION 'request %: scope % cannot become %', OLD.id, OLD.scope, NEW.scope USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state = 'claimed' AND OLD.state = 'pending' THEN
        IF NOT authz_clock_ok(NEW.claimed_at) THEN
            RAISE EXCEPTION 'request %: claim time is far from the database clock', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        IF NOT authz_eligible(NEW.claimed_by, NEW) THEN
            RAISE EXCEPTION 'request %: % may not claim it (level, limit, codes, branch, mode, or already decided)', OLD.id, NEW.claimed_by
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.mode = 'local' THEN
            IF NOT EXISTS (SELECT 1 FROM authz_local_credentials c WHERE c.request_id = OLD.id AND c.officer_id = NEW.claimed_by) THEN
                RAISE EXCEPTION 'request %: % did not prove presence at terminal %', OLD.id, NEW.claimed_by, OLD.terminal
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
        ELSE
            SELECT status INTO v_presence FROM officer_presence WHERE user_id = NEW.claimed_by;
            IF v_presence IS DISTINCT FROM 'online' THEN
                RAISE EXCEPTION 'request %: % is not online', OLD.id, NEW.claimed_by USING ERRCODE = 'insufficient_privilege';
            END IF;
        END IF;
    END IF;
    -- A decision row must exist for the decider before the request can leave the claimed state with a decision.
    IF OLD.state = 'claimed' AND NEW.state IN ('approved', 'rejected', 'returned')
       OR (OLD.state = 'claimed' AND NEW.state = 'pending' AND NEW.approvals > OLD.approvals) THEN
        IF NOT EXISTS (SELECT 1 FROM authz_decisions d WHERE d.request_id = OLD.id AND d.officer_id = OLD.claimed_by) THEN
            RAISE EXCEPTION 'request %: no decision recorded by the claimant', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.approvals <> (SELECT count(*) FROM authz_decisions d WHERE d.request_id = OLD.id AND d.decision = 'approve') THEN
            RAISE EXCEPTION 'request %: approvals must count the approve decisions', OLD.id USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NEW.approvals <> OLD.approvals THEN
        RAISE EXCEPTION 'request %: approvals change only with a decision', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.authz_requests_guard() OWNER TO countersign_owner;

--
-- Name: authz_requests_insert_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_requests_insert_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    t teller_transactions;
    v_allowed text[];
BEGIN
    SELECT * INTO t FROM teller_transactions WHERE id = NEW.transaction_id;
    IF t.teller_id <> NEW.teller_id OR t.payload_digest <> NEW.payload_digest OR t.state <> 'needs_authorization'
       OR t.amount_minor <> NEW.amount_minor OR t.currency <> NEW.currency OR t.code <> NEW.code OR t.branch_code <> NEW.branch_code THEN
        RAISE EXCEPTION 'request for %: it must match the open transaction it authorizes', NEW.transaction_id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.level < (t.requirement ->> 'level')::int OR NEW.officers_required < (t.requirement ->> 'officers')::int THEN
        RAISE EXCEPTION 'request for %: below what the rules require', NEW.transaction_id USING ERRCODE = 'check_violation';
    END IF;
    v_allowed := ARRAY(SELECT jsonb_array_elements_text(t.requirement -> 'modes'));
    IF NOT (NEW.modes <@ v_allowed AND NEW.modes @> v_allowed AND NEW.mode = ANY (v_allowed)) THEN
        RAISE EXCEPTION 'request for %: mode % is not one the rules allow (%)', NEW.transaction_id, NEW.mode, array_to_string(v_allowed, ', ')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'authz_mode_allowed';
    END IF;
    IF NOT authz_clock_ok(NEW.created_at) THEN
        RAISE EXCEPTION 'request for %: creation time is far from the database clock', NEW.transaction_id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state <> 'pending' OR NEW.approvals <> 0 OR NEW.claimed_by IS NOT NULL OR NEW.scope <> NEW.mode THEN
        RAISE EXCEPTION 'a new request starts pending, unclaimed, in its own mode' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM authz_requests r WHERE r.transaction_id = NEW.transaction_id AND r.state NOT IN ('returned', 'expired', 'rejected')) THEN
        RAISE EXCEPTION 'transaction % already has an open request', NEW.transaction_id USING ERRCODE = 'unique_violation';
    END IF;
    IF NEW.assigned_to IS NOT NULL AND NOT (
        NEW.scope = 'central'
        AND EXISTS (SELECT 1 FROM officer_presence p WHERE p.user_id = NEW.assigned_to AND p.status = 'online')
        AND authz_eligible(NEW.assigned_to, NEW)
    ) THEN
        RAISE EXCEPTION 'request for %: % is not an online officer eligible for it', NEW.transaction_id, NEW.assigned_to
            USING ERRCODE = 'check_violation', CONSTRAINT = 'authz_assigned_available';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.authz_requests_insert_guard() OWNER TO countersign_owner;

--
-- Name: authz_rule_matches(jsonb, jsonb, boolean); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_rule_matches(m jsonb, f jsonb, p_outside_hours boolean) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF m ? 'codes' AND NOT (m -> 'codes') ? (f ->> 'code') THEN RETURN false; END IF;
    IF m ? 'currencies' AND NOT (m -> 'currencies') ? (f ->> 'currency') THEN RETURN false; END IF;
    IF m ? 'amount' AND NOT authz_band_holds(m -> 'amount', (f ->> 'amount_minor')::bigint) THEN RETURN false; END IF;
    IF m ? 'amounts' AND NOT coalesce(authz_band_holds(m -> 'amounts' -> (f ->> 'currency'), (f ->> 'amount_minor')::bigint)
                                      AND (m -> 'amounts') ? (f ->> 'currency'), false) THEN
        RETURN false;
    END IF;
    IF m ? 'account_types' AND NOT (m -> 'account_types') ? (f ->> 'account_type') THEN RETURN false; END IF;
    IF m ? 'customer_risks' AND NOT (m -> 'customer_risks') ? (f ->> 'customer_risk') THEN RETURN false; END IF;
    IF m ? 'channels' AND NOT (m -> 'channels') ? (f ->> 'channel') THEN RETURN false; END IF;
    IF m ? 'outside_business_hours' AND jsonb_typeof(m -> 'outside_business_hours') = 'boolean'
       AND (m ->> 'outside_business_hours')::boolean <> p_outside_hours THEN
        RETURN false;
    END IF;
    RETURN true;
END $$;


ALTER FUNCTION public.authz_rule_matches(m jsonb, f jsonb, p_outside_hours boolean) OWNER TO countersign_owner;

--
-- Name: authz_same_requirement(jsonb, jsonb); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_same_requirement(a jsonb, b jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE
        WHEN a IS NULL OR b IS NULL THEN a IS NULL AND b IS NULL
        ELSE coalesce(
            jsonb_typeof(a) = 'object' AND jsonb_typeof(b) = 'object'
            AND a ?& ARRAY['level', 'officers', 'modes', 'material', 'timeouts']
            AND (a -> 'level') = (b -> 'level') AND (a -> 'officers') = (b -> 'officers') AND (a -> 'timeouts') = (b -> 'timeouts')
            AND jsonb_typeof(a -> 'modes') = 'array' AND jsonb_typeof(a -> 'material') = 'array'
            AND (a -> 'modes') @> (b -> 'modes') AND (b -> 'modes') @> (a -> 'modes')
            AND (a -> 'material') @> (b -> 'material') AND (b -> 'material') @> (a -> 'material'),
            false)
    END
$$;


ALTER FUNCTION public.authz_same_requirement(a jsonb, b jsonb) OWNER TO countersign_owner;

--
-- Name: authz_wider_scope(text, text[]); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.authz_wider_scope(p_scope text, p_modes text[]) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE
        WHEN p_scope = 'cross-terminal' AND 'cross-branch' = ANY (p_modes) THEN 'cross-branch'
        WHEN p_scope IN ('cross-terminal', 'cross-branch') AND 'central' = ANY (p_modes) THEN 'central'
    END
$$;


ALTER FUNCTION public.authz_wider_scope(p_scope text, p_modes text[]) OWNER TO countersign_owner;

--
-- Name: counter_announce(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.counter_announce() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_device bigint;
    v_session bigint;
    v_teller text;
BEGIN
    IF TG_TABLE_NAME = 'counter_screens' THEN
        v_device := NEW.device_id;
        v_session := coalesce(NEW.session_id, NEW.ended_session);
    ELSIF TG_TABLE_NAME = 'screen_devices' THEN
        v_device := NEW.id;
    ELSIF TG_TABLE_NAME = 'counter_sessions' THEN
        v_session := NEW.id;
    ELSE
        v_session := NEW.session_id;
    END IF;
    IF v_session IS NOT NULL THEN
        SELECT s.device_id, s.teller_id INTO v_device, v_teller FROM counter_sessions s WHERE s.id = v_session;
    END IF;
    PERFORM pg_notify('countersign_counter', json_build_object('device', v_device, 'session', v_session, 'teller', v_teller)::text);
    RETURN NULL;
END $$;


ALTER FUNCTION public.counter_announce() OWNER TO countersign_owner;

--
-- Name: counter_confirmation_statement(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.counter_confirmation_statement() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT counter_statement_ok(NEW.session_id, NEW.draft_version, NEW.decision, NEW.view_digest, NULL, NEW.statement, NEW.statement_signature) THEN
        RAISE EXCEPTION 'counter session %: an answer needs the enrolled screen''s statement for exactly it', NEW.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_statement_from_enrolled_screen';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.counter_confirmation_statement() OWNER TO countersign_owner;

--
-- Name: counter_drafts_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.counter_drafts_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM counter_sessions s WHERE s.id = NEW.session_id AND s.closed_at IS NOT NULL) THEN
        RAISE EXCEPTION 'counter session % is closed', NEW.session_id USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_draft_open';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.version <> 0 THEN
            RAISE EXCEPTION 'a draft starts at version 0' USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_draft_forward';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.session_id <> OLD.session_id THEN
        RAISE EXCEPTION 'a draft stays with its session' USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_draft_forward';
    END IF;
    IF NEW.version <> OLD.version OR NEW.view_digest IS DISTINCT FROM OLD.view_digest OR NEW.draft_ciphertext IS DISTINCT FROM OLD.draft_ciphertext
       OR NEW.complete <> OLD.complete OR NEW.form_id IS DISTINCT FROM OLD.form_id
    THEN
        IF NEW.version <> OLD.version + 1 OR NEW.state <> 'editing' THEN
            RAISE EXCEPTION 'draft of session %: a change is the next version, in editing', NEW.session_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_draft_forward';
        END IF;
        IF EXISTS (SELECT 1 FROM counter_transactions c WHERE c.session_id = NEW.session_id) THEN
            RAISE EXCEPTION 'draft of session %: booked is booked', NEW.session_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_draft_booked';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.state = OLD.state THEN
        RETURN NEW;
    END IF;
    IF NOT ((OLD.state = 'editing' AND NEW.state IN ('confirmed', 'rejected')) OR (OLD.state = 'confirmed' AND NEW.state = 'signed')) THEN
        RAISE EXCEPTION 'draft of session %: % cannot become %', NEW.session_id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_draft_forward';
    END IF;
    IF NEW.state = 'confirmed' AND NOT NEW.complete THEN
        RAISE EXCEPTION 'draft of session %: an unfinished draft is not confirmed', NEW.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_draft_as_recorded';
    END IF;
    IF NEW.state IN ('confirmed', 'rejected') AND NOT EXISTS (
        SELECT 1 FROM counter_confirmations c
        WHERE c.session_id = NEW.session_id AND c.draft_version = NEW.version AND c.view_digest = NEW.view_digest
          AND c.decision = CASE NEW.state WHEN 'confirmed' THEN 'confirm' ELSE 'reject' END)
    THEN
        RAISE EXCEPTION 'draft of session %: no recorded answer for version %', NEW.session_id, NEW.version
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_draft_as_recorded';
    END IF;
    IF NEW.state = 'signed' AND NOT EXISTS (
        SELECT 1 FROM counter_signatures g
        WHERE g.session_id = NEW.session_id AND g.draft_version = NEW.version AND g.view_digest = NEW.view_digest)
    THEN
        RAISE EXCEPTION 'draft of session %: no recorded signature for version %', NEW.session_id, NEW.version
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_draft_as_recorded';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.counter_drafts_guard() OWNER TO countersign_owner;

--
-- Name: counter_screens_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.counter_screens_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.device_id <> OLD.device_id THEN
        RAISE EXCEPTION 'a screen row stays with its device' USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_screen_own_session';
    END IF;
    IF NEW.session_id IS NOT NULL AND NEW.session_id IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.session_id END)
       AND NOT EXISTS (SELECT 1 FROM counter_sessions s WHERE s.id = NEW.session_id AND s.device_id = NEW.device_id AND s.closed_at IS NULL)
    THEN
        RAISE EXCEPTION 'screen % is paired only into an open session of its own (not %)', NEW.device_id, NEW.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_screen_own_session';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.counter_screens_guard() OWNER TO countersign_owner;

--
-- Name: counter_sessions_close_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.counter_sessions_close_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF OLD.closed_at IS NOT NULL AND NEW.closed_at IS DISTINCT FROM OLD.closed_at THEN
        RAISE EXCEPTION 'counter session % is closed for good', OLD.id USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_session_closed_once';
    END IF;
    IF OLD.closed_at IS NULL AND NEW.closed_at IS NOT NULL
       AND EXISTS (
        SELECT 1 FROM counter_transactions c JOIN teller_transactions t ON t.id = c.transaction_id
        WHERE c.session_id = NEW.id AND t.state <> 'abandoned'
          AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.session_id = NEW.id AND r.transaction_id = t.id))
    THEN
        RAISE EXCEPTION 'counter session % was booked: it ends with its receipt', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_session_booked';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.counter_sessions_close_guard() OWNER TO countersign_owner;

--
-- Name: counter_sessions_enrolled_screen(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.counter_sessions_enrolled_screen() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.counter_sessions_enrolled_screen() OWNER TO countersign_owner;

--
-- Name: counter_signature_statement(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.counter_signature_statement() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT counter_statement_ok(NEW.session_id, NEW.draft_version, 'sign', NEW.view_digest, NEW.strokes_sha256, NEW.statement, NEW.statement_signature)
    THEN
        RAISE EXCEPTION 'counter session %: a signature needs the enrolled screen''s statement for exactly it', NEW.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_statement_from_enrolled_screen';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.counter_signature_statement() OWNER TO countersign_owner;

--
-- Name: counter_statement_ok(bigint, integer, text, bytea, bytea, text, bytea); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.counter_statement_ok(p_session bigint, p_version integer, p_decision text, p_view bytea, p_strokes bytea, p_statement text, p_signature bytea) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.counter_statement_ok(p_session bigint, p_version integer, p_decision text, p_view bytea, p_strokes bytea, p_statement text, p_signature bytea) OWNER TO countersign_owner;

--
-- Name: counter_transactions_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.counter_transactions_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
        FROM counter_sessions s
        JOIN counter_signatures g ON g.session_id = s.id AND g.draft_version = NEW.draft_version
        JOIN teller_transactions t ON t.id = NEW.transaction_id
        WHERE s.id = NEW.session_id AND s.closed_at IS NULL AND s.teller_id = t.teller_id AND s.branch_code = t.branch_code
          AND t.state IN ('needs_authorization', 'ready'))
    THEN
        RAISE EXCEPTION 'counter session %: it books only an open transaction of its own teller, for a signed version', NEW.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_books_its_own_transaction';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.counter_transactions_guard() OWNER TO countersign_owner;

--
-- Name: receipts_require_committed(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.receipts_require_committed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NEW.session_id IS NULL THEN
        RETURN NEW;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM counter_transactions c JOIN teller_transactions t ON t.id = c.transaction_id
        WHERE c.session_id = NEW.session_id AND c.transaction_id = NEW.transaction_id AND t.state = 'committed')
    THEN
        RAISE EXCEPTION 'receipt for counter session % needs its committed transaction (got %)', NEW.session_id, NEW.transaction_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.receipts_require_committed() OWNER TO countersign_owner;

--
-- Name: report_bucket(bigint); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.report_bucket(p_ms bigint) RETURNS smallint
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT (width_bucket(greatest(p_ms, 0), report_latency_bounds()) + 1)::smallint
$$;


ALTER FUNCTION public.report_bucket(p_ms bigint) OWNER TO countersign_owner;

--
-- Name: report_latency_bounds(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.report_latency_bounds() RETURNS bigint[]
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT ARRAY[1000, 2000, 3000, 5000, 8000, 13000, 20000, 30000, 45000, 60000, 90000, 120000, 180000, 300000, 450000,
                 600000, 900000, 1200000, 1800000, 3600000]::bigint[]
$$;


ALTER FUNCTION public.report_latency_bounds() OWNER TO countersign_owner;

--
-- Name: report_roll(date); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.report_roll(p_day date) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    -- Beijing has no daylight saving: its day starts at 16:00 UTC the day before.
    v_start timestamptz := (p_day::timestamp - interval '8 hours') AT TIME ZONE 'UTC';
    v_end timestamptz := v_start + interval '1 day';
    v_kind text;
    v_below text;
    v_from date;
    v_to date;
BEGIN
    -- One roll at a time, whichever instance or command starts it.
    PERFORM pg_advisory_xact_lock(hashtext('countersign report_roll'));
    DELETE FROM report_figures WHERE period = 'day' AND period_start = p_day;
    DELETE FROM report_latency WHERE period = 'day' AND period_start = p_day;

    INSERT INTO report_figures
    SELECT 'day', p_day, CASE WHEN grouping(teller_id) = 1 THEN 'branch' ELSE 'teller' END,
           CASE WHEN grouping(teller_id) = 1 THEN branch_code ELSE teller_id END, branch_code, code, currency,
           sum(transactions), sum(committed), sum(amount), sum(authorized), sum(decisions), sum(approvals), sum(returns), sum(rejects),
           sum(timeouts)
    FROM (
        SELECT t.branch_code, t.teller_id, t.code, t.currency, 1 AS transactions, (t.state = 'committed')::int AS committed,
               CASE WHEN t.state = 'committed' THEN t.amount_minor ELSE 0 END AS amount, (t.requirement IS NOT NULL)::int AS authorized,
               0 AS decisions, 0 AS approvals, 0 AS returns, 0 AS rejects, 0 AS timeouts
        FROM teller_transactions t WHERE t.submitted_at >= v_start AND t.submitted_at < v_end
        UNION ALL
        -- A request's outcome, once (two officers' approvals are one approved request).
        SELECT r.branch_code, r.teller_id, r.code, r.currency, 0, 0, 0, 0, 1, (r.state IN ('approved', 'committed'))::int,
               (r.state = 'returned')::int, (r.state = 'rejected')::int, 0
        FROM authz_requests r
        WHERE r.decided_at >= v_start AND r.decided_at < v_end AND r.state IN ('approved', 'committed', 'returned', 'rejected')
        UNION ALL
        SELECT r.branch_code, r.teller_id, r.code, r.currency, 0, 0, 0, 0, 0, 0, 0, 0, 1
        FROM authz_requests r WHERE r.state = 'expired' AND r.created_at >= v_start AND r.created_at < v_end
    ) f
    GROUP BY GROUPING SETS ((branch_code, code, currency), (branch_code, teller_id, code, currency));

    INSERT INTO report_figures
    SELECT 'day', p_day, 'officer', officer_id, u.branch_code, code, currency, sum(transactions), sum(committed), sum(amount),
           sum(transactions), sum(transactions), sum(approvals), sum(returns), sum(rejects), sum(timeouts)
    FROM (
        SELECT d.officer_id, r.code, r.currency, 1 AS transactions, (r.state = 'committed')::int AS committed,
               CASE WHEN r.state = 'committed' AND d.decision = 'approve' THEN r.amount_minor ELSE 0 END AS amount,
               (d.decision = 'approve')::int AS approvals, (d.decision = 'return')::int AS returns, (d.decision = 'reject')::int AS rejects,
               0 AS timeouts
        FROM authz_decisions d JOIN authz_requests r ON r.id = d.request_id WHERE d.decided_at >= v_start AND d.decided_at < v_end
        UNION ALL
        SELECT e.officer_id, r.code, r.currency, 0, 0, 0, 0, 0, 0, 1
        FROM authz_lease_expiries e JOIN authz_requests r ON r.id = e.request_id WHERE e.expired_at >= v_start AND e.expired_at < v_end
    ) f JOIN users u ON u.id = f.officer_id
    GROUP BY officer_id, u.branch_code, code, currency;

    INSERT INTO report_latency
    SELECT 'day', p_day, CASE WHEN grouping(teller_id) = 1 THEN 'branch' ELSE 'teller' END,
           CASE WHEN grouping(teller_id) = 1 THEN branch_code ELSE teller_id END, branch_code, bucket, count(*)
    FROM (SELECT r.branch_code, r.teller_id, report_bucket((ts_to_us(r.decided_at) - ts_to_us(r.created_at)) / 1000) AS bucket
          FROM authz_requests r
          WHERE r.decided_at >= v_start AND r.decided_at < v_end AND r.state IN ('approved', 'committed', 'returned', 'rejected')) x
    GROUP BY GROUPING SETS ((branch_code, bucket), (branch_code, teller_id, bucket));

    INSERT INTO report_latency
    SELECT 'day', p_day, 'officer', officer_id, branch_code, bucket, count(*)
    FROM (SELECT d.officer_id, u.branch_code, report_bucket((ts_to_us(d.decided_at) - ts_to_us(d.claimed_at)) / 1000) AS bucket
          FROM authz_decisions d JOIN users u ON u.id = d.officer_id WHERE d.decided_at >= v_start AND d.decided_at < v_end) x
    GROUP BY officer_id, branch_code, bucket;

    -- The month from its days, the quarter from its months, the year from its quarters.
    FOREACH v_kind IN ARRAY ARRAY['month', 'quarter', 'year'] LOOP
        v_below := CASE v_kind WHEN 'month' THEN 'day' WHEN 'quarter' THEN 'month' ELSE 'quarter' END;
        v_from := date_trunc(v_kind, p_day)::date;
        v_to := (v_from + CASE v_kind WHEN 'month' THEN interval '1 month' WHEN 'quarter' THEN interval '3 months'
                                      ELSE interval '1 year' END)::date;
        DELETE FROM report_figures WHERE period = v_kind AND period_start = v_from;
        DELETE FROM report_latency WHERE period = v_kind AND period_start = v_from;
        INSERT INTO report_figures
        SELECT v_kind, v_from, dimension, key, branch_code, code, currency, sum(transactions), sum(committed), sum(amount_minor),
               sum(authorized), sum(decisions), sum(approvals), sum(returns), sum(rejects), sum(timeouts)
        FROM report_figures WHERE period = v_below AND period_start >= v_from AND period_start < v_to
        GROUP BY dimension, key, branch_code, code, currency;
        INSERT INTO report_latency
        SELECT v_kind, v_from, dimension, key, branch_code, bucket, sum(n)
        FROM report_latency WHERE period = v_below AND period_start >= v_from AND period_start < v_to
        GROUP BY dimension, key, branch_code, bucket;
    END LOOP;
    INSERT INTO report_rolls VALUES (p_day, clock_timestamp()) ON CONFLICT (day) DO UPDATE SET rolled_at = excluded.rolled_at;
END $$;


ALTER FUNCTION public.report_roll(p_day date) OWNER TO countersign_owner;

--
-- Name: screen_devices_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.screen_devices_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.screen_devices_guard() OWNER TO countersign_owner;

--
-- Name: seal_for_form(text, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.seal_for_form(p_branch text, p_form text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_named text[];
    v_default text[];
BEGIN
    v_named := ARRAY(SELECT id FROM seals WHERE branch_code = p_branch AND state = 'active' AND p_form = ANY (forms) ORDER BY id);
    IF cardinality(v_named) = 1 THEN RETURN v_named[1]; END IF;
    IF cardinality(v_named) > 1 THEN RETURN NULL; END IF;
    v_default := ARRAY(SELECT id FROM seals WHERE branch_code = p_branch AND state = 'active' AND '*' = ANY (forms) ORDER BY id);
    RETURN CASE WHEN cardinality(v_default) = 1 THEN v_default[1] END;
END $$;


ALTER FUNCTION public.seal_for_form(p_branch text, p_form text) OWNER TO countersign_owner;

--
-- Name: seals_revocation_is_final(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.seals_revocation_is_final() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF OLD.state = 'revoked' AND NEW.state <> 'revoked' THEN
        RAISE EXCEPTION 'seal % was revoked and cannot be reactivated', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.seals_revocation_is_final() OWNER TO countersign_owner;

--
-- Name: seals_revocation_names_certificate(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.seals_revocation_names_certificate() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.seals_revocation_names_certificate() OWNER TO countersign_owner;

--
-- Name: seals_revoked_certificate_fixed(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.seals_revoked_certificate_fixed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF OLD.state = 'revoked' AND OLD.certificate_serial IS NOT NULL AND (NEW.certificate_serial IS DISTINCT FROM OLD.certificate_serial
                                  OR NEW.certificate_issuer IS DISTINCT FROM OLD.certificate_issuer) THEN
        RAISE EXCEPTION 'seal % was revoked; its certificate cannot change', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'seals_revoked_certificate_fixed';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.seals_revoked_certificate_fixed() OWNER TO countersign_owner;

--
-- Name: sessions_announce_ended(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.sessions_announce_ended() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM pg_notify('countersign_sessions_ended', NEW.user_id);
    RETURN NULL;
END $$;


ALTER FUNCTION public.sessions_announce_ended() OWNER TO countersign_owner;

--
-- Name: sessions_at_registered_terminal(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.sessions_at_registered_terminal() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.sessions_at_registered_terminal() OWNER TO countersign_owner;

--
-- Name: sessions_revocation_final(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.sessions_revocation_final() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
        RAISE EXCEPTION 'a revoked session stays revoked' USING ERRCODE = 'check_violation', CONSTRAINT = 'sessions_revocation_final';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.sessions_revocation_final() OWNER TO countersign_owner;

--
-- Name: supervision_actor(text, text, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.supervision_actor(p_token text, p_password text, p_role text) RETURNS public.users
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_user users := user_acting(p_token, p_password);
BEGIN
    IF v_user.must_change_password THEN
        RAISE EXCEPTION 'user % must choose their own password first', v_user.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'user_password_change_required';
    END IF;
    IF v_user.role <> p_role THEN
        RAISE EXCEPTION 'user % is not a %', v_user.id, p_role USING ERRCODE = 'check_violation', CONSTRAINT = 'supervision_role';
    END IF;
    RETURN v_user;
END $$;


ALTER FUNCTION public.supervision_actor(p_token text, p_password text, p_role text) OWNER TO countersign_owner;

--
-- Name: teller_transactions_abandon_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.teller_transactions_abandon_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM txn_withdrawals w WHERE w.transaction_id = OLD.id)
       AND NOT EXISTS (
           SELECT 1 FROM authz_requests r JOIN authz_decisions d ON d.request_id = r.id
           WHERE r.transaction_id = OLD.id AND d.decision = 'reject') THEN
        RAISE EXCEPTION 'transaction %: abandoned only by a rejection or its teller''s withdrawal', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'txn_abandoned_for_a_reason';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.teller_transactions_abandon_guard() OWNER TO countersign_owner;

--
-- Name: teller_transactions_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.teller_transactions_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_rules authz_rule_sets;
    v_words jsonb;
    v_decided jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.teller_id AND role = 'teller' AND active AND branch_code = NEW.branch_code) THEN
            RAISE EXCEPTION 'only an active teller of branch % submits transactions', NEW.branch_code USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.state NOT IN ('needs_authorization', 'ready') OR NEW.committed_at IS NOT NULL OR NEW.committed_digest IS NOT NULL THEN
            RAISE EXCEPTION 'transaction %: a new transaction starts open, not %', NEW.id, NEW.state USING ERRCODE = 'check_violation';
        END IF;
        IF NOT authz_clock_ok(NEW.submitted_at) THEN
            RAISE EXCEPTION 'transaction %: submission time is far from the database clock', NEW.id USING ERRCODE = 'check_violation';
        END IF;
        SELECT * INTO v_rules FROM authz_rule_sets WHERE active;
        IF v_rules.version IS NULL OR v_rules.version <> NEW.rule_set_version THEN
            RAISE EXCEPTION 'transaction %: judged by rule set %, but % is in force', NEW.id, NEW.rule_set_version, coalesce(v_rules.version, 'none')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'authz_rule_set_in_force';
        END IF;
        v_words := v_rules.body -> 'vocabulary';
        IF (NEW.facts ->> 'code') IS DISTINCT FROM NEW.code OR (NEW.facts ->> 'amount_minor')::bigint IS DISTINCT FROM NEW.amount_minor
           OR (NEW.facts ->> 'currency') IS DISTINCT FROM NEW.currency
           OR (NEW.facts ->> 'minute_of_day')::integer IS DISTINCT FROM authz_minute_of_day(NEW.submitted_at, v_rules.body ->> 'utc_offset')
           OR NOT coalesce((v_words -> 'transaction_codes') ? NEW.code AND (v_words -> 'currencies') ? NEW.currency
                           AND (v_words -> 'account_types') ? (NEW.facts ->> 'account_type')
                           AND (v_words -> 'customer_risks') ? (NEW.facts ->> 'customer_risk')
                           AND (v_words -> 'channels') ? (NEW.facts ->> 'channel'), false) THEN
            RAISE EXCEPTION 'transaction %: its facts must agree with its code, amount, currency and time, in the rules'' words', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        v_decided := authz_decide_requirement(v_rules.body, NEW.facts);
        IF to_jsonb(NEW.matched_rules) <> v_decided -> 'matched'
           OR NOT authz_same_requirement(NEW.requirement, nullif(v_decided -> 'requirement', 'null'::jsonb))
           OR (NEW.state = 'ready') <> (NEW.requirement IS NULL) THEN
            RAISE EXCEPTION 'transaction %: the rules in force say % and %, not % and %', NEW.id, v_decided -> 'matched',
                v_decided -> 'requirement', to_jsonb(NEW.matched_rules), NEW.requirement
                USING ERRCODE = 'check_violation', CONSTRAINT = 'authz_requirement_as_ruled';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.payload_digest <> OLD.payload_digest OR NEW.teller_id <> OLD.teller_id OR NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'transaction %: the submitted payload cannot change', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.state IN ('committed', 'abandoned') OR NEW.state NOT IN ('committed', 'abandoned')
       OR NEW.requirement IS DISTINCT FROM OLD.requirement THEN
        RAISE EXCEPTION 'transaction %: % → % is not allowed', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state = 'committed' AND OLD.requirement IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM authz_requests r
        WHERE r.transaction_id = OLD.id AND r.state = 'committed' AND r.payload_digest = NEW.committed_digest AND r.committed_at = NEW.committed_at
    ) THEN
        RAISE EXCEPTION 'transaction %: no approval for this payload', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.teller_transactions_guard() OWNER TO countersign_owner;

--
-- Name: teller_transactions_replace_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.teller_transactions_replace_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NEW.replaces IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM teller_transactions t
        WHERE t.id = NEW.replaces AND t.teller_id = NEW.teller_id AND t.state = 'abandoned')
    THEN
        RAISE EXCEPTION 'transaction %: it can replace only an abandoned or rejected transaction of the same teller (got %)', NEW.id, NEW.replaces
            USING ERRCODE = 'check_violation', CONSTRAINT = 'txn_replaces_finished';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.teller_transactions_replace_guard() OWNER TO countersign_owner;

--
-- Name: ts_to_us(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.ts_to_us(timestamp with time zone) RETURNS bigint
    LANGUAGE sql STABLE
    AS $_$ SELECT (extract(epoch FROM $1) * 1000000)::bigint $_$;


ALTER FUNCTION public.ts_to_us(timestamp with time zone) OWNER TO countersign_owner;

--
-- Name: txn_withdrawal_finishes_transaction(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.txn_withdrawal_finishes_transaction() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    UPDATE authz_requests SET state = 'withdrawn', claimed_by = NULL, claimed_at = NULL, lease_until = NULL, decided_at = NEW.withdrawn_at
    WHERE transaction_id = NEW.transaction_id AND state IN ('pending', 'claimed', 'approved');
    UPDATE teller_transactions SET state = 'abandoned' WHERE id = NEW.transaction_id;
    RETURN NULL;
END $$;


ALTER FUNCTION public.txn_withdrawal_finishes_transaction() OWNER TO countersign_owner;

--
-- Name: txn_withdrawals_guard(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.txn_withdrawals_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM teller_transactions t JOIN users u ON u.id = t.teller_id
        WHERE t.id = NEW.transaction_id AND t.teller_id = NEW.teller_id AND u.active AND t.state IN ('needs_authorization', 'ready')
    ) THEN
        RAISE EXCEPTION 'transaction %: only its own teller withdraws it, while it is open', NEW.transaction_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'txn_withdrawn_while_open';
    END IF;
    IF NOT authz_clock_ok(NEW.withdrawn_at) THEN
        RAISE EXCEPTION 'transaction %: withdrawal time is far from the database clock', NEW.transaction_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.txn_withdrawals_guard() OWNER TO countersign_owner;

--
-- Name: us_to_ts(bigint); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.us_to_ts(bigint) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    AS $_$ SELECT timestamptz 'epoch' + $1 * interval '1 microsecond' $_$;


ALTER FUNCTION public.us_to_ts(bigint) OWNER TO countersign_owner;

--
-- Name: user_acting(text, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.user_acting(p_token text, p_password text) RETURNS public.users
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.user_acting(p_token text, p_password text) OWNER TO countersign_owner;

--
-- Name: user_change_own_password(text, text, text, text); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.user_change_own_password(p_token text, p_current text, p_new text, p_new_hash text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.user_change_own_password(p_token text, p_current text, p_new text, p_new_hash text) OWNER TO countersign_owner;

--
-- Name: user_recent_password_hashes(text, text, integer); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.user_recent_password_hashes(p_token text, p_current text, p_limit integer) RETURNS SETOF text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_user users := user_acting(p_token, p_current);
BEGIN
    RETURN QUERY SELECT h.password_hash FROM (
        SELECT v_user.password_hash, 'infinity'::timestamptz AS at
        UNION ALL
        SELECT p.password_hash, p.replaced_at FROM password_history p WHERE p.user_id = v_user.id) h
    ORDER BY h.at DESC LIMIT least(p_limit, 24);
END $$;


ALTER FUNCTION public.user_recent_password_hashes(p_token text, p_current text, p_limit integer) OWNER TO countersign_owner;

--
-- Name: voucher_renewals_append_only(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.voucher_renewals_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


ALTER FUNCTION public.voucher_renewals_append_only() OWNER TO countersign_owner;

--
-- Name: vouchers_forward_only(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.vouchers_forward_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_captured bytea;
BEGIN
    IF NOT ((OLD.state = 'rendered' AND NEW.state = 'customer_signed') OR (OLD.state = 'customer_signed' AND NEW.state = 'sealed')) THEN
        RAISE EXCEPTION 'voucher %: % → % is not allowed', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.transaction_id IS NULL OR NEW.transaction_id IS DISTINCT FROM OLD.transaction_id OR NEW.form_id <> OLD.form_id
       OR NEW.branch_code <> OLD.branch_code OR NEW.teller_id <> OLD.teller_id OR NEW.payload_digest IS DISTINCT FROM OLD.payload_digest
       OR NEW.data_ciphertext <> OLD.data_ciphertext THEN
        RAISE EXCEPTION 'voucher %: only a voucher of a committed counter transaction advances, and what it was made from stays', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_from_committed_transaction';
    END IF;
    IF NEW.state = 'customer_signed' THEN
        SELECT s.strokes_sha256 INTO v_captured
        FROM counter_transactions c JOIN counter_signatures s ON s.session_id = c.session_id AND s.draft_version = c.draft_version
        WHERE c.transaction_id = OLD.transaction_id;
        IF v_captured IS NULL OR NEW.strokes_sha256 IS DISTINCT FROM v_captured THEN
            RAISE EXCEPTION 'voucher %: the customer signature must be the one captured on the customer screen', OLD.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_signature_as_captured';
        END IF;
    END IF;
    IF NEW.state = 'sealed' THEN
        IF NEW.strokes_sha256 IS DISTINCT FROM OLD.strokes_sha256 OR NEW.seal_id IS DISTINCT FROM seal_for_form(OLD.branch_code, OLD.form_id)
           OR NOT EXISTS (
            SELECT 1 FROM seals s
            WHERE s.id = NEW.seal_id AND s.state = 'active' AND s.branch_code = OLD.branch_code
              AND s.valid_from <= clock_timestamp() AND clock_timestamp() < s.valid_until)
        THEN
            RAISE EXCEPTION 'voucher %: sealed only with the active seal the registry gives form % at branch %', OLD.id, OLD.form_id, OLD.branch_code
                USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_sealed_by_its_branch';
        END IF;
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.vouchers_forward_only() OWNER TO countersign_owner;

--
-- Name: vouchers_from_committed_transaction(); Type: FUNCTION; Schema: public; Owner: countersign_owner
--

CREATE FUNCTION public.vouchers_from_committed_transaction() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    t teller_transactions;
BEGIN
    SELECT * INTO t FROM teller_transactions WHERE id = NEW.transaction_id;
    IF t.id IS NULL OR t.state <> 'committed' THEN
        RAISE EXCEPTION 'a voucher is made only from a committed counter transaction (got %)', coalesce(NEW.transaction_id, 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_from_committed_transaction';
    END IF;
    IF NEW.form_id <> t.code OR NEW.branch_code <> t.branch_code OR NEW.teller_id <> t.teller_id
       OR NEW.payload_digest IS DISTINCT FROM t.committed_digest THEN
        RAISE EXCEPTION 'voucher %: its form, branch, teller and payload must be those of transaction %', NEW.id, t.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'voucher_from_committed_transaction';
    END IF;
    IF NEW.state <> 'rendered' OR NEW.strokes_sha256 IS NOT NULL OR NEW.strokes_ciphertext IS NOT NULL OR NEW.seal_id IS NOT NULL THEN
        RAISE EXCEPTION 'voucher %: a new voucher starts rendered, unsigned and unsealed', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;


ALTER FUNCTION public.vouchers_from_committed_transaction() OWNER TO countersign_owner;

--
-- Name: admin_changes_id_seq; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

ALTER TABLE public.admin_changes ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.admin_changes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: audit_chain_heads; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.audit_chain_heads (
    chain_id text NOT NULL,
    last_seq bigint NOT NULL,
    last_at_us bigint NOT NULL,
    prev_hash bytea NOT NULL,
    last_hash bytea NOT NULL,
    CONSTRAINT audit_chain_heads_chain_id_check CHECK ((chain_id ~ '^[A-Za-z0-9_.-]{1,64}$'::text)),
    CONSTRAINT audit_chain_heads_last_hash_check CHECK ((octet_length(last_hash) = 32)),
    CONSTRAINT audit_chain_heads_last_seq_check CHECK ((last_seq >= 1)),
    CONSTRAINT audit_chain_heads_prev_hash_check CHECK ((octet_length(prev_hash) = 32))
);


ALTER TABLE public.audit_chain_heads OWNER TO countersign_owner;

--
-- Name: audit_events; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.audit_events (
    id bigint NOT NULL,
    chain_id text NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    actor text NOT NULL,
    branch text,
    terminal text,
    action text NOT NULL,
    subject text NOT NULL,
    payload text NOT NULL,
    encoding_version smallint NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL,
    CONSTRAINT audit_events_action_check CHECK ((action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'::text)),
    CONSTRAINT audit_events_chain_id_check CHECK ((chain_id ~ '^[A-Za-z0-9_.-]{1,64}$'::text)),
    CONSTRAINT audit_events_hash_check CHECK ((octet_length(hash) = 32)),
    CONSTRAINT audit_events_payload_check CHECK ((octet_length(payload) <= 65536)),
    CONSTRAINT audit_events_prev_hash_check CHECK ((octet_length(prev_hash) = 32)),
    CONSTRAINT audit_events_seq_check CHECK ((seq >= 1))
);


ALTER TABLE public.audit_events OWNER TO countersign_owner;

--
-- Name: audit_events_id_seq; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

ALTER TABLE public.audit_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: audit_findings; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.audit_findings (
    id bigint NOT NULL,
    transaction_id text NOT NULL,
    branch_code text NOT NULL,
    state text NOT NULL,
    description text NOT NULL,
    raised_by text NOT NULL,
    raised_at timestamp with time zone NOT NULL,
    answer text,
    answered_by text,
    answered_at timestamp with time zone,
    closing_note text,
    closed_by text,
    closed_at timestamp with time zone,
    history jsonb DEFAULT '[]'::jsonb NOT NULL,
    CONSTRAINT audit_findings_answer_by_state CHECK (
CASE state
    WHEN 'raised'::text THEN (answer IS NULL)
    WHEN 'answered'::text THEN (answer IS NOT NULL)
    ELSE true
END),
    CONSTRAINT audit_findings_answer_check CHECK (((length(answer) >= 1) AND (length(answer) <= 2000))),
    CONSTRAINT audit_findings_check1 CHECK ((((answer IS NULL) = (answered_by IS NULL)) AND ((answered_by IS NULL) = (answered_at IS NULL)))),
    CONSTRAINT audit_findings_check2 CHECK ((((state = 'closed'::text) = (closed_by IS NOT NULL)) AND ((closed_by IS NULL) = (closed_at IS NULL)) AND ((closed_by IS NULL) = (closing_note IS NULL)))),
    CONSTRAINT audit_findings_closing_note_check CHECK (((length(closing_note) >= 1) AND (length(closing_note) <= 2000))),
    CONSTRAINT audit_findings_description_check CHECK (((length(description) >= 1) AND (length(description) <= 2000))),
    CONSTRAINT audit_findings_history_check CHECK ((jsonb_typeof(history) = 'array'::text)),
    CONSTRAINT audit_findings_state_check CHECK ((state = ANY (ARRAY['raised'::text, 'answered'::text, 'closed'::text])))
);


ALTER TABLE public.audit_findings OWNER TO countersign_owner;

--
-- Name: audit_findings_id_seq; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

ALTER TABLE public.audit_findings ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_findings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: audit_sample_items; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.audit_sample_items (
    sample_id bigint NOT NULL,
    transaction_id text NOT NULL,
    reviewed_by text,
    reviewed_at timestamp with time zone,
    CONSTRAINT audit_sample_items_check CHECK (((reviewed_by IS NULL) = (reviewed_at IS NULL)))
);


ALTER TABLE public.audit_sample_items OWNER TO countersign_owner;

--
-- Name: audit_samples; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.audit_samples (
    id bigint NOT NULL,
    day date NOT NULL,
    branch_code text,
    requested smallint NOT NULL,
    drawn_by text NOT NULL,
    drawn_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT audit_samples_requested_check CHECK (((requested >= 1) AND (requested <= 200)))
);


ALTER TABLE public.audit_samples OWNER TO countersign_owner;

--
-- Name: audit_samples_id_seq; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

ALTER TABLE public.audit_samples ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_samples_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: authz_decisions; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.authz_decisions (
    request_id text NOT NULL,
    officer_id text NOT NULL,
    teller_id text NOT NULL,
    decision text NOT NULL,
    reason text,
    payload_digest bytea NOT NULL,
    material_digest bytea NOT NULL,
    claimed_at timestamp with time zone NOT NULL,
    decided_at timestamp with time zone NOT NULL,
    CONSTRAINT authz_decisions_check CHECK ((officer_id <> teller_id)),
    CONSTRAINT authz_decisions_check1 CHECK (((decision = 'approve'::text) OR (length(reason) >= 1))),
    CONSTRAINT authz_decisions_decision_check CHECK ((decision = ANY (ARRAY['approve'::text, 'reject'::text, 'return'::text]))),
    CONSTRAINT authz_decisions_reason_check CHECK ((length(reason) <= 500))
);


ALTER TABLE public.authz_decisions OWNER TO countersign_owner;

--
-- Name: authz_feed; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.authz_feed (
    id bigint NOT NULL,
    request_id text NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    snapshot jsonb NOT NULL,
    announced boolean DEFAULT false NOT NULL
);


ALTER TABLE public.authz_feed OWNER TO countersign_owner;

--
-- Name: authz_feed_id_seq; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

ALTER TABLE public.authz_feed ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.authz_feed_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: authz_lease_expiries; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.authz_lease_expiries (
    request_id text NOT NULL,
    officer_id text NOT NULL,
    claimed_at timestamp with time zone NOT NULL,
    expired_at timestamp with time zone NOT NULL
);


ALTER TABLE public.authz_lease_expiries OWNER TO countersign_owner;

--
-- Name: authz_local_credentials; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.authz_local_credentials (
    request_id text NOT NULL,
    officer_id text NOT NULL,
    terminal text NOT NULL,
    verified_at timestamp with time zone NOT NULL
);


ALTER TABLE public.authz_local_credentials OWNER TO countersign_owner;

--
-- Name: authz_material; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.authz_material (
    request_id text NOT NULL,
    kind text NOT NULL,
    media_type text NOT NULL,
    key_id text NOT NULL,
    ciphertext bytea NOT NULL,
    sha256 bytea NOT NULL,
    CONSTRAINT authz_material_ciphertext_check CHECK ((octet_length(ciphertext) <= (524288 + 64))),
    CONSTRAINT authz_material_kind_check CHECK ((kind ~ '^[a-z][a-z0-9_]{1,40}$'::text)),
    CONSTRAINT authz_material_media_type_check CHECK ((media_type ~ '^[a-z]+/[a-z0-9.+-]{1,60}$'::text)),
    CONSTRAINT authz_material_sha256_check CHECK ((octet_length(sha256) = 32))
);


ALTER TABLE public.authz_material OWNER TO countersign_owner;

--
-- Name: authz_request_serial; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

CREATE SEQUENCE public.authz_request_serial
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.authz_request_serial OWNER TO countersign_owner;

--
-- Name: authz_rule_sets; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.authz_rule_sets (
    version text NOT NULL,
    source text NOT NULL,
    body jsonb GENERATED ALWAYS AS ((source)::jsonb) STORED,
    sha256 bytea NOT NULL,
    activated_at timestamp with time zone NOT NULL,
    active boolean NOT NULL,
    CONSTRAINT authz_rule_sets_check CHECK (((body ->> 'version'::text) = version)),
    CONSTRAINT authz_rule_sets_sha256_check CHECK ((octet_length(sha256) = 32)),
    CONSTRAINT authz_rule_sets_source_check CHECK ((octet_length(source) <= 1048576)),
    CONSTRAINT authz_rule_sets_version_check CHECK (((length(version) >= 1) AND (length(version) <= 40)))
);


ALTER TABLE public.authz_rule_sets OWNER TO countersign_owner;

--
-- Name: authz_settings; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.authz_settings (
    singleton boolean DEFAULT true NOT NULL,
    injected_clock boolean DEFAULT false NOT NULL,
    CONSTRAINT authz_settings_singleton_check CHECK (singleton)
);


ALTER TABLE public.authz_settings OWNER TO countersign_owner;

--
-- Name: branches; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.branches (
    code text NOT NULL,
    name_zh text NOT NULL,
    name_en text NOT NULL,
    kind text NOT NULL,
    CONSTRAINT branches_code_check CHECK ((code ~ '^[A-Za-z0-9_.-]{1,64}$'::text)),
    CONSTRAINT branches_kind_check CHECK ((kind = ANY (ARRAY['branch'::text, 'centre'::text, 'head_office'::text]))),
    CONSTRAINT branches_name_en_check CHECK (((length(name_en) >= 1) AND (length(name_en) <= 100))),
    CONSTRAINT branches_name_zh_check CHECK (((length(name_zh) >= 1) AND (length(name_zh) <= 100)))
);


ALTER TABLE public.branches OWNER TO countersign_owner;

--
-- Name: certificate_revocations; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.certificate_revocations (
    issuer text NOT NULL,
    serial text NOT NULL,
    revoked_at timestamp with time zone NOT NULL,
    seal_id text NOT NULL,
    CONSTRAINT certificate_revocations_serial_check CHECK ((serial ~ '^[0-9A-F]{1,64}$'::text))
);


ALTER TABLE public.certificate_revocations OWNER TO countersign_owner;

--
-- Name: counter_confirmations; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.counter_confirmations (
    id bigint NOT NULL,
    session_id bigint NOT NULL,
    draft_version integer NOT NULL,
    decision text NOT NULL,
    view_digest bytea NOT NULL,
    key_id text NOT NULL,
    view_ciphertext bytea NOT NULL,
    at timestamp with time zone NOT NULL,
    statement text,
    statement_signature bytea,
    CONSTRAINT counter_confirmations_decision_check CHECK ((decision = ANY (ARRAY['confirm'::text, 'reject'::text]))),
    CONSTRAINT counter_confirmations_draft_version_check CHECK ((draft_version >= 1)),
    CONSTRAINT counter_confirmations_statement_check CHECK ((length(statement) <= 2048)),
    CONSTRAINT counter_confirmations_statement_signature_check CHECK ((octet_length(statement_signature) = 64)),
    CONSTRAINT counter_confirmations_view_ciphertext_check CHECK ((length(view_ciphertext) <= 65536)),
    CONSTRAINT counter_confirmations_view_digest_check CHECK ((length(view_digest) = 32))
);


ALTER TABLE public.counter_confirmations OWNER TO countersign_owner;

--
-- Name: counter_confirmations_id_seq; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

CREATE SEQUENCE public.counter_confirmations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.counter_confirmations_id_seq OWNER TO countersign_owner;

--
-- Name: counter_confirmations_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: countersign_owner
--

ALTER SEQUENCE public.counter_confirmations_id_seq OWNED BY public.counter_confirmations.id;


--
-- Name: counter_drafts; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.counter_drafts (
    session_id bigint NOT NULL,
    version integer NOT NULL,
    state text NOT NULL,
    complete boolean NOT NULL,
    form_id text,
    key_id text,
    draft_ciphertext bytea,
    view_digest bytea,
    CONSTRAINT counter_drafts_check CHECK (((version = 0) = (draft_ciphertext IS NULL))),
    CONSTRAINT counter_drafts_check1 CHECK (((version = 0) = (view_digest IS NULL))),
    CONSTRAINT counter_drafts_check2 CHECK (((version > 0) OR ((state = 'editing'::text) AND (NOT complete)))),
    CONSTRAINT counter_drafts_draft_ciphertext_check CHECK ((octet_length(draft_ciphertext) <= 262144)),
    CONSTRAINT counter_drafts_form_id_check CHECK ((form_id ~ '^[a-z][a-z0-9-]{1,40}$'::text)),
    CONSTRAINT counter_drafts_state_check CHECK ((state = ANY (ARRAY['editing'::text, 'confirmed'::text, 'rejected'::text, 'signed'::text]))),
    CONSTRAINT counter_drafts_version_check CHECK ((version >= 0)),
    CONSTRAINT counter_drafts_view_digest_check CHECK ((octet_length(view_digest) = 32))
);


ALTER TABLE public.counter_drafts OWNER TO countersign_owner;

--
-- Name: counter_screens; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.counter_screens (
    device_id bigint NOT NULL,
    code text NOT NULL,
    code_expires_at timestamp with time zone NOT NULL,
    connected_until timestamp with time zone,
    session_id bigint,
    ended_session bigint,
    ended_how text,
    ended_key_id text,
    ended_ciphertext bytea,
    CONSTRAINT counter_screens_check CHECK (((ended_session IS NULL) = (ended_how IS NULL))),
    CONSTRAINT counter_screens_check1 CHECK (((ended_how IS DISTINCT FROM 'receipt'::text) OR ((ended_ciphertext IS NOT NULL) AND (ended_key_id IS NOT NULL)))),
    CONSTRAINT counter_screens_code_check CHECK ((code ~ '^[0-9]{6}$'::text)),
    CONSTRAINT counter_screens_ended_ciphertext_check CHECK ((octet_length(ended_ciphertext) <= 2048)),
    CONSTRAINT counter_screens_ended_how_check CHECK ((ended_how = ANY (ARRAY['receipt'::text, 'cancelled'::text, 'rejected'::text])))
);


ALTER TABLE public.counter_screens OWNER TO countersign_owner;

--
-- Name: counter_sessions; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.counter_sessions (
    id bigint NOT NULL,
    teller_id text NOT NULL,
    branch_code text NOT NULL,
    terminal text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    closed_at timestamp with time zone,
    device_id bigint,
    CONSTRAINT counter_sessions_terminal_check CHECK ((terminal ~ '^[A-Za-z0-9_.-]{1,64}$'::text))
);


ALTER TABLE public.counter_sessions OWNER TO countersign_owner;

--
-- Name: counter_sessions_id_seq; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

CREATE SEQUENCE public.counter_sessions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.counter_sessions_id_seq OWNER TO countersign_owner;

--
-- Name: counter_sessions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: countersign_owner
--

ALTER SEQUENCE public.counter_sessions_id_seq OWNED BY public.counter_sessions.id;


--
-- Name: counter_signatures; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.counter_signatures (
    id bigint NOT NULL,
    session_id bigint NOT NULL,
    draft_version integer NOT NULL,
    decision text DEFAULT 'confirm'::text NOT NULL,
    view_digest bytea NOT NULL,
    strokes_sha256 bytea NOT NULL,
    points integer NOT NULL,
    key_id text NOT NULL,
    strokes_ciphertext bytea NOT NULL,
    at timestamp with time zone NOT NULL,
    statement text,
    statement_signature bytea,
    CONSTRAINT counter_signatures_decision_check CHECK ((decision = 'confirm'::text)),
    CONSTRAINT counter_signatures_points_check CHECK ((points > 0)),
    CONSTRAINT counter_signatures_statement_check CHECK ((length(statement) <= 2048)),
    CONSTRAINT counter_signatures_statement_signature_check CHECK ((octet_length(statement_signature) = 64)),
    CONSTRAINT counter_signatures_strokes_ciphertext_check CHECK ((length(strokes_ciphertext) <= 1048576)),
    CONSTRAINT counter_signatures_strokes_sha256_check CHECK ((length(strokes_sha256) = 32)),
    CONSTRAINT counter_signatures_view_digest_check CHECK ((length(view_digest) = 32))
);


ALTER TABLE public.counter_signatures OWNER TO countersign_owner;

--
-- Name: counter_signatures_id_seq; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

CREATE SEQUENCE public.counter_signatures_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.counter_signatures_id_seq OWNER TO countersign_owner;

--
-- Name: counter_signatures_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: countersign_owner
--

ALTER SEQUENCE public.counter_signatures_id_seq OWNED BY public.counter_signatures.id;


--
-- Name: counter_transactions; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.counter_transactions (
    session_id bigint NOT NULL,
    draft_version integer NOT NULL,
    transaction_id text NOT NULL
);


ALTER TABLE public.counter_transactions OWNER TO countersign_owner;

--
-- Name: directory_entries; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.directory_entries (
    lookup bytea NOT NULL,
    kind text NOT NULL,
    account_type text,
    customer_risk text NOT NULL,
    updated_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT directory_entries_check CHECK ((((kind = 'account'::text) = (account_type IS NOT NULL)) AND (account_type ~ '^[a-z][a-z-]{1,40}$'::text))),
    CONSTRAINT directory_entries_customer_risk_check CHECK ((customer_risk ~ '^[a-z][a-z-]{1,40}$'::text)),
    CONSTRAINT directory_entries_kind_check CHECK ((kind = ANY (ARRAY['account'::text, 'customer'::text]))),
    CONSTRAINT directory_entries_lookup_check CHECK ((octet_length(lookup) = 32))
);


ALTER TABLE public.directory_entries OWNER TO countersign_owner;

--
-- Name: officer_authority; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.officer_authority (
    user_id text NOT NULL,
    level smallint NOT NULL,
    codes text[] NOT NULL,
    branches_served text[] DEFAULT '{}'::text[] NOT NULL,
    CONSTRAINT officer_authority_branches_served_check CHECK ((cardinality(branches_served) <= 500)),
    CONSTRAINT officer_authority_codes_check CHECK (((cardinality(codes) >= 1) AND (cardinality(codes) <= 100))),
    CONSTRAINT officer_authority_level_check CHECK (((level >= 1) AND (level <= 5)))
);


ALTER TABLE public.officer_authority OWNER TO countersign_owner;

--
-- Name: officer_limits; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.officer_limits (
    user_id text NOT NULL,
    currency text NOT NULL,
    limit_minor bigint NOT NULL,
    CONSTRAINT officer_limits_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT officer_limits_limit_minor_check CHECK ((limit_minor >= 0))
);


ALTER TABLE public.officer_limits OWNER TO countersign_owner;

--
-- Name: officer_presence; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.officer_presence (
    user_id text NOT NULL,
    status text NOT NULL,
    terminal text,
    updated_at timestamp with time zone NOT NULL,
    seen_at timestamp with time zone NOT NULL,
    CONSTRAINT officer_presence_status_check CHECK ((status = ANY (ARRAY['online'::text, 'paused'::text, 'offline'::text]))),
    CONSTRAINT officer_presence_terminal_check CHECK ((terminal ~ '^[A-Za-z0-9_.-]{1,64}$'::text))
);


ALTER TABLE public.officer_presence OWNER TO countersign_owner;

--
-- Name: pairing_guesses; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.pairing_guesses (
    branch_code text NOT NULL,
    terminal text NOT NULL,
    failures integer NOT NULL,
    since timestamp with time zone NOT NULL,
    locked boolean NOT NULL,
    CONSTRAINT pairing_guesses_failures_check CHECK ((failures >= 0))
);


ALTER TABLE public.pairing_guesses OWNER TO countersign_owner;

--
-- Name: password_history; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.password_history (
    user_id text NOT NULL,
    password_hash text NOT NULL,
    replaced_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);


ALTER TABLE public.password_history OWNER TO countersign_owner;

--
-- Name: password_verifiers; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.password_verifiers (
    user_id text NOT NULL,
    verifier text NOT NULL,
    set_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT password_verifiers_verifier_check CHECK ((verifier ~~ '$2a$%'::text))
);


ALTER TABLE public.password_verifiers OWNER TO countersign_owner;

--
-- Name: prefills; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.prefills (
    id bigint NOT NULL,
    code_tag bytea NOT NULL,
    form_id text NOT NULL,
    form_version integer NOT NULL,
    state text DEFAULT 'waiting'::text NOT NULL,
    key_id text,
    ciphertext bytea,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    closed_at timestamp with time zone,
    used_by text,
    CONSTRAINT prefills_check CHECK ((expires_at > created_at)),
    CONSTRAINT prefills_check1 CHECK (((state = 'waiting'::text) = ((ciphertext IS NOT NULL) AND (key_id IS NOT NULL) AND (closed_at IS NULL)))),
    CONSTRAINT prefills_check2 CHECK (((state = 'used'::text) = (used_by IS NOT NULL))),
    CONSTRAINT prefills_ciphertext_check CHECK ((length(ciphertext) <= 65536)),
    CONSTRAINT prefills_code_tag_check CHECK ((length(code_tag) = 32)),
    CONSTRAINT prefills_form_id_check CHECK ((form_id ~ '^[a-z][a-z0-9-]{1,40}$'::text)),
    CONSTRAINT prefills_form_version_check CHECK ((form_version >= 1)),
    CONSTRAINT prefills_state_check CHECK ((state = ANY (ARRAY['waiting'::text, 'used'::text, 'expired'::text])))
);


ALTER TABLE public.prefills OWNER TO countersign_owner;

--
-- Name: prefills_id_seq; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

CREATE SEQUENCE public.prefills_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.prefills_id_seq OWNER TO countersign_owner;

--
-- Name: prefills_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: countersign_owner
--

ALTER SEQUENCE public.prefills_id_seq OWNED BY public.prefills.id;


--
-- Name: receipts; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.receipts (
    id bigint NOT NULL,
    token_sha256 bytea NOT NULL,
    voucher_id text NOT NULL,
    session_id bigint,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    downloads integer DEFAULT 0 NOT NULL,
    transaction_id text,
    CONSTRAINT receipts_check CHECK ((expires_at > created_at)),
    CONSTRAINT receipts_token_sha256_check CHECK ((length(token_sha256) = 32))
);


ALTER TABLE public.receipts OWNER TO countersign_owner;

--
-- Name: receipts_id_seq; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

CREATE SEQUENCE public.receipts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.receipts_id_seq OWNER TO countersign_owner;

--
-- Name: receipts_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: countersign_owner
--

ALTER SEQUENCE public.receipts_id_seq OWNED BY public.receipts.id;


--
-- Name: report_figures; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.report_figures (
    period text NOT NULL,
    period_start date NOT NULL,
    dimension text NOT NULL,
    key text NOT NULL,
    branch_code text NOT NULL,
    code text NOT NULL,
    currency text NOT NULL,
    transactions integer NOT NULL,
    committed integer NOT NULL,
    amount_minor bigint NOT NULL,
    authorized integer NOT NULL,
    decisions integer NOT NULL,
    approvals integer NOT NULL,
    returns integer NOT NULL,
    rejects integer NOT NULL,
    timeouts integer NOT NULL,
    CONSTRAINT report_figures_dimension_check CHECK ((dimension = ANY (ARRAY['branch'::text, 'teller'::text, 'officer'::text]))),
    CONSTRAINT report_figures_period_check CHECK ((period = ANY (ARRAY['day'::text, 'month'::text, 'quarter'::text, 'year'::text])))
);


ALTER TABLE public.report_figures OWNER TO countersign_owner;

--
-- Name: report_latency; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.report_latency (
    period text NOT NULL,
    period_start date NOT NULL,
    dimension text NOT NULL,
    key text NOT NULL,
    branch_code text NOT NULL,
    bucket smallint NOT NULL,
    n integer NOT NULL,
    CONSTRAINT report_latency_bucket_check CHECK (((bucket >= 1) AND (bucket <= 21)))
);


ALTER TABLE public.report_latency OWNER TO countersign_owner;

--
-- Name: report_rolls; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.report_rolls (
    day date NOT NULL,
    rolled_at timestamp with time zone NOT NULL
);


ALTER TABLE public.report_rolls OWNER TO countersign_owner;

--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    sha256 bytea NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE public.schema_migrations OWNER TO countersign_owner;

--
-- Name: screen_devices; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.screen_devices (
    id bigint NOT NULL,
    branch_code text NOT NULL,
    terminal text NOT NULL,
    public_key bytea NOT NULL,
    key_sha256 bytea GENERATED ALWAYS AS (sha256(public_key)) STORED,
    enrolled_by text NOT NULL,
    enrolled_at timestamp with time zone NOT NULL,
    removed_by text,
    removed_at timestamp with time zone,
    CONSTRAINT screen_devices_check CHECK (((removed_by IS NULL) = (removed_at IS NULL))),
    CONSTRAINT screen_devices_public_key_check CHECK ((octet_length(public_key) = 91))
);


ALTER TABLE public.screen_devices OWNER TO countersign_owner;

--
-- Name: screen_devices_id_seq; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

CREATE SEQUENCE public.screen_devices_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.screen_devices_id_seq OWNER TO countersign_owner;

--
-- Name: screen_devices_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: countersign_owner
--

ALTER SEQUENCE public.screen_devices_id_seq OWNED BY public.screen_devices.id;


--
-- Name: seals; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.seals (
    id text NOT NULL,
    name_zh text NOT NULL,
    name_en text NOT NULL,
    branch_code text NOT NULL,
    algorithm text NOT NULL,
    certificate_subject text NOT NULL,
    key_file text NOT NULL,
    appearance text NOT NULL,
    valid_from timestamp with time zone NOT NULL,
    valid_until timestamp with time zone NOT NULL,
    state text DEFAULT 'active'::text NOT NULL,
    revoked_at timestamp with time zone,
    revoked_reason text,
    forms text[] DEFAULT '{}'::text[] NOT NULL,
    certificate_issuer text,
    certificate_serial text,
    CONSTRAINT seals_algorithm_check CHECK ((algorithm = ANY (ARRAY['RSA'::text, 'EC'::text]))),
    CONSTRAINT seals_appearance_check CHECK ((appearance = 'round-red'::text)),
    CONSTRAINT seals_certificate_issuer_check CHECK (((length(certificate_issuer) >= 1) AND (length(certificate_issuer) <= 1000))),
    CONSTRAINT seals_certificate_named CHECK (((certificate_issuer IS NULL) = (certificate_serial IS NULL))),
    CONSTRAINT seals_certificate_serial_check CHECK ((certificate_serial ~ '^[0-9A-F]{1,64}$'::text)),
    CONSTRAINT seals_check CHECK ((valid_until > valid_from)),
    CONSTRAINT seals_check1 CHECK (((state = 'revoked'::text) = (revoked_at IS NOT NULL))),
    CONSTRAINT seals_forms_check CHECK ((cardinality(forms) <= 100)),
    CONSTRAINT seals_id_check CHECK ((id ~ '^[A-Z0-9][A-Z0-9-]{1,63}$'::text)),
    CONSTRAINT seals_name_en_check CHECK (((length(name_en) >= 1) AND (length(name_en) <= 80))),
    CONSTRAINT seals_name_zh_check CHECK (((length(name_zh) >= 1) AND (length(name_zh) <= 40))),
    CONSTRAINT seals_revoked_reason_check CHECK ((length(revoked_reason) <= 200)),
    CONSTRAINT seals_state_check CHECK ((state = ANY (ARRAY['active'::text, 'revoked'::text])))
);


ALTER TABLE public.seals OWNER TO countersign_owner;

--
-- Name: sessions; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.sessions (
    token_hash bytea NOT NULL,
    user_id text NOT NULL,
    terminal text,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    idle_seconds integer,
    CONSTRAINT sessions_check CHECK ((expires_at > created_at)),
    CONSTRAINT sessions_idle_seconds_check CHECK ((idle_seconds >= 60)),
    CONSTRAINT sessions_terminal_check CHECK ((terminal ~ '^[A-Za-z0-9_.-]{1,64}$'::text)),
    CONSTRAINT sessions_token_hash_check CHECK ((octet_length(token_hash) = 32))
);


ALTER TABLE public.sessions OWNER TO countersign_owner;

--
-- Name: sign_in_failures; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.sign_in_failures (
    key text NOT NULL,
    failures integer NOT NULL,
    last_failure timestamp with time zone NOT NULL,
    next_attempt timestamp with time zone NOT NULL,
    CONSTRAINT sign_in_failures_failures_check CHECK ((failures >= 0)),
    CONSTRAINT sign_in_failures_key_check CHECK (((key ~ '^(user|address):'::text) AND (octet_length(key) <= 200)))
);


ALTER TABLE public.sign_in_failures OWNER TO countersign_owner;

--
-- Name: terminals; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.terminals (
    branch_code text NOT NULL,
    id text NOT NULL,
    registered_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT terminals_id_check CHECK ((id ~ '^[A-Za-z0-9_.-]{1,64}$'::text))
);


ALTER TABLE public.terminals OWNER TO countersign_owner;

--
-- Name: txn_serial; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

CREATE SEQUENCE public.txn_serial
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.txn_serial OWNER TO countersign_owner;

--
-- Name: txn_withdrawals; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.txn_withdrawals (
    transaction_id text NOT NULL,
    teller_id text NOT NULL,
    reason text NOT NULL,
    withdrawn_at timestamp with time zone NOT NULL,
    CONSTRAINT txn_withdrawals_reason_check CHECK (((char_length(btrim(reason)) >= 1) AND (char_length(btrim(reason)) <= 200)))
);


ALTER TABLE public.txn_withdrawals OWNER TO countersign_owner;

--
-- Name: voucher_renewals; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.voucher_renewals (
    voucher_id text NOT NULL,
    generation integer NOT NULL,
    previous_sha256 bytea NOT NULL,
    pdf bytea NOT NULL,
    pdf_sha256 bytea NOT NULL,
    archive_expires_at timestamp with time zone NOT NULL,
    renewed_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    renewed_by text NOT NULL,
    CONSTRAINT voucher_renewals_generation_check CHECK (((generation >= 1) AND (generation <= 1000))),
    CONSTRAINT voucher_renewals_pdf_check CHECK ((octet_length(pdf) <= ((64 * 1024) * 1024))),
    CONSTRAINT voucher_renewals_pdf_sha256_check CHECK ((octet_length(pdf_sha256) = 32)),
    CONSTRAINT voucher_renewals_previous_sha256_check CHECK ((octet_length(previous_sha256) = 32)),
    CONSTRAINT voucher_renewals_renewed_by_check CHECK (((length(renewed_by) >= 1) AND (length(renewed_by) <= 200)))
);


ALTER TABLE public.voucher_renewals OWNER TO countersign_owner;

--
-- Name: voucher_serial; Type: SEQUENCE; Schema: public; Owner: countersign_owner
--

CREATE SEQUENCE public.voucher_serial
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.voucher_serial OWNER TO countersign_owner;

--
-- Name: vouchers; Type: TABLE; Schema: public; Owner: countersign_owner
--

CREATE TABLE public.vouchers (
    id text NOT NULL,
    form_id text NOT NULL,
    form_version integer NOT NULL,
    branch_code text NOT NULL,
    teller_id text NOT NULL,
    terminal text,
    state text NOT NULL,
    key_id text NOT NULL,
    data_ciphertext bytea NOT NULL,
    pdf bytea NOT NULL,
    pdf_sha256 bytea NOT NULL,
    strokes_ciphertext bytea,
    strokes_sha256 bytea,
    seal_id text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    transaction_id text,
    payload_digest bytea,
    archive_expires_at timestamp with time zone,
    CONSTRAINT vouchers_check CHECK (((state = 'rendered'::text) OR ((strokes_ciphertext IS NOT NULL) AND (strokes_sha256 IS NOT NULL)))),
    CONSTRAINT vouchers_check1 CHECK (((state <> 'sealed'::text) OR (seal_id IS NOT NULL))),
    CONSTRAINT vouchers_form_id_check CHECK ((form_id ~ '^[a-z][a-z0-9-]{1,40}$'::text)),
    CONSTRAINT vouchers_id_check CHECK ((id ~ '^V[0-9]{16}$'::text)),
    CONSTRAINT vouchers_payload_digest_check CHECK ((octet_length(payload_digest) = 32)),
    CONSTRAINT vouchers_pdf_check CHECK ((octet_length(pdf) <= ((64 * 1024) * 1024))),
    CONSTRAINT vouchers_pdf_sha256_check CHECK ((octet_length(pdf_sha256) = 32)),
    CONSTRAINT vouchers_state_check CHECK ((state = ANY (ARRAY['rendered'::text, 'customer_signed'::text, 'sealed'::text]))),
    CONSTRAINT vouchers_strokes_sha256_check CHECK ((octet_length(strokes_sha256) = 32))
);


ALTER TABLE public.vouchers OWNER TO countersign_owner;

--
-- Name: counter_confirmations id; Type: DEFAULT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_confirmations ALTER COLUMN id SET DEFAULT nextval('public.counter_confirmations_id_seq'::regclass);


--
-- Name: counter_sessions id; Type: DEFAULT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_sessions ALTER COLUMN id SET DEFAULT nextval('public.counter_sessions_id_seq'::regclass);


--
-- Name: counter_signatures id; Type: DEFAULT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_signatures ALTER COLUMN id SET DEFAULT nextval('public.counter_signatures_id_seq'::regclass);


--
-- Name: prefills id; Type: DEFAULT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.prefills ALTER COLUMN id SET DEFAULT nextval('public.prefills_id_seq'::regclass);


--
-- Name: receipts id; Type: DEFAULT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.receipts ALTER COLUMN id SET DEFAULT nextval('public.receipts_id_seq'::regclass);


--
-- Name: screen_devices id; Type: DEFAULT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.screen_devices ALTER COLUMN id SET DEFAULT nextval('public.screen_devices_id_seq'::regclass);


--
-- Name: admin_changes admin_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.admin_changes
    ADD CONSTRAINT admin_changes_pkey PRIMARY KEY (id);


--
-- Name: audit_chain_heads audit_chain_heads_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_chain_heads
    ADD CONSTRAINT audit_chain_heads_pkey PRIMARY KEY (chain_id);


--
-- Name: audit_events audit_events_id_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_events
    ADD CONSTRAINT audit_events_id_key UNIQUE (id);


--
-- Name: audit_events audit_events_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_events
    ADD CONSTRAINT audit_events_pkey PRIMARY KEY (chain_id, seq);


--
-- Name: audit_findings audit_findings_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_findings
    ADD CONSTRAINT audit_findings_pkey PRIMARY KEY (id);


--
-- Name: audit_sample_items audit_sample_items_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_sample_items
    ADD CONSTRAINT audit_sample_items_pkey PRIMARY KEY (sample_id, transaction_id);


--
-- Name: audit_samples audit_samples_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_samples
    ADD CONSTRAINT audit_samples_pkey PRIMARY KEY (id);


--
-- Name: authz_decisions authz_decisions_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_decisions
    ADD CONSTRAINT authz_decisions_pkey PRIMARY KEY (request_id, officer_id);


--
-- Name: authz_feed authz_feed_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_feed
    ADD CONSTRAINT authz_feed_pkey PRIMARY KEY (id);


--
-- Name: authz_lease_expiries authz_lease_expiries_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_lease_expiries
    ADD CONSTRAINT authz_lease_expiries_pkey PRIMARY KEY (request_id, officer_id, claimed_at);


--
-- Name: authz_local_credentials authz_local_credentials_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_local_credentials
    ADD CONSTRAINT authz_local_credentials_pkey PRIMARY KEY (request_id);


--
-- Name: authz_material authz_material_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_material
    ADD CONSTRAINT authz_material_pkey PRIMARY KEY (request_id, kind);


--
-- Name: authz_requests authz_requests_id_payload_digest_material_digest_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_requests
    ADD CONSTRAINT authz_requests_id_payload_digest_material_digest_key UNIQUE (id, payload_digest, material_digest);


--
-- Name: authz_requests authz_requests_id_teller_id_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_requests
    ADD CONSTRAINT authz_requests_id_teller_id_key UNIQUE (id, teller_id);


--
-- Name: authz_requests authz_requests_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_requests
    ADD CONSTRAINT authz_requests_pkey PRIMARY KEY (id);


--
-- Name: authz_requests authz_requests_previous_id_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_requests
    ADD CONSTRAINT authz_requests_previous_id_key UNIQUE (previous_id);


--
-- Name: authz_rule_sets authz_rule_sets_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_rule_sets
    ADD CONSTRAINT authz_rule_sets_pkey PRIMARY KEY (version);


--
-- Name: authz_settings authz_settings_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_settings
    ADD CONSTRAINT authz_settings_pkey PRIMARY KEY (singleton);


--
-- Name: branches branches_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.branches
    ADD CONSTRAINT branches_pkey PRIMARY KEY (code);


--
-- Name: certificate_revocations certificate_revocations_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.certificate_revocations
    ADD CONSTRAINT certificate_revocations_pkey PRIMARY KEY (issuer, serial);


--
-- Name: counter_confirmations counter_confirmations_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_confirmations
    ADD CONSTRAINT counter_confirmations_pkey PRIMARY KEY (id);


--
-- Name: counter_confirmations counter_confirmations_session_id_draft_version_decision_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_confirmations
    ADD CONSTRAINT counter_confirmations_session_id_draft_version_decision_key UNIQUE (session_id, draft_version, decision);


--
-- Name: counter_confirmations counter_confirmations_session_id_draft_version_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_confirmations
    ADD CONSTRAINT counter_confirmations_session_id_draft_version_key UNIQUE (session_id, draft_version);


--
-- Name: counter_drafts counter_drafts_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_drafts
    ADD CONSTRAINT counter_drafts_pkey PRIMARY KEY (session_id);


--
-- Name: counter_screens counter_screens_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_screens
    ADD CONSTRAINT counter_screens_pkey PRIMARY KEY (device_id);


--
-- Name: counter_screens counter_screens_session_id_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_screens
    ADD CONSTRAINT counter_screens_session_id_key UNIQUE (session_id);


--
-- Name: counter_sessions counter_sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_sessions
    ADD CONSTRAINT counter_sessions_pkey PRIMARY KEY (id);


--
-- Name: counter_signatures counter_signatures_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_signatures
    ADD CONSTRAINT counter_signatures_pkey PRIMARY KEY (id);


--
-- Name: counter_signatures counter_signatures_session_id_draft_version_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_signatures
    ADD CONSTRAINT counter_signatures_session_id_draft_version_key UNIQUE (session_id, draft_version);


--
-- Name: counter_transactions counter_transactions_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_transactions
    ADD CONSTRAINT counter_transactions_pkey PRIMARY KEY (session_id, draft_version);


--
-- Name: counter_transactions counter_transactions_transaction_id_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_transactions
    ADD CONSTRAINT counter_transactions_transaction_id_key UNIQUE (transaction_id);


--
-- Name: directory_entries directory_entries_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.directory_entries
    ADD CONSTRAINT directory_entries_pkey PRIMARY KEY (lookup);


--
-- Name: officer_authority officer_authority_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.officer_authority
    ADD CONSTRAINT officer_authority_pkey PRIMARY KEY (user_id);


--
-- Name: officer_limits officer_limits_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.officer_limits
    ADD CONSTRAINT officer_limits_pkey PRIMARY KEY (user_id, currency);


--
-- Name: officer_presence officer_presence_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.officer_presence
    ADD CONSTRAINT officer_presence_pkey PRIMARY KEY (user_id);


--
-- Name: pairing_guesses pairing_guesses_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.pairing_guesses
    ADD CONSTRAINT pairing_guesses_pkey PRIMARY KEY (branch_code, terminal);


--
-- Name: password_history password_history_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.password_history
    ADD CONSTRAINT password_history_pkey PRIMARY KEY (user_id, replaced_at);


--
-- Name: password_verifiers password_verifiers_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.password_verifiers
    ADD CONSTRAINT password_verifiers_pkey PRIMARY KEY (user_id);


--
-- Name: prefills prefills_code_tag_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.prefills
    ADD CONSTRAINT prefills_code_tag_key UNIQUE (code_tag);


--
-- Name: prefills prefills_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.prefills
    ADD CONSTRAINT prefills_pkey PRIMARY KEY (id);


--
-- Name: receipts receipts_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.receipts
    ADD CONSTRAINT receipts_pkey PRIMARY KEY (id);


--
-- Name: receipts receipts_token_sha256_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.receipts
    ADD CONSTRAINT receipts_token_sha256_key UNIQUE (token_sha256);


--
-- Name: report_figures report_figures_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.report_figures
    ADD CONSTRAINT report_figures_pkey PRIMARY KEY (period, period_start, dimension, key, branch_code, code, currency);


--
-- Name: report_latency report_latency_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.report_latency
    ADD CONSTRAINT report_latency_pkey PRIMARY KEY (period, period_start, dimension, key, branch_code, bucket);


--
-- Name: report_rolls report_rolls_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.report_rolls
    ADD CONSTRAINT report_rolls_pkey PRIMARY KEY (day);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: screen_devices screen_devices_key_sha256_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.screen_devices
    ADD CONSTRAINT screen_devices_key_sha256_key UNIQUE (key_sha256);


--
-- Name: screen_devices screen_devices_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.screen_devices
    ADD CONSTRAINT screen_devices_pkey PRIMARY KEY (id);


--
-- Name: seals seals_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.seals
    ADD CONSTRAINT seals_pkey PRIMARY KEY (id);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (token_hash);


--
-- Name: sign_in_failures sign_in_failures_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.sign_in_failures
    ADD CONSTRAINT sign_in_failures_pkey PRIMARY KEY (key);


--
-- Name: teller_transactions teller_transactions_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.teller_transactions
    ADD CONSTRAINT teller_transactions_pkey PRIMARY KEY (id);


--
-- Name: teller_transactions teller_transactions_replaces_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.teller_transactions
    ADD CONSTRAINT teller_transactions_replaces_key UNIQUE (replaces);


--
-- Name: terminals terminals_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.terminals
    ADD CONSTRAINT terminals_pkey PRIMARY KEY (branch_code, id);


--
-- Name: txn_withdrawals txn_withdrawals_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.txn_withdrawals
    ADD CONSTRAINT txn_withdrawals_pkey PRIMARY KEY (transaction_id);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: voucher_renewals voucher_renewals_pdf_sha256_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.voucher_renewals
    ADD CONSTRAINT voucher_renewals_pdf_sha256_key UNIQUE (pdf_sha256);


--
-- Name: voucher_renewals voucher_renewals_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.voucher_renewals
    ADD CONSTRAINT voucher_renewals_pkey PRIMARY KEY (voucher_id, generation);


--
-- Name: vouchers vouchers_pkey; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_pkey PRIMARY KEY (id);


--
-- Name: vouchers vouchers_transaction_id_key; Type: CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_transaction_id_key UNIQUE (transaction_id);


--
-- Name: admin_changes_by_state; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX admin_changes_by_state ON public.admin_changes USING btree (state, id);


--
-- Name: admin_changes_one_open; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE UNIQUE INDEX admin_changes_one_open ON public.admin_changes USING btree (kind, target) WHERE (state = 'proposed'::text);


--
-- Name: audit_events_action_at; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX audit_events_action_at ON public.audit_events USING btree (action, at, id);


--
-- Name: audit_events_actor_at; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX audit_events_actor_at ON public.audit_events USING btree (actor, at, id);


--
-- Name: audit_events_at; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX audit_events_at ON public.audit_events USING btree (at, id);


--
-- Name: audit_events_subject; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX audit_events_subject ON public.audit_events USING btree (subject);


--
-- Name: audit_findings_by_branch; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX audit_findings_by_branch ON public.audit_findings USING btree (branch_code, state, id);


--
-- Name: audit_findings_by_state; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX audit_findings_by_state ON public.audit_findings USING btree (state, id);


--
-- Name: audit_findings_transaction; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX audit_findings_transaction ON public.audit_findings USING btree (transaction_id);


--
-- Name: audit_samples_recent; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX audit_samples_recent ON public.audit_samples USING btree (drawn_at DESC);


--
-- Name: authz_decisions_decided; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX authz_decisions_decided ON public.authz_decisions USING btree (decided_at);


--
-- Name: authz_decisions_officer; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX authz_decisions_officer ON public.authz_decisions USING btree (officer_id, decided_at);


--
-- Name: authz_feed_unannounced; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX authz_feed_unannounced ON public.authz_feed USING btree (id) WHERE (NOT announced);


--
-- Name: authz_lease_expiries_expired; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX authz_lease_expiries_expired ON public.authz_lease_expiries USING btree (expired_at);


--
-- Name: authz_lease_expiries_officer; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX authz_lease_expiries_officer ON public.authz_lease_expiries USING btree (officer_id);


--
-- Name: authz_requests_decided; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX authz_requests_decided ON public.authz_requests USING btree (decided_at) WHERE (decided_at IS NOT NULL);


--
-- Name: authz_requests_expired; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX authz_requests_expired ON public.authz_requests USING btree (created_at) WHERE (state = 'expired'::text);


--
-- Name: authz_requests_open; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX authz_requests_open ON public.authz_requests USING btree (state, scope) WHERE (state = ANY (ARRAY['pending'::text, 'claimed'::text]));


--
-- Name: authz_requests_transaction; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX authz_requests_transaction ON public.authz_requests USING btree (transaction_id);


--
-- Name: authz_rule_sets_one_active; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE UNIQUE INDEX authz_rule_sets_one_active ON public.authz_rule_sets USING btree (active) WHERE active;


--
-- Name: officer_presence_seen; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX officer_presence_seen ON public.officer_presence USING btree (seen_at) WHERE (status <> 'offline'::text);


--
-- Name: prefills_closed; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX prefills_closed ON public.prefills USING btree (closed_at) WHERE (state <> 'waiting'::text);


--
-- Name: prefills_waiting_expiry; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX prefills_waiting_expiry ON public.prefills USING btree (expires_at) WHERE (state = 'waiting'::text);


--
-- Name: receipts_transaction; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX receipts_transaction ON public.receipts USING btree (transaction_id);


--
-- Name: screen_devices_one_per_terminal; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE UNIQUE INDEX screen_devices_one_per_terminal ON public.screen_devices USING btree (branch_code, terminal) WHERE (removed_at IS NULL);


--
-- Name: sessions_user; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX sessions_user ON public.sessions USING btree (user_id);


--
-- Name: sign_in_failures_quiet; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX sign_in_failures_quiet ON public.sign_in_failures USING btree (last_failure);


--
-- Name: teller_transactions_branch_submitted; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX teller_transactions_branch_submitted ON public.teller_transactions USING btree (branch_code, submitted_at, id) INCLUDE (teller_id, code, currency, amount_minor, state);


--
-- Name: teller_transactions_code_submitted; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX teller_transactions_code_submitted ON public.teller_transactions USING btree (code, submitted_at, id) INCLUDE (branch_code, teller_id, currency, amount_minor, state);


--
-- Name: teller_transactions_committed_day; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX teller_transactions_committed_day ON public.teller_transactions USING btree (committed_at) WHERE (state = 'committed'::text);


--
-- Name: teller_transactions_currency_submitted; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX teller_transactions_currency_submitted ON public.teller_transactions USING btree (currency, submitted_at, id) INCLUDE (branch_code, teller_id, code, amount_minor, state);


--
-- Name: teller_transactions_subject; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX teller_transactions_subject ON public.teller_transactions USING btree (subject_tag, submitted_at DESC) WHERE (subject_tag IS NOT NULL);


--
-- Name: teller_transactions_submitted; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX teller_transactions_submitted ON public.teller_transactions USING btree (submitted_at, id);


--
-- Name: teller_transactions_teller_submitted; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX teller_transactions_teller_submitted ON public.teller_transactions USING btree (teller_id, submitted_at, id);


--
-- Name: vouchers_branch; Type: INDEX; Schema: public; Owner: countersign_owner
--

CREATE INDEX vouchers_branch ON public.vouchers USING btree (branch_code, created_at);


--
-- Name: admin_changes admin_changes_final; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER admin_changes_final BEFORE DELETE OR UPDATE ON public.admin_changes FOR EACH ROW EXECUTE FUNCTION public.admin_changes_final();


--
-- Name: audit_chain_heads audit_chain_heads_no_delete; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER audit_chain_heads_no_delete BEFORE DELETE ON public.audit_chain_heads FOR EACH ROW EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: audit_chain_heads audit_chain_heads_no_truncate; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER audit_chain_heads_no_truncate BEFORE TRUNCATE ON public.audit_chain_heads FOR EACH STATEMENT EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: audit_events audit_events_no_truncate; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON public.audit_events FOR EACH STATEMENT EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: audit_events audit_events_no_update; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER audit_events_no_update BEFORE DELETE OR UPDATE ON public.audit_events FOR EACH ROW EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: audit_findings audit_findings_steps; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER audit_findings_steps BEFORE DELETE OR UPDATE ON public.audit_findings FOR EACH ROW EXECUTE FUNCTION public.audit_findings_steps();


--
-- Name: audit_sample_items audit_sample_items_final; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER audit_sample_items_final BEFORE DELETE OR UPDATE ON public.audit_sample_items FOR EACH ROW EXECUTE FUNCTION public.audit_sample_items_final();


--
-- Name: audit_samples audit_samples_final; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER audit_samples_final BEFORE DELETE OR UPDATE ON public.audit_samples FOR EACH ROW EXECUTE FUNCTION public.audit_samples_final();


--
-- Name: authz_decisions authz_decisions_final; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER authz_decisions_final BEFORE DELETE OR UPDATE ON public.authz_decisions FOR EACH ROW EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: authz_decisions authz_decisions_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER authz_decisions_guard BEFORE INSERT ON public.authz_decisions FOR EACH ROW EXECUTE FUNCTION public.authz_decisions_guard();


--
-- Name: authz_lease_expiries authz_lease_expiries_final; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER authz_lease_expiries_final BEFORE DELETE OR UPDATE ON public.authz_lease_expiries FOR EACH ROW EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: authz_local_credentials authz_local_credentials_final; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER authz_local_credentials_final BEFORE DELETE OR UPDATE ON public.authz_local_credentials FOR EACH ROW EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: authz_local_credentials authz_local_credentials_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER authz_local_credentials_guard BEFORE INSERT ON public.authz_local_credentials FOR EACH ROW EXECUTE FUNCTION public.authz_local_credentials_guard();


--
-- Name: authz_decisions authz_reject_decision_finishes_transaction; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER authz_reject_decision_finishes_transaction AFTER INSERT ON public.authz_decisions FOR EACH ROW WHEN ((new.decision = 'reject'::text)) EXECUTE FUNCTION public.authz_reject_decision_finishes_transaction();


--
-- Name: authz_requests authz_requests_feed; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER authz_requests_feed AFTER INSERT OR UPDATE ON public.authz_requests FOR EACH ROW EXECUTE FUNCTION public.authz_requests_feed();


--
-- Name: authz_requests authz_requests_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER authz_requests_guard BEFORE UPDATE ON public.authz_requests FOR EACH ROW EXECUTE FUNCTION public.authz_requests_guard();


--
-- Name: authz_requests authz_requests_insert_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER authz_requests_insert_guard BEFORE INSERT ON public.authz_requests FOR EACH ROW EXECUTE FUNCTION public.authz_requests_insert_guard();


--
-- Name: certificate_revocations certificate_revocations_final; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER certificate_revocations_final BEFORE DELETE OR UPDATE ON public.certificate_revocations FOR EACH ROW EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: counter_confirmations counter_confirmations_statement; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER counter_confirmations_statement BEFORE INSERT ON public.counter_confirmations FOR EACH ROW EXECUTE FUNCTION public.counter_confirmation_statement();


--
-- Name: counter_drafts counter_drafts_announce; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER counter_drafts_announce AFTER INSERT OR UPDATE ON public.counter_drafts FOR EACH ROW EXECUTE FUNCTION public.counter_announce();


--
-- Name: counter_drafts counter_drafts_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER counter_drafts_guard BEFORE INSERT OR UPDATE ON public.counter_drafts FOR EACH ROW EXECUTE FUNCTION public.counter_drafts_guard();


--
-- Name: counter_screens counter_screens_announce; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER counter_screens_announce AFTER INSERT ON public.counter_screens FOR EACH ROW EXECUTE FUNCTION public.counter_announce();


--
-- Name: counter_screens counter_screens_changed; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER counter_screens_changed AFTER UPDATE ON public.counter_screens FOR EACH ROW WHEN (((old.code IS DISTINCT FROM new.code) OR (old.session_id IS DISTINCT FROM new.session_id) OR (old.ended_session IS DISTINCT FROM new.ended_session) OR ((old.connected_until IS NULL) <> (new.connected_until IS NULL)))) EXECUTE FUNCTION public.counter_announce();


--
-- Name: counter_screens counter_screens_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER counter_screens_guard BEFORE INSERT OR UPDATE ON public.counter_screens FOR EACH ROW EXECUTE FUNCTION public.counter_screens_guard();


--
-- Name: counter_sessions counter_sessions_announce; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER counter_sessions_announce AFTER UPDATE ON public.counter_sessions FOR EACH ROW EXECUTE FUNCTION public.counter_announce();


--
-- Name: counter_sessions counter_sessions_close_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER counter_sessions_close_guard BEFORE UPDATE ON public.counter_sessions FOR EACH ROW EXECUTE FUNCTION public.counter_sessions_close_guard();


--
-- Name: counter_sessions counter_sessions_enrolled_screen; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER counter_sessions_enrolled_screen BEFORE INSERT ON public.counter_sessions FOR EACH ROW EXECUTE FUNCTION public.counter_sessions_enrolled_screen();


--
-- Name: counter_signatures counter_signatures_statement; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER counter_signatures_statement BEFORE INSERT ON public.counter_signatures FOR EACH ROW EXECUTE FUNCTION public.counter_signature_statement();


--
-- Name: counter_transactions counter_transactions_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER counter_transactions_guard BEFORE INSERT ON public.counter_transactions FOR EACH ROW EXECUTE FUNCTION public.counter_transactions_guard();


--
-- Name: receipts receipts_require_committed; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER receipts_require_committed BEFORE INSERT ON public.receipts FOR EACH ROW EXECUTE FUNCTION public.receipts_require_committed();


--
-- Name: screen_devices screen_devices_announce; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER screen_devices_announce AFTER UPDATE ON public.screen_devices FOR EACH ROW EXECUTE FUNCTION public.counter_announce();


--
-- Name: screen_devices screen_devices_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER screen_devices_guard BEFORE INSERT OR UPDATE ON public.screen_devices FOR EACH ROW EXECUTE FUNCTION public.screen_devices_guard();


--
-- Name: screen_devices screen_devices_no_delete; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER screen_devices_no_delete BEFORE DELETE ON public.screen_devices FOR EACH ROW EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: seals seals_revocation_is_final; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER seals_revocation_is_final BEFORE UPDATE ON public.seals FOR EACH ROW EXECUTE FUNCTION public.seals_revocation_is_final();


--
-- Name: seals seals_revocation_names_certificate; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER seals_revocation_names_certificate AFTER UPDATE ON public.seals FOR EACH ROW EXECUTE FUNCTION public.seals_revocation_names_certificate();


--
-- Name: seals seals_revoked_certificate_fixed; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER seals_revoked_certificate_fixed BEFORE UPDATE ON public.seals FOR EACH ROW EXECUTE FUNCTION public.seals_revoked_certificate_fixed();


--
-- Name: sessions sessions_announce_ended; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER sessions_announce_ended AFTER UPDATE OF revoked_at ON public.sessions FOR EACH ROW WHEN (((old.revoked_at IS NULL) AND (new.revoked_at IS NOT NULL))) EXECUTE FUNCTION public.sessions_announce_ended();


--
-- Name: sessions sessions_at_registered_terminal; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER sessions_at_registered_terminal BEFORE INSERT ON public.sessions FOR EACH ROW EXECUTE FUNCTION public.sessions_at_registered_terminal();


--
-- Name: sessions sessions_revocation_final; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER sessions_revocation_final BEFORE UPDATE OF revoked_at ON public.sessions FOR EACH ROW EXECUTE FUNCTION public.sessions_revocation_final();


--
-- Name: teller_transactions teller_transactions_abandon_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER teller_transactions_abandon_guard BEFORE UPDATE OF state ON public.teller_transactions FOR EACH ROW WHEN (((new.state = 'abandoned'::text) AND (old.state IS DISTINCT FROM 'abandoned'::text))) EXECUTE FUNCTION public.teller_transactions_abandon_guard();


--
-- Name: teller_transactions teller_transactions_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER teller_transactions_guard BEFORE INSERT OR UPDATE ON public.teller_transactions FOR EACH ROW EXECUTE FUNCTION public.teller_transactions_guard();


--
-- Name: teller_transactions teller_transactions_replace_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER teller_transactions_replace_guard BEFORE INSERT ON public.teller_transactions FOR EACH ROW EXECUTE FUNCTION public.teller_transactions_replace_guard();


--
-- Name: txn_withdrawals txn_withdrawal_finishes_transaction; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER txn_withdrawal_finishes_transaction AFTER INSERT ON public.txn_withdrawals FOR EACH ROW EXECUTE FUNCTION public.txn_withdrawal_finishes_transaction();


--
-- Name: txn_withdrawals txn_withdrawals_final; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER txn_withdrawals_final BEFORE DELETE OR UPDATE ON public.txn_withdrawals FOR EACH ROW EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: txn_withdrawals txn_withdrawals_guard; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER txn_withdrawals_guard BEFORE INSERT ON public.txn_withdrawals FOR EACH ROW EXECUTE FUNCTION public.txn_withdrawals_guard();


--
-- Name: voucher_renewals voucher_renewals_append_only; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER voucher_renewals_append_only BEFORE INSERT ON public.voucher_renewals FOR EACH ROW EXECUTE FUNCTION public.voucher_renewals_append_only();


--
-- Name: voucher_renewals voucher_renewals_final; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER voucher_renewals_final BEFORE DELETE OR UPDATE ON public.voucher_renewals FOR EACH ROW EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: vouchers vouchers_forward_only; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER vouchers_forward_only BEFORE UPDATE ON public.vouchers FOR EACH ROW EXECUTE FUNCTION public.vouchers_forward_only();


--
-- Name: vouchers vouchers_from_committed_transaction; Type: TRIGGER; Schema: public; Owner: countersign_owner
--

CREATE TRIGGER vouchers_from_committed_transaction BEFORE INSERT ON public.vouchers FOR EACH ROW EXECUTE FUNCTION public.vouchers_from_committed_transaction();


--
-- Name: admin_changes admin_changes_decided_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.admin_changes
    ADD CONSTRAINT admin_changes_decided_by_fkey FOREIGN KEY (decided_by) REFERENCES public.users(id);


--
-- Name: admin_changes admin_changes_proposed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.admin_changes
    ADD CONSTRAINT admin_changes_proposed_by_fkey FOREIGN KEY (proposed_by) REFERENCES public.users(id);


--
-- Name: audit_findings audit_findings_answered_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_findings
    ADD CONSTRAINT audit_findings_answered_by_fkey FOREIGN KEY (answered_by) REFERENCES public.users(id);


--
-- Name: audit_findings audit_findings_branch_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_findings
    ADD CONSTRAINT audit_findings_branch_code_fkey FOREIGN KEY (branch_code) REFERENCES public.branches(code);


--
-- Name: audit_findings audit_findings_closed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_findings
    ADD CONSTRAINT audit_findings_closed_by_fkey FOREIGN KEY (closed_by) REFERENCES public.users(id);


--
-- Name: audit_findings audit_findings_raised_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_findings
    ADD CONSTRAINT audit_findings_raised_by_fkey FOREIGN KEY (raised_by) REFERENCES public.users(id);


--
-- Name: audit_findings audit_findings_transaction_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_findings
    ADD CONSTRAINT audit_findings_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES public.teller_transactions(id);


--
-- Name: audit_sample_items audit_sample_items_reviewed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_sample_items
    ADD CONSTRAINT audit_sample_items_reviewed_by_fkey FOREIGN KEY (reviewed_by) REFERENCES public.users(id);


--
-- Name: audit_sample_items audit_sample_items_sample_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_sample_items
    ADD CONSTRAINT audit_sample_items_sample_id_fkey FOREIGN KEY (sample_id) REFERENCES public.audit_samples(id);


--
-- Name: audit_sample_items audit_sample_items_transaction_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_sample_items
    ADD CONSTRAINT audit_sample_items_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES public.teller_transactions(id);


--
-- Name: audit_samples audit_samples_branch_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_samples
    ADD CONSTRAINT audit_samples_branch_code_fkey FOREIGN KEY (branch_code) REFERENCES public.branches(code);


--
-- Name: audit_samples audit_samples_drawn_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.audit_samples
    ADD CONSTRAINT audit_samples_drawn_by_fkey FOREIGN KEY (drawn_by) REFERENCES public.users(id);


--
-- Name: authz_decisions authz_decisions_officer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_decisions
    ADD CONSTRAINT authz_decisions_officer_id_fkey FOREIGN KEY (officer_id) REFERENCES public.users(id);


--
-- Name: authz_decisions authz_decisions_request_id_payload_digest_material_digest_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_decisions
    ADD CONSTRAINT authz_decisions_request_id_payload_digest_material_digest_fkey FOREIGN KEY (request_id, payload_digest, material_digest) REFERENCES public.authz_requests(id, payload_digest, material_digest);


--
-- Name: authz_decisions authz_decisions_request_id_teller_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_decisions
    ADD CONSTRAINT authz_decisions_request_id_teller_id_fkey FOREIGN KEY (request_id, teller_id) REFERENCES public.authz_requests(id, teller_id);


--
-- Name: authz_lease_expiries authz_lease_expiries_officer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_lease_expiries
    ADD CONSTRAINT authz_lease_expiries_officer_id_fkey FOREIGN KEY (officer_id) REFERENCES public.users(id);


--
-- Name: authz_lease_expiries authz_lease_expiries_request_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_lease_expiries
    ADD CONSTRAINT authz_lease_expiries_request_id_fkey FOREIGN KEY (request_id) REFERENCES public.authz_requests(id);


--
-- Name: authz_local_credentials authz_local_credentials_officer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_local_credentials
    ADD CONSTRAINT authz_local_credentials_officer_id_fkey FOREIGN KEY (officer_id) REFERENCES public.users(id);


--
-- Name: authz_local_credentials authz_local_credentials_request_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_local_credentials
    ADD CONSTRAINT authz_local_credentials_request_id_fkey FOREIGN KEY (request_id) REFERENCES public.authz_requests(id);


--
-- Name: authz_material authz_material_request_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_material
    ADD CONSTRAINT authz_material_request_id_fkey FOREIGN KEY (request_id) REFERENCES public.authz_requests(id);


--
-- Name: authz_requests authz_requests_assigned_to_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_requests
    ADD CONSTRAINT authz_requests_assigned_to_fkey FOREIGN KEY (assigned_to) REFERENCES public.users(id);


--
-- Name: authz_requests authz_requests_branch_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_requests
    ADD CONSTRAINT authz_requests_branch_code_fkey FOREIGN KEY (branch_code) REFERENCES public.branches(code);


--
-- Name: authz_requests authz_requests_claimed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_requests
    ADD CONSTRAINT authz_requests_claimed_by_fkey FOREIGN KEY (claimed_by) REFERENCES public.users(id);


--
-- Name: authz_requests authz_requests_previous_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_requests
    ADD CONSTRAINT authz_requests_previous_id_fkey FOREIGN KEY (previous_id) REFERENCES public.authz_requests(id);


--
-- Name: authz_requests authz_requests_teller_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_requests
    ADD CONSTRAINT authz_requests_teller_id_fkey FOREIGN KEY (teller_id) REFERENCES public.users(id);


--
-- Name: authz_requests authz_requests_transaction_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.authz_requests
    ADD CONSTRAINT authz_requests_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES public.teller_transactions(id);


--
-- Name: certificate_revocations certificate_revocations_seal_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.certificate_revocations
    ADD CONSTRAINT certificate_revocations_seal_id_fkey FOREIGN KEY (seal_id) REFERENCES public.seals(id);


--
-- Name: counter_confirmations counter_confirmations_session_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_confirmations
    ADD CONSTRAINT counter_confirmations_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.counter_sessions(id);


--
-- Name: counter_drafts counter_drafts_session_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_drafts
    ADD CONSTRAINT counter_drafts_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.counter_sessions(id);


--
-- Name: counter_screens counter_screens_device_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_screens
    ADD CONSTRAINT counter_screens_device_id_fkey FOREIGN KEY (device_id) REFERENCES public.screen_devices(id);


--
-- Name: counter_screens counter_screens_ended_session_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_screens
    ADD CONSTRAINT counter_screens_ended_session_fkey FOREIGN KEY (ended_session) REFERENCES public.counter_sessions(id);


--
-- Name: counter_screens counter_screens_session_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_screens
    ADD CONSTRAINT counter_screens_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.counter_sessions(id);


--
-- Name: counter_sessions counter_sessions_branch_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_sessions
    ADD CONSTRAINT counter_sessions_branch_code_fkey FOREIGN KEY (branch_code) REFERENCES public.branches(code);


--
-- Name: counter_sessions counter_sessions_device_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_sessions
    ADD CONSTRAINT counter_sessions_device_id_fkey FOREIGN KEY (device_id) REFERENCES public.screen_devices(id);


--
-- Name: counter_sessions counter_sessions_teller_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_sessions
    ADD CONSTRAINT counter_sessions_teller_id_fkey FOREIGN KEY (teller_id) REFERENCES public.users(id);


--
-- Name: counter_signatures counter_signatures_session_id_draft_version_decision_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_signatures
    ADD CONSTRAINT counter_signatures_session_id_draft_version_decision_fkey FOREIGN KEY (session_id, draft_version, decision) REFERENCES public.counter_confirmations(session_id, draft_version, decision);


--
-- Name: counter_signatures counter_signatures_session_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_signatures
    ADD CONSTRAINT counter_signatures_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.counter_sessions(id);


--
-- Name: counter_transactions counter_transactions_session_id_draft_version_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_transactions
    ADD CONSTRAINT counter_transactions_session_id_draft_version_fkey FOREIGN KEY (session_id, draft_version) REFERENCES public.counter_signatures(session_id, draft_version);


--
-- Name: counter_transactions counter_transactions_transaction_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.counter_transactions
    ADD CONSTRAINT counter_transactions_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES public.teller_transactions(id);


--
-- Name: officer_authority officer_authority_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.officer_authority
    ADD CONSTRAINT officer_authority_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: officer_limits officer_limits_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.officer_limits
    ADD CONSTRAINT officer_limits_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.officer_authority(user_id);


--
-- Name: officer_presence officer_presence_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.officer_presence
    ADD CONSTRAINT officer_presence_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.officer_authority(user_id);


--
-- Name: pairing_guesses pairing_guesses_branch_code_terminal_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.pairing_guesses
    ADD CONSTRAINT pairing_guesses_branch_code_terminal_fkey FOREIGN KEY (branch_code, terminal) REFERENCES public.terminals(branch_code, id);


--
-- Name: password_history password_history_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.password_history
    ADD CONSTRAINT password_history_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: password_verifiers password_verifiers_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.password_verifiers
    ADD CONSTRAINT password_verifiers_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: prefills prefills_used_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.prefills
    ADD CONSTRAINT prefills_used_by_fkey FOREIGN KEY (used_by) REFERENCES public.users(id);


--
-- Name: receipts receipts_session_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.receipts
    ADD CONSTRAINT receipts_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.counter_sessions(id);


--
-- Name: receipts receipts_transaction_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.receipts
    ADD CONSTRAINT receipts_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES public.teller_transactions(id);


--
-- Name: receipts receipts_voucher_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.receipts
    ADD CONSTRAINT receipts_voucher_id_fkey FOREIGN KEY (voucher_id) REFERENCES public.vouchers(id);


--
-- Name: screen_devices screen_devices_branch_code_terminal_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.screen_devices
    ADD CONSTRAINT screen_devices_branch_code_terminal_fkey FOREIGN KEY (branch_code, terminal) REFERENCES public.terminals(branch_code, id);


--
-- Name: screen_devices screen_devices_enrolled_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.screen_devices
    ADD CONSTRAINT screen_devices_enrolled_by_fkey FOREIGN KEY (enrolled_by) REFERENCES public.users(id);


--
-- Name: screen_devices screen_devices_removed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.screen_devices
    ADD CONSTRAINT screen_devices_removed_by_fkey FOREIGN KEY (removed_by) REFERENCES public.users(id);


--
-- Name: seals seals_branch_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.seals
    ADD CONSTRAINT seals_branch_code_fkey FOREIGN KEY (branch_code) REFERENCES public.branches(code);


--
-- Name: sessions sessions_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: teller_transactions teller_transactions_branch_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.teller_transactions
    ADD CONSTRAINT teller_transactions_branch_code_fkey FOREIGN KEY (branch_code) REFERENCES public.branches(code);


--
-- Name: teller_transactions teller_transactions_replaces_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.teller_transactions
    ADD CONSTRAINT teller_transactions_replaces_fkey FOREIGN KEY (replaces) REFERENCES public.teller_transactions(id);


--
-- Name: teller_transactions teller_transactions_teller_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.teller_transactions
    ADD CONSTRAINT teller_transactions_teller_id_fkey FOREIGN KEY (teller_id) REFERENCES public.users(id);


--
-- Name: terminals terminals_branch_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.terminals
    ADD CONSTRAINT terminals_branch_code_fkey FOREIGN KEY (branch_code) REFERENCES public.branches(code);


--
-- Name: txn_withdrawals txn_withdrawals_teller_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.txn_withdrawals
    ADD CONSTRAINT txn_withdrawals_teller_id_fkey FOREIGN KEY (teller_id) REFERENCES public.users(id);


--
-- Name: txn_withdrawals txn_withdrawals_transaction_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.txn_withdrawals
    ADD CONSTRAINT txn_withdrawals_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES public.teller_transactions(id);


--
-- Name: users users_branch_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_branch_code_fkey FOREIGN KEY (branch_code) REFERENCES public.branches(code);


--
-- Name: voucher_renewals voucher_renewals_voucher_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.voucher_renewals
    ADD CONSTRAINT voucher_renewals_voucher_id_fkey FOREIGN KEY (voucher_id) REFERENCES public.vouchers(id);


--
-- Name: vouchers vouchers_branch_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_branch_code_fkey FOREIGN KEY (branch_code) REFERENCES public.branches(code);


--
-- Name: vouchers vouchers_seal_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_seal_id_fkey FOREIGN KEY (seal_id) REFERENCES public.seals(id);


--
-- Name: vouchers vouchers_teller_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_teller_id_fkey FOREIGN KEY (teller_id) REFERENCES public.users(id);


--
-- Name: vouchers vouchers_transaction_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: countersign_owner
--

ALTER TABLE ONLY public.vouchers
    ADD CONSTRAINT vouchers_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES public.counter_transactions(transaction_id);


--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: countersign_owner
--

GRANT USAGE ON SCHEMA public TO countersign_app;


--
-- Name: TABLE users; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.users TO countersign_app;


--
-- Name: FUNCTION admin_acting(p_token text, p_password text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.admin_acting(p_token text, p_password text) FROM PUBLIC;


--
-- Name: TABLE admin_changes; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.admin_changes TO countersign_app;


--
-- Name: FUNCTION admin_apply_change(p_change public.admin_changes); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.admin_apply_change(p_change public.admin_changes) FROM PUBLIC;


--
-- Name: FUNCTION admin_check_proposal(p_kind text, p_target text, p_details jsonb); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.admin_check_proposal(p_kind text, p_target text, p_details jsonb) FROM PUBLIC;


--
-- Name: FUNCTION admin_decide(p_token text, p_password text, p_id bigint, p_approve boolean, p_reason text, p_one_time text, p_password_hash text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.admin_decide(p_token text, p_password text, p_id bigint, p_approve boolean, p_reason text, p_one_time text, p_password_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.admin_decide(p_token text, p_password text, p_id bigint, p_approve boolean, p_reason text, p_one_time text, p_password_hash text) TO countersign_app;


--
-- Name: FUNCTION admin_drop_authority(p_user text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.admin_drop_authority(p_user text) FROM PUBLIC;


--
-- Name: FUNCTION admin_propose(p_token text, p_password text, p_kind text, p_target text, p_details jsonb); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.admin_propose(p_token text, p_password text, p_kind text, p_target text, p_details jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.admin_propose(p_token text, p_password text, p_kind text, p_target text, p_details jsonb) TO countersign_app;


--
-- Name: FUNCTION admin_strings(p_list jsonb); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.admin_strings(p_list jsonb) FROM PUBLIC;


--
-- Name: FUNCTION admin_user_busy(p_user text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.admin_user_busy(p_user text) FROM PUBLIC;


--
-- Name: FUNCTION audit_append(p_chain text, p_actor text, p_branch text, p_terminal text, p_action text, p_subject text, p_payload text, p_body_digest bytea, OUT seq bigint, OUT at_us bigint, OUT prev_hash bytea, OUT hash bytea); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.audit_append(p_chain text, p_actor text, p_branch text, p_terminal text, p_action text, p_subject text, p_payload text, p_body_digest bytea, OUT seq bigint, OUT at_us bigint, OUT prev_hash bytea, OUT hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.audit_append(p_chain text, p_actor text, p_branch text, p_terminal text, p_action text, p_subject text, p_payload text, p_body_digest bytea, OUT seq bigint, OUT at_us bigint, OUT prev_hash bytea, OUT hash bytea) TO countersign_app;


--
-- Name: FUNCTION audit_finding_answer(p_token text, p_password text, p_id bigint, p_answer text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.audit_finding_answer(p_token text, p_password text, p_id bigint, p_answer text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.audit_finding_answer(p_token text, p_password text, p_id bigint, p_answer text) TO countersign_app;


--
-- Name: FUNCTION audit_finding_conclude(p_token text, p_password text, p_id bigint, p_close boolean, p_note text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.audit_finding_conclude(p_token text, p_password text, p_id bigint, p_close boolean, p_note text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.audit_finding_conclude(p_token text, p_password text, p_id bigint, p_close boolean, p_note text) TO countersign_app;


--
-- Name: FUNCTION audit_finding_entry(p_step text, p_user text, p_text text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.audit_finding_entry(p_step text, p_user text, p_text text) FROM PUBLIC;


--
-- Name: FUNCTION audit_finding_raise(p_token text, p_password text, p_transaction text, p_description text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.audit_finding_raise(p_token text, p_password text, p_transaction text, p_description text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.audit_finding_raise(p_token text, p_password text, p_transaction text, p_description text) TO countersign_app;


--
-- Name: FUNCTION audit_sample_draw(p_token text, p_password text, p_day date, p_branch text, p_size integer); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.audit_sample_draw(p_token text, p_password text, p_day date, p_branch text, p_size integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.audit_sample_draw(p_token text, p_password text, p_day date, p_branch text, p_size integer) TO countersign_app;


--
-- Name: FUNCTION audit_sample_review(p_token text, p_password text, p_sample bigint, p_transaction text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.audit_sample_review(p_token text, p_password text, p_sample bigint, p_transaction text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.audit_sample_review(p_token text, p_password text, p_sample bigint, p_transaction text) TO countersign_app;


--
-- Name: FUNCTION authz_announce(); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.authz_announce() FROM PUBLIC;
GRANT ALL ON FUNCTION public.authz_announce() TO countersign_app;


--
-- Name: FUNCTION authz_commit(p_transaction text, p_digest bytea, p_request text, p_at_us bigint, e_chain text, e_actor text, e_branch text, e_terminal text, e_action text, e_subject text, e_payload text, e_body_digest bytea); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.authz_commit(p_transaction text, p_digest bytea, p_request text, p_at_us bigint, e_chain text, e_actor text, e_branch text, e_terminal text, e_action text, e_subject text, e_payload text, e_body_digest bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.authz_commit(p_transaction text, p_digest bytea, p_request text, p_at_us bigint, e_chain text, e_actor text, e_branch text, e_terminal text, e_action text, e_subject text, e_payload text, e_body_digest bytea) TO countersign_app;


--
-- Name: FUNCTION authz_decide(p_id text, p_officer text, p_decision text, p_reason text, p_payload_digest bytea, p_material_digest bytea, p_at_us bigint, p_approvals integer, e_chain text, e_actor text, e_branch text, e_terminal text, e_action text, e_subject text, e_payload text, e_body_digest bytea); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.authz_decide(p_id text, p_officer text, p_decision text, p_reason text, p_payload_digest bytea, p_material_digest bytea, p_at_us bigint, p_approvals integer, e_chain text, e_actor text, e_branch text, e_terminal text, e_action text, e_subject text, e_payload text, e_body_digest bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.authz_decide(p_id text, p_officer text, p_decision text, p_reason text, p_payload_digest bytea, p_material_digest bytea, p_at_us bigint, p_approvals integer, e_chain text, e_actor text, e_branch text, e_terminal text, e_action text, e_subject text, e_payload text, e_body_digest bytea) TO countersign_app;


--
-- Name: TABLE authz_requests; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.authz_requests TO countersign_app;


--
-- Name: COLUMN authz_requests.scope; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(scope) ON TABLE public.authz_requests TO countersign_app;


--
-- Name: COLUMN authz_requests.assigned_to; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(assigned_to) ON TABLE public.authz_requests TO countersign_app;


--
-- Name: COLUMN authz_requests.state; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(state) ON TABLE public.authz_requests TO countersign_app;


--
-- Name: COLUMN authz_requests.approvals; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(approvals) ON TABLE public.authz_requests TO countersign_app;


--
-- Name: COLUMN authz_requests.claimed_by; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(claimed_by) ON TABLE public.authz_requests TO countersign_app;


--
-- Name: COLUMN authz_requests.claimed_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(claimed_at) ON TABLE public.authz_requests TO countersign_app;


--
-- Name: COLUMN authz_requests.lease_until; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(lease_until) ON TABLE public.authz_requests TO countersign_app;


--
-- Name: COLUMN authz_requests.offered_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(offered_at) ON TABLE public.authz_requests TO countersign_app;


--
-- Name: COLUMN authz_requests.decided_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(decided_at) ON TABLE public.authz_requests TO countersign_app;


--
-- Name: COLUMN authz_requests.committed_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(committed_at) ON TABLE public.authz_requests TO countersign_app;


--
-- Name: FUNCTION authz_feed_prune(p_retention_seconds integer, p_limit integer); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.authz_feed_prune(p_retention_seconds integer, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.authz_feed_prune(p_retention_seconds integer, p_limit integer) TO countersign_app;


--
-- Name: TABLE teller_transactions; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.teller_transactions TO countersign_app;


--
-- Name: COLUMN teller_transactions.state; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(state) ON TABLE public.teller_transactions TO countersign_app;


--
-- Name: COLUMN teller_transactions.committed_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(committed_at) ON TABLE public.teller_transactions TO countersign_app;


--
-- Name: COLUMN teller_transactions.committed_digest; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(committed_digest) ON TABLE public.teller_transactions TO countersign_app;


--
-- Name: FUNCTION authz_pick_candidate(t public.teller_transactions, p_mode text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.authz_pick_candidate(t public.teller_transactions, p_mode text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.authz_pick_candidate(t public.teller_transactions, p_mode text) TO countersign_app;


--
-- Name: FUNCTION report_roll(p_day date); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.report_roll(p_day date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.report_roll(p_day date) TO countersign_app;


--
-- Name: FUNCTION seal_for_form(p_branch text, p_form text); Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT ALL ON FUNCTION public.seal_for_form(p_branch text, p_form text) TO countersign_app;


--
-- Name: FUNCTION supervision_actor(p_token text, p_password text, p_role text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.supervision_actor(p_token text, p_password text, p_role text) FROM PUBLIC;


--
-- Name: FUNCTION user_acting(p_token text, p_password text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.user_acting(p_token text, p_password text) FROM PUBLIC;


--
-- Name: FUNCTION user_change_own_password(p_token text, p_current text, p_new text, p_new_hash text); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.user_change_own_password(p_token text, p_current text, p_new text, p_new_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.user_change_own_password(p_token text, p_current text, p_new text, p_new_hash text) TO countersign_app;


--
-- Name: FUNCTION user_recent_password_hashes(p_token text, p_current text, p_limit integer); Type: ACL; Schema: public; Owner: countersign_owner
--

REVOKE ALL ON FUNCTION public.user_recent_password_hashes(p_token text, p_current text, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.user_recent_password_hashes(p_token text, p_current text, p_limit integer) TO countersign_app;


--
-- Name: TABLE audit_chain_heads; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.audit_chain_heads TO countersign_app;


--
-- Name: TABLE audit_events; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.audit_events TO countersign_app;


--
-- Name: TABLE audit_findings; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.audit_findings TO countersign_app;


--
-- Name: TABLE audit_sample_items; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.audit_sample_items TO countersign_app;


--
-- Name: TABLE audit_samples; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.audit_samples TO countersign_app;


--
-- Name: TABLE authz_decisions; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.authz_decisions TO countersign_app;


--
-- Name: TABLE authz_feed; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.authz_feed TO countersign_app;


--
-- Name: TABLE authz_lease_expiries; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.authz_lease_expiries TO countersign_app;


--
-- Name: TABLE authz_local_credentials; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.authz_local_credentials TO countersign_app;


--
-- Name: TABLE authz_material; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.authz_material TO countersign_app;


--
-- Name: SEQUENCE authz_request_serial; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT USAGE ON SEQUENCE public.authz_request_serial TO countersign_app;


--
-- Name: TABLE authz_rule_sets; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.authz_rule_sets TO countersign_app;


--
-- Name: TABLE authz_settings; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.authz_settings TO countersign_app;


--
-- Name: TABLE branches; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.branches TO countersign_app;


--
-- Name: TABLE certificate_revocations; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.certificate_revocations TO countersign_app;


--
-- Name: TABLE counter_confirmations; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.counter_confirmations TO countersign_app;


--
-- Name: SEQUENCE counter_confirmations_id_seq; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT USAGE ON SEQUENCE public.counter_confirmations_id_seq TO countersign_app;


--
-- Name: TABLE counter_drafts; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.counter_drafts TO countersign_app;


--
-- Name: TABLE counter_screens; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.counter_screens TO countersign_app;


--
-- Name: TABLE counter_sessions; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.counter_sessions TO countersign_app;


--
-- Name: COLUMN counter_sessions.closed_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(closed_at) ON TABLE public.counter_sessions TO countersign_app;


--
-- Name: SEQUENCE counter_sessions_id_seq; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT USAGE ON SEQUENCE public.counter_sessions_id_seq TO countersign_app;


--
-- Name: TABLE counter_signatures; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.counter_signatures TO countersign_app;


--
-- Name: SEQUENCE counter_signatures_id_seq; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT USAGE ON SEQUENCE public.counter_signatures_id_seq TO countersign_app;


--
-- Name: TABLE counter_transactions; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.counter_transactions TO countersign_app;


--
-- Name: TABLE directory_entries; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.directory_entries TO countersign_app;


--
-- Name: TABLE officer_authority; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.officer_authority TO countersign_app;


--
-- Name: TABLE officer_limits; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.officer_limits TO countersign_app;


--
-- Name: TABLE officer_presence; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.officer_presence TO countersign_app;


--
-- Name: COLUMN officer_presence.status; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(status) ON TABLE public.officer_presence TO countersign_app;


--
-- Name: COLUMN officer_presence.terminal; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(terminal) ON TABLE public.officer_presence TO countersign_app;


--
-- Name: COLUMN officer_presence.updated_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(updated_at) ON TABLE public.officer_presence TO countersign_app;


--
-- Name: COLUMN officer_presence.seen_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(seen_at) ON TABLE public.officer_presence TO countersign_app;


--
-- Name: TABLE pairing_guesses; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.pairing_guesses TO countersign_app;


--
-- Name: TABLE prefills; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT,DELETE ON TABLE public.prefills TO countersign_app;


--
-- Name: COLUMN prefills.state; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(state) ON TABLE public.prefills TO countersign_app;


--
-- Name: COLUMN prefills.key_id; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(key_id) ON TABLE public.prefills TO countersign_app;


--
-- Name: COLUMN prefills.ciphertext; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(ciphertext) ON TABLE public.prefills TO countersign_app;


--
-- Name: COLUMN prefills.closed_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(closed_at) ON TABLE public.prefills TO countersign_app;


--
-- Name: COLUMN prefills.used_by; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(used_by) ON TABLE public.prefills TO countersign_app;


--
-- Name: SEQUENCE prefills_id_seq; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT USAGE ON SEQUENCE public.prefills_id_seq TO countersign_app;


--
-- Name: TABLE receipts; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.receipts TO countersign_app;


--
-- Name: COLUMN receipts.downloads; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(downloads) ON TABLE public.receipts TO countersign_app;


--
-- Name: SEQUENCE receipts_id_seq; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT USAGE ON SEQUENCE public.receipts_id_seq TO countersign_app;


--
-- Name: TABLE report_figures; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.report_figures TO countersign_app;


--
-- Name: TABLE report_latency; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.report_latency TO countersign_app;


--
-- Name: TABLE report_rolls; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.report_rolls TO countersign_app;


--
-- Name: TABLE schema_migrations; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.schema_migrations TO countersign_app;


--
-- Name: TABLE screen_devices; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.screen_devices TO countersign_app;


--
-- Name: COLUMN screen_devices.removed_by; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(removed_by) ON TABLE public.screen_devices TO countersign_app;


--
-- Name: COLUMN screen_devices.removed_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(removed_at) ON TABLE public.screen_devices TO countersign_app;


--
-- Name: SEQUENCE screen_devices_id_seq; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT USAGE ON SEQUENCE public.screen_devices_id_seq TO countersign_app;


--
-- Name: TABLE seals; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.seals TO countersign_app;


--
-- Name: COLUMN seals.state; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(state) ON TABLE public.seals TO countersign_app;


--
-- Name: COLUMN seals.revoked_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(revoked_at) ON TABLE public.seals TO countersign_app;


--
-- Name: COLUMN seals.revoked_reason; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(revoked_reason) ON TABLE public.seals TO countersign_app;


--
-- Name: TABLE sessions; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.sessions TO countersign_app;


--
-- Name: COLUMN sessions.revoked_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(revoked_at) ON TABLE public.sessions TO countersign_app;


--
-- Name: COLUMN sessions.last_seen_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(last_seen_at) ON TABLE public.sessions TO countersign_app;


--
-- Name: TABLE sign_in_failures; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.sign_in_failures TO countersign_app;


--
-- Name: TABLE terminals; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT ON TABLE public.terminals TO countersign_app;


--
-- Name: SEQUENCE txn_serial; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT USAGE ON SEQUENCE public.txn_serial TO countersign_app;


--
-- Name: TABLE txn_withdrawals; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.txn_withdrawals TO countersign_app;


--
-- Name: TABLE voucher_renewals; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.voucher_renewals TO countersign_app;


--
-- Name: SEQUENCE voucher_serial; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT USAGE ON SEQUENCE public.voucher_serial TO countersign_app;


--
-- Name: TABLE vouchers; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT SELECT,INSERT ON TABLE public.vouchers TO countersign_app;


--
-- Name: COLUMN vouchers.state; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(state) ON TABLE public.vouchers TO countersign_app;


--
-- Name: COLUMN vouchers.pdf; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(pdf) ON TABLE public.vouchers TO countersign_app;


--
-- Name: COLUMN vouchers.pdf_sha256; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(pdf_sha256) ON TABLE public.vouchers TO countersign_app;


--
-- Name: COLUMN vouchers.strokes_ciphertext; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(strokes_ciphertext) ON TABLE public.vouchers TO countersign_app;


--
-- Name: COLUMN vouchers.strokes_sha256; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(strokes_sha256) ON TABLE public.vouchers TO countersign_app;


--
-- Name: COLUMN vouchers.seal_id; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(seal_id) ON TABLE public.vouchers TO countersign_app;


--
-- Name: COLUMN vouchers.updated_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(updated_at) ON TABLE public.vouchers TO countersign_app;


--
-- Name: COLUMN vouchers.archive_expires_at; Type: ACL; Schema: public; Owner: countersign_owner
--

GRANT UPDATE(archive_expires_at) ON TABLE public.vouchers TO countersign_app;


--
-- PostgreSQL database dump complete
--


