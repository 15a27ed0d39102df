-- Wrong passwords counted in PostgreSQL (issue #18, part 2): every instance reads and adds to the same counts, so a
-- lockout started on one holds on all, and guesses spread over instances add up. Until now each instance counted in
-- memory (an attacker got the lockout's guesses once per instance) and an administrator's unlock was announced to
-- every instance to clear; now the unlock deletes the row.
--
-- One row per key: 'user:<id>' (whoever guesses, from wherever) and 'address:<client address>' (whichever users it
-- tries). The policy (free failures, doubling delays, lockout) is the service's (SignInThrottle); the row is what it
-- reads before hashing and updates, under the row's lock, in the transaction that audits the failure — so two
-- instances never both record the failure that starts a lockout. A right password deletes its user's row. The times
-- are the service's clock (tests move it), not now().
CREATE TABLE sign_in_failures (
    key text PRIMARY KEY CHECK (key ~ '^(user|address):' AND octet_length(key) <= 200),
    failures integer NOT NULL CHECK (failures >= 0),
    last_failure timestamptz NOT NULL,
    next_attempt timestamptz NOT NULL
);
-- Quiet rows are forgotten by the service a few at a time (a spray of unknown user names must not grow it for ever).
CREATE INDEX sign_in_failures_quiet ON sign_in_failures (last_failure);

-- Not evidence: counters the service keeps. The service's role reads and writes them.
GRANT SELECT, INSERT, UPDATE, DELETE ON sign_in_failures TO countersign_app;

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
        -- The user's count, shared by every instance, starts again (the address's stays: it may be guessing others).
        DELETE FROM sign_in_failures WHERE key = 'user:' || p_change.target;
    WHEN 'authority.revoke' THEN
        PERFORM admin_drop_authority(p_change.target);
    END CASE;
END $$;
