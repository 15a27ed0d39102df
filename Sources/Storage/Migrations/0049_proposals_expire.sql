-- A proposal under dual control is approved within 72 hours of being proposed, or not at all (issue #18, part 1): a
-- change proposed long ago — a user for a post since filled, authority for a task since gone — is not approved blind.
-- It can still be withdrawn (rejected), which frees its kind and target for a fresh proposal. The body is 0038's
-- (the latest) with the one check added.
CREATE OR REPLACE FUNCTION admin_decide(p_token text, p_password text, p_id bigint, p_approve boolean, p_reason text, p_one_time text, p_password_hash text) RETURNS TABLE(kind text, target text, proposed_by text, decided_by text, details jsonb)
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
