-- Post-transaction supervision (事后监督, issue #18, part 4). Auditors search a year of transactions: each filter is
-- one column's equality plus the submission time, newest first, so a page of results is a range scan of one index
-- (keyset pagination — never OFFSET, never count(*) over everything). They draw random samples of a day's committed
-- transactions to review, and raise findings (差错登记) that the branch's supervisor answers and the auditor closes.
-- Samples and findings are written only by the functions below, which take the acting user from a live session and
-- check their role: the tables are read-only to the service's role, and a finding moves only raised → answered →
-- closed (or, answered → raised again when the auditor returns the answer). Each function's step and its audit
-- event commit in the caller's transaction.

CREATE INDEX teller_transactions_submitted ON teller_transactions (submitted_at, id);
CREATE INDEX teller_transactions_branch_submitted ON teller_transactions (branch_code, submitted_at, id);
CREATE INDEX teller_transactions_code_submitted ON teller_transactions (code, submitted_at, id);
CREATE INDEX teller_transactions_committed_day ON teller_transactions (committed_at) WHERE state = 'committed';
CREATE INDEX authz_decisions_officer ON authz_decisions (officer_id, decided_at);

-- The user a live session belongs to, when they hold `p_role` (any role when NULL).
CREATE FUNCTION supervision_actor(p_token text, p_role text) RETURNS users
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user users;
BEGIN
    SELECT u.* INTO v_user FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = sha256(convert_to(p_token, 'UTF8')) AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not a live session' USING ERRCODE = 'check_violation', CONSTRAINT = 'user_signed_in';
    END IF;
    IF p_role IS NOT NULL AND v_user.role <> p_role THEN
        RAISE EXCEPTION 'user % is not a %', v_user.id, p_role USING ERRCODE = 'check_violation', CONSTRAINT = 'supervision_role';
    END IF;
    RETURN v_user;
END $$;

CREATE TABLE audit_samples (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The bank's day (Beijing) whose committed transactions were drawn from, and the branch (NULL: every branch).
    day date NOT NULL,
    branch_code text REFERENCES branches (code),
    requested smallint NOT NULL CHECK (requested BETWEEN 1 AND 200),
    drawn_by text NOT NULL REFERENCES users (id),
    drawn_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE audit_sample_items (
    sample_id bigint NOT NULL REFERENCES audit_samples (id),
    transaction_id text NOT NULL REFERENCES teller_transactions (id),
    reviewed_by text REFERENCES users (id),
    reviewed_at timestamptz,
    PRIMARY KEY (sample_id, transaction_id),
    CHECK ((reviewed_by IS NULL) = (reviewed_at IS NULL))
);

CREATE INDEX audit_samples_recent ON audit_samples (drawn_at DESC);

CREATE TABLE audit_findings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id text NOT NULL REFERENCES teller_transactions (id),
    -- The transaction's branch, which answers.
    branch_code text NOT NULL REFERENCES branches (code),
    state text NOT NULL CHECK (state IN ('raised', 'answered', 'closed')),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    raised_by text NOT NULL REFERENCES users (id),
    raised_at timestamptz NOT NULL,
    answer text CHECK (length(answer) BETWEEN 1 AND 2000),
    answered_by text REFERENCES users (id),
    answered_at timestamptz,
    closing_note text CHECK (length(closing_note) BETWEEN 1 AND 2000),
    closed_by text REFERENCES users (id),
    closed_at timestamptz,
    -- The thread so far, oldest first: every raise, answer, return and close with who and when (a returned answer
    -- stays readable after the branch answers again).
    history jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(history) = 'array'),
    CHECK ((state = 'raised') = (answer IS NULL)),
    CHECK ((answer IS NULL) = (answered_by IS NULL) AND (answered_by IS NULL) = (answered_at IS NULL)),
    CHECK ((state = 'closed') = (closed_by IS NOT NULL) AND (closed_by IS NULL) = (closed_at IS NULL)
           AND (closed_by IS NULL) = (closing_note IS NULL))
);

CREATE INDEX audit_findings_by_state ON audit_findings (state, id);
CREATE INDEX audit_findings_by_branch ON audit_findings (branch_code, state, id);
CREATE INDEX audit_findings_transaction ON audit_findings (transaction_id);

-- A closed finding is history; an open one changes only by the steps below (never its transaction, branch,
-- description or raiser).
CREATE FUNCTION audit_findings_steps() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.state = 'closed' THEN
        RAISE EXCEPTION 'finding %: a closed finding is history', OLD.id USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_findings_steps';
    END IF;
    IF NEW.transaction_id <> OLD.transaction_id OR NEW.branch_code <> OLD.branch_code OR NEW.description <> OLD.description
       OR NEW.raised_by <> OLD.raised_by OR NEW.raised_at <> OLD.raised_at
       OR NOT (NEW.history @> OLD.history AND jsonb_array_length(NEW.history) = jsonb_array_length(OLD.history) + 1)
       OR NOT ((OLD.state = 'raised' AND NEW.state = 'answered') OR (OLD.state = 'answered' AND NEW.state IN ('raised', 'closed'))) THEN
        RAISE EXCEPTION 'finding %: % → % is not a step', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_findings_steps';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER audit_findings_steps BEFORE UPDATE OR DELETE ON audit_findings FOR EACH ROW EXECUTE FUNCTION audit_findings_steps();

