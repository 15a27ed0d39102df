-- On review of 0041: the service's role may insert sessions (sign-in is checked in the service), so a session token
-- alone let it act as any auditor or supervisor with direct SQL. Every step of a finding or a sample now also
-- carries the user's own password, checked here against the database's verifier (user_acting, migration 0037), as
-- the administrators' steps do; a user who must still replace a one-time password does not act. Also: the sample
-- is drawn by the strong generator (not the session's `random()`, which `setseed` steers); a finding's history only
-- grows by one entry at the end; an auditor may withdraw a finding not yet answered (raised → closed); the
-- supervisor who decided on a transaction does not answer the finding about it; the evidence page's receipts and a
-- teller's searches have their indexes.

DROP FUNCTION audit_sample_draw(text, date, text, integer);
DROP FUNCTION audit_sample_review(text, bigint, text);
DROP FUNCTION audit_finding_raise(text, text, text);
DROP FUNCTION audit_finding_answer(text, bigint, text);
DROP FUNCTION audit_finding_conclude(text, bigint, boolean, text);
DROP FUNCTION supervision_actor(text, text);
DROP FUNCTION audit_finding_entry(text, users, text);

-- The user acting (a live session and their own password), when they hold `p_role`.
CREATE FUNCTION supervision_actor(p_token text, p_password text, p_role text) RETURNS users
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

CREATE FUNCTION audit_finding_entry(p_step text, p_user text, p_text text) RETURNS jsonb
LANGUAGE sql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT jsonb_build_array(jsonb_build_object('step', p_step, 'by', p_user, 'at', clock_timestamp(), 'text', p_text))
$$;

-- A withdrawn finding is closed without an answer.
ALTER TABLE audit_findings DROP CONSTRAINT audit_findings_check;
ALTER TABLE audit_findings ADD CONSTRAINT audit_findings_answer_by_state
    CHECK (CASE state WHEN 'raised' THEN answer IS NULL WHEN 'answered' THEN answer IS NOT NULL ELSE true END);

CREATE OR REPLACE FUNCTION audit_findings_steps() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
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

CREATE FUNCTION audit_sample_draw(p_token text, p_password text, p_day date, p_branch text, p_size integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

CREATE FUNCTION audit_sample_review(p_token text, p_password text, p_sample bigint, p_transaction text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

CREATE FUNCTION audit_finding_raise(p_token text, p_password text, p_transaction text, p_description text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- The branch answers: a supervisor of the finding's branch who did not decide on the transaction themselves.
CREATE FUNCTION audit_finding_answer(p_token text, p_password text, p_id bigint, p_answer text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

-- The auditor closes a finding (an answered one, or withdraws one not yet answered), or returns an answer to the
-- branch (`p_close` false).
CREATE FUNCTION audit_finding_conclude(p_token text, p_password text, p_id bigint, p_close boolean, p_note text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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

CREATE INDEX receipts_transaction ON receipts (transaction_id);
CREATE INDEX teller_transactions_teller_submitted ON teller_transactions (teller_id, submitted_at, id);
DROP INDEX teller_transactions_teller;

REVOKE ALL ON FUNCTION supervision_actor(text, text, text), audit_sample_draw(text, text, date, text, integer),
    audit_sample_review(text, text, bigint, text), audit_finding_raise(text, text, text, text),
    audit_finding_answer(text, text, bigint, text), audit_finding_conclude(text, text, bigint, boolean, text),
    audit_finding_entry(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_sample_draw(text, text, date, text, integer), audit_sample_review(text, text, bigint, text),
    audit_finding_raise(text, text, text, text), audit_finding_answer(text, text, bigint, text),
    audit_finding_conclude(text, text, bigint, boolean, text)
    TO countersign_app;
