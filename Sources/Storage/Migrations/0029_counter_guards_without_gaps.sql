-- Gaps a review found in 0028's guards (issue #15):
--   * a screen row stays with its device (moving a paired session onto another screen is refused);
--   * a closed session stays closed, and a booked one closes only with its receipt (or after its transaction was
--     rejected): a cancellation racing the booking can no longer close a session that was just booked;
--   * a draft is confirmed only when it is complete.

CREATE OR REPLACE FUNCTION counter_screens_guard() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
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

CREATE FUNCTION counter_sessions_close_guard() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
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

CREATE TRIGGER counter_sessions_close_guard BEFORE UPDATE ON counter_sessions FOR EACH ROW EXECUTE FUNCTION counter_sessions_close_guard();

CREATE OR REPLACE FUNCTION counter_drafts_guard() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
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