CREATE FUNCTION audit_sample_items_final() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.reviewed_at IS NOT NULL OR NEW.sample_id <> OLD.sample_id OR NEW.transaction_id <> OLD.transaction_id THEN
        RAISE EXCEPTION 'sample %: what was drawn and reviewed stays', OLD.sample_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_sample_items_final';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER audit_sample_items_final BEFORE UPDATE OR DELETE ON audit_sample_items FOR EACH ROW EXECUTE FUNCTION audit_sample_items_final();

CREATE FUNCTION audit_samples_final() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'sample %: a drawn sample stays as drawn', OLD.id USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_samples_final';
END $$;

CREATE TRIGGER audit_samples_final BEFORE UPDATE OR DELETE ON audit_samples FOR EACH ROW EXECUTE FUNCTION audit_samples_final();

-- Draws up to `p_size` of the day's committed transactions (of one branch, or all) at random, by the database's
-- generator: every draw is kept, so an auditor cannot draw again until a sample suits them without it showing.
CREATE FUNCTION audit_sample_draw(p_token text, p_day date, p_branch text, p_size integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_auditor users := supervision_actor(p_token, 'auditor');
    -- Beijing has no daylight saving: its day starts at 16:00 UTC the day before.
    v_start timestamptz := (p_day::timestamp - interval '8 hours') AT TIME ZONE 'UTC';
    v_id bigint;
BEGIN
    INSERT INTO audit_samples (day, branch_code, requested, drawn_by) VALUES (p_day, p_branch, p_size, v_auditor.id) RETURNING id INTO v_id;
    INSERT INTO audit_sample_items (sample_id, transaction_id)
    SELECT v_id, t.id FROM teller_transactions t
    WHERE t.state = 'committed' AND t.committed_at >= v_start AND t.committed_at < v_start + interval '1 day'
      AND (p_branch IS NULL OR t.branch_code = p_branch)
    ORDER BY random() LIMIT p_size;
    RETURN v_id;
END $$;

-- Marks one drawn transaction reviewed, once.
CREATE FUNCTION audit_sample_review(p_token text, p_sample bigint, p_transaction text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_auditor users := supervision_actor(p_token, 'auditor');
BEGIN
    UPDATE audit_sample_items SET reviewed_by = v_auditor.id, reviewed_at = clock_timestamp()
    WHERE sample_id = p_sample AND transaction_id = p_transaction AND reviewed_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'sample %: % was not drawn, or is reviewed already', p_sample, p_transaction
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_sample_item_open';
    END IF;
END $$;

CREATE FUNCTION audit_finding_entry(p_step text, p_user users, p_text text) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT jsonb_build_array(jsonb_build_object('step', p_step, 'by', p_user.id, 'at', clock_timestamp(), 'text', p_text))
$$;

CREATE FUNCTION audit_finding_raise(p_token text, p_transaction text, p_description text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_auditor users := supervision_actor(p_token, 'auditor');
    v_id bigint;
BEGIN
    INSERT INTO audit_findings (transaction_id, branch_code, state, description, raised_by, raised_at, history)
    SELECT t.id, t.branch_code, 'raised', p_description, v_auditor.id, clock_timestamp(), audit_finding_entry('raised', v_auditor, p_description)
    FROM teller_transactions t WHERE t.id = p_transaction
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'there is no transaction %', p_transaction USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_finding_transaction';
    END IF;
    RETURN v_id;
END $$;

-- The branch answers: a supervisor of the finding's branch.
CREATE FUNCTION audit_finding_answer(p_token text, p_id bigint, p_answer text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_supervisor users := supervision_actor(p_token, 'supervisor');
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
    UPDATE audit_findings SET state = 'answered', answer = p_answer, answered_by = v_supervisor.id, answered_at = clock_timestamp(),
        history = history || audit_finding_entry('answered', v_supervisor, p_answer)
    WHERE id = p_id;
END $$;

-- The auditor closes an answered finding, or returns the answer to the branch (`p_close` false).
CREATE FUNCTION audit_finding_conclude(p_token text, p_id bigint, p_close boolean, p_note text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_auditor users := supervision_actor(p_token, 'auditor');
    v_finding audit_findings;
BEGIN
    SELECT * INTO v_finding FROM audit_findings WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no finding %', p_id USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_finding_branch';
    END IF;
    IF v_finding.state <> 'answered' THEN
        RAISE EXCEPTION 'finding % is %: only an answered finding is closed or returned', p_id, v_finding.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_finding_state';
    END IF;
    IF p_close THEN
        UPDATE audit_findings SET state = 'closed', closing_note = p_note, closed_by = v_auditor.id, closed_at = clock_timestamp(),
            history = history || audit_finding_entry('closed', v_auditor, p_note)
        WHERE id = p_id;
    ELSE
        UPDATE audit_findings SET state = 'raised', answer = NULL, answered_by = NULL, answered_at = NULL,
            history = history || audit_finding_entry('returned', v_auditor, p_note)
        WHERE id = p_id;
    END IF;
END $$;

REVOKE ALL ON audit_samples, audit_sample_items, audit_findings FROM PUBLIC;
GRANT SELECT ON audit_samples, audit_sample_items, audit_findings TO countersign_app;
REVOKE ALL ON FUNCTION supervision_actor(text, text), audit_sample_draw(text, date, text, integer),
    audit_sample_review(text, bigint, text), audit_finding_raise(text, text, text), audit_finding_answer(text, bigint, text),
    audit_finding_conclude(text, bigint, boolean, text), audit_finding_entry(text, users, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_sample_draw(text, date, text, integer), audit_sample_review(text, bigint, text),
    audit_finding_raise(text, text, text), audit_finding_answer(text, bigint, text), audit_finding_conclude(text, bigint, boolean, text)
    TO countersign_app;
