-- The counter's working state lives here, not in one instance's memory (issue #15): each enrolled screen's pairing
-- code and the session it is in, the teller's draft (encrypted), and the wrong codes typed at each terminal. The
-- teller's console and the customer screen may then be served by different instances, and either may restart
-- mid-flow. Every change is announced on the channel `countersign_counter` at commit, so the instance holding the
-- screen's WebSocket (and the teller's push connection) hears of it and reads the row again.

-- What an enrolled screen shows: its pairing code while it waits, or the session it is paired into.
CREATE TABLE counter_screens (
    device_id        bigint PRIMARY KEY REFERENCES screen_devices (id),
    code             text NOT NULL CHECK (code ~ '^[0-9]{6}$'),
    code_expires_at  timestamptz NOT NULL,
    -- Some instance holds a WebSocket of this screen: renewed by that instance's heartbeat, on the database clock
    -- (liveness of a connection, not a business time).
    connected_until  timestamptz,
    session_id       bigint UNIQUE REFERENCES counter_sessions (id),
    -- How the screen's last session ended, for the screen to show: the receipt (its link, encrypted: it is a
    -- bearer link to the customer's voucher) or a cancellation.
    ended_session    bigint REFERENCES counter_sessions (id),
    ended_how        text CHECK (ended_how IN ('receipt', 'cancelled')),
    ended_key_id     text,
    ended_ciphertext bytea CHECK (octet_length(ended_ciphertext) <= 2048),
    CHECK ((ended_session IS NULL) = (ended_how IS NULL)),
    CHECK (ended_how IS DISTINCT FROM 'receipt' OR (ended_ciphertext IS NOT NULL AND ended_key_id IS NOT NULL))
);

-- The teller's draft of a session: version 0 until the first change; each change is the next version, in state
-- `editing`; the customer's answer and signature move it on, only as the rows recorded for that very version say.
CREATE TABLE counter_drafts (
    session_id       bigint PRIMARY KEY REFERENCES counter_sessions (id),
    version          integer NOT NULL CHECK (version >= 0),
    state            text NOT NULL CHECK (state IN ('editing', 'confirmed', 'rejected', 'signed')),
    -- Every required field there and every value valid: only then may the customer confirm.
    complete         boolean NOT NULL,
    form_id          text CHECK (form_id ~ '^[a-z][a-z0-9-]{1,40}$'),
    key_id           text,
    -- The values and the confirmation view (canonical JSON), sealed with the data key for this session and version.
    draft_ciphertext bytea CHECK (octet_length(draft_ciphertext) <= 262144),
    view_digest      bytea CHECK (octet_length(view_digest) = 32),
    CHECK ((version = 0) = (draft_ciphertext IS NULL)),
    CHECK ((version = 0) = (view_digest IS NULL)),
    CHECK (version > 0 OR (state = 'editing' AND NOT complete))
);

-- Wrong pairing codes typed at one terminal within the current window (see CounterDesk.pairingGuesses).
CREATE TABLE pairing_guesses (
    branch_code text NOT NULL,
    terminal    text NOT NULL,
    failures    integer NOT NULL CHECK (failures >= 0),
    since       timestamptz NOT NULL,
    locked      boolean NOT NULL,
    PRIMARY KEY (branch_code, terminal),
    FOREIGN KEY (branch_code, terminal) REFERENCES terminals (branch_code, id)
);

REVOKE ALL ON counter_screens, counter_drafts, pairing_guesses FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON counter_screens, counter_drafts, pairing_guesses TO countersign_app;

-- A screen is paired only into a session of its own, and only an open one.
CREATE FUNCTION counter_screens_guard() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NEW.session_id IS NOT NULL AND NEW.session_id IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.session_id END)
       AND NOT EXISTS (SELECT 1 FROM counter_sessions s WHERE s.id = NEW.session_id AND s.device_id = NEW.device_id AND s.closed_at IS NULL)
    THEN
        RAISE EXCEPTION 'screen % is paired only into an open session of its own (not %)', NEW.device_id, NEW.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'counter_screen_own_session';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER counter_screens_guard BEFORE INSERT OR UPDATE ON counter_screens FOR EACH ROW EXECUTE FUNCTION counter_screens_guard();

-- A draft moves only forward and only as the record says: a change is the next version and starts over in
-- `editing` (never once booked, never in a closed session); `confirmed`/`rejected` need the customer's answer to
-- exactly this version and view, `signed` their signature of it.
CREATE FUNCTION counter_drafts_guard() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
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

CREATE TRIGGER counter_drafts_guard BEFORE INSERT OR UPDATE ON counter_drafts FOR EACH ROW EXECUTE FUNCTION counter_drafts_guard();

-- The announcement: which screen (and which teller's session) changed. Small on purpose: whoever holds the screen
-- or the console reads the rows again, so nothing secret travels and a lost notification costs one refresh.
CREATE FUNCTION counter_announce() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
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

CREATE TRIGGER counter_screens_announce AFTER INSERT ON counter_screens FOR EACH ROW EXECUTE FUNCTION counter_announce();
-- Not every heartbeat: only what the screen or the teller sees changes (a code, a session, an ending, the screen
-- coming or going).
CREATE TRIGGER counter_screens_changed AFTER UPDATE ON counter_screens FOR EACH ROW
    WHEN (OLD.code IS DISTINCT FROM NEW.code OR OLD.session_id IS DISTINCT FROM NEW.session_id
          OR OLD.ended_session IS DISTINCT FROM NEW.ended_session OR (OLD.connected_until IS NULL) <> (NEW.connected_until IS NULL))
    EXECUTE FUNCTION counter_announce();
CREATE TRIGGER counter_drafts_announce AFTER INSERT OR UPDATE ON counter_drafts FOR EACH ROW EXECUTE FUNCTION counter_announce();
CREATE TRIGGER counter_sessions_announce AFTER UPDATE ON counter_sessions FOR EACH ROW EXECUTE FUNCTION counter_announce();
CREATE TRIGGER screen_devices_announce AFTER UPDATE ON screen_devices FOR EACH ROW EXECUTE FUNCTION counter_announce();
