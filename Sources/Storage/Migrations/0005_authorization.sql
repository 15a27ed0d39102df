-- Four-mode transaction authorization. The service decides routing and timing; the invariants a bank would go to
-- court over are enforced here, by PostgreSQL, whatever the service does:
--   * the maker is never a checker (CHECK constraints on every row that names an officer);
--   * in dual authorization the two officers differ (one decision per officer per request, and no claim by an
--     officer who already decided);
--   * at most one live claim per request (one claimed_by column; claims are a guarded UPDATE);
--   * a decision needs the decider's live claim, on the exact payload the request was made for;
--   * the officer's level, limit, transaction codes and reach cover the request;
--   * an approval commits at most once, and only with the payload it approved.
-- Times come from the service's clock (so tests can drive it); `authz_clock_ok` refuses a service time far from
-- the database's own clock unless the owner has switched on `injected_clock` for a test database.

CREATE TABLE authz_settings (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    injected_clock boolean NOT NULL DEFAULT false
);
INSERT INTO authz_settings DEFAULT VALUES;

CREATE FUNCTION authz_clock_ok(t timestamptz) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT (SELECT injected_clock FROM authz_settings) OR abs(extract(epoch FROM t - clock_timestamp())) < 30
$$;

-- Times cross the wire as exact microseconds since the epoch (what the service's clock and the audit trail use).
CREATE FUNCTION us_to_ts(bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$ SELECT timestamptz 'epoch' + $1 * interval '1 microsecond' $$;
CREATE FUNCTION ts_to_us(timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT (extract(epoch FROM $1) * 1000000)::bigint $$;

-- The authority matrix: what a supervisor or central officer may authorize.
CREATE TABLE officer_authority (
    user_id         text PRIMARY KEY REFERENCES users (id),
    level           smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
    -- Transaction codes this officer may authorize; '*' means any.
    codes           text[] NOT NULL CHECK (cardinality(codes) BETWEEN 1 AND 100),
    -- Other branches whose requests this officer serves in cross-branch mode.
    branches_served text[] NOT NULL DEFAULT '{}' CHECK (cardinality(branches_served) <= 500)
);

-- Per-currency amount limits; no row for a currency means no authority in it.
CREATE TABLE officer_limits (
    user_id     text NOT NULL REFERENCES officer_authority (user_id),
    currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    limit_minor bigint NOT NULL CHECK (limit_minor >= 0),
    PRIMARY KEY (user_id, currency)
);

CREATE TABLE officer_presence (
    user_id    text PRIMARY KEY REFERENCES officer_authority (user_id),
    status     text NOT NULL CHECK (status IN ('online', 'paused', 'offline')),
    terminal   text CHECK (terminal ~ '^[A-Za-z0-9_.-]{1,64}$'),
    updated_at timestamptz NOT NULL
);

CREATE SEQUENCE txn_serial;
CREATE SEQUENCE authz_request_serial;

-- A teller's transaction as submitted. The payload (account numbers, names) is encrypted by the service; its
-- digest is what an approval binds to.
CREATE TABLE teller_transactions (
    id                 text PRIMARY KEY CHECK (id ~ '^T[0-9]{16}$'),
    branch_code        text NOT NULL REFERENCES branches (code),
    teller_id          text NOT NULL REFERENCES users (id),
    terminal           text,
    code               text NOT NULL CHECK (code ~ '^[a-z][a-z0-9-]{1,40}$'),
    amount_minor       bigint NOT NULL CHECK (amount_minor >= 0),
    currency           text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    key_id             text NOT NULL,
    payload_ciphertext bytea NOT NULL CHECK (octet_length(payload_ciphertext) <= 65536),
    payload_digest     bytea NOT NULL CHECK (octet_length(payload_digest) = 32),
    -- What the interceptor saw and said, kept as evidence.
    rule_set_version   text NOT NULL,
    facts              jsonb NOT NULL,
    matched_rules      text[] NOT NULL,
    requirement        jsonb,
    state              text NOT NULL CHECK (state IN ('needs_authorization', 'ready', 'committed', 'abandoned')),
    submitted_at       timestamptz NOT NULL,
    committed_at       timestamptz,
    committed_digest   bytea,
    -- Committed only with the digest that was submitted (and, when authorized, approved).
    CHECK (state <> 'committed' OR (committed_at IS NOT NULL AND committed_digest = payload_digest)),
    CHECK (state <> 'needs_authorization' OR requirement IS NOT NULL),
    CHECK (state <> 'ready' OR requirement IS NULL)
);

CREATE INDEX teller_transactions_teller ON teller_transactions (teller_id, submitted_at);

-- One authorization request per version; a returned request is resubmitted as a new row linked to the last.
CREATE TABLE authz_requests (
    id                text PRIMARY KEY CHECK (id ~ '^R[0-9]{16}$'),
    transaction_id    text NOT NULL REFERENCES teller_transactions (id),
    version           integer NOT NULL CHECK (version BETWEEN 1 AND 20),
    previous_id       text UNIQUE REFERENCES authz_requests (id),
    branch_code       text NOT NULL REFERENCES branches (code),
    teller_id         text NOT NULL REFERENCES users (id),
    terminal          text,
    code              text NOT NULL,
    amount_minor      bigint NOT NULL CHECK (amount_minor >= 0),
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    level             smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
    officers_required smallint NOT NULL CHECK (officers_required IN (1, 2)),
    modes             text[] NOT NULL CHECK (modes <@ ARRAY['local', 'cross-terminal', 'cross-branch', 'central'] AND cardinality(modes) >= 1),
    mode              text NOT NULL,
    -- How wide the request is offered now: starts at `mode`, widened by escalation.
    scope             text NOT NULL,
    -- Central mode: the officer the request was assigned to at random (NULL: anyone eligible in scope).
    assigned_to       text REFERENCES users (id),
    -- The approval binds both: the transaction's payload digest and the digest of the material list (kinds, media
    -- types and SHA-256 of each item), so neither can be swapped after an officer has looked at them.
    payload_digest    bytea NOT NULL CHECK (octet_length(payload_digest) = 32),
    material_digest   bytea NOT NULL CHECK (octet_length(material_digest) = 32),
    material          jsonb NOT NULL,
    state             text NOT NULL CHECK (state IN ('pending', 'claimed', 'approved', 'rejected', 'returned', 'expired', 'committed')),
    approvals         smallint NOT NULL DEFAULT 0 CHECK (approvals BETWEEN 0 AND officers_required),
    claimed_by        text REFERENCES users (id),
    claimed_at        timestamptz,
    lease_until       timestamptz,
    unclaimed_seconds integer NOT NULL CHECK (unclaimed_seconds > 0),
    lease_seconds     integer NOT NULL CHECK (lease_seconds > 0),
    created_at        timestamptz NOT NULL,
    offered_at        timestamptz NOT NULL,
    teller_deadline   timestamptz NOT NULL,
    decided_at        timestamptz,
    committed_at      timestamptz,
    UNIQUE (id, teller_id),
    UNIQUE (id, payload_digest, material_digest),
    CHECK (mode = ANY (modes) AND scope = ANY (modes)),
    -- The maker is never the checker, not even for a moment.
    CHECK (claimed_by IS DISTINCT FROM teller_id AND assigned_to IS DISTINCT FROM teller_id),
    CHECK ((state = 'claimed') = (claimed_by IS NOT NULL) AND (claimed_by IS NULL) = (lease_until IS NULL)),
    CHECK (state NOT IN ('approved', 'committed') OR approvals = officers_required),
    CHECK (officers_required = 1 OR mode <> 'local')
);

CREATE INDEX authz_requests_open ON authz_requests (state, scope) WHERE state IN ('pending', 'claimed');
CREATE INDEX authz_requests_transaction ON authz_requests (transaction_id);

CREATE TABLE authz_decisions (
    request_id     text NOT NULL,
    officer_id     text NOT NULL REFERENCES users (id),
    teller_id      text NOT NULL,
    decision       text NOT NULL CHECK (decision IN ('approve', 'reject', 'return')),
    reason         text CHECK (length(reason) <= 500),
    payload_digest bytea NOT NULL,
    material_digest bytea NOT NULL,
    claimed_at     timestamptz NOT NULL,
    decided_at     timestamptz NOT NULL,
    -- One decision per officer per request: the two officers of a dual authorization differ.
    PRIMARY KEY (request_id, officer_id),
    FOREIGN KEY (request_id, teller_id) REFERENCES authz_requests (id, teller_id),
    FOREIGN KEY (request_id, payload_digest, material_digest) REFERENCES authz_requests (id, payload_digest, material_digest),
    CHECK (officer_id <> teller_id),
    CHECK (decision = 'approve' OR length(reason) >= 1)
);

-- Encrypted supporting material (ID scans, voucher images), at most 512 KiB each.
CREATE TABLE authz_material (
    request_id text NOT NULL REFERENCES authz_requests (id),
    kind       text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{1,40}$'),
    media_type text NOT NULL CHECK (media_type ~ '^[a-z]+/[a-z0-9.+-]{1,60}$'),
    key_id     text NOT NULL,
    ciphertext bytea NOT NULL CHECK (octet_length(ciphertext) <= 524288 + 64),
    sha256     bytea NOT NULL CHECK (octet_length(sha256) = 32),
    PRIMARY KEY (request_id, kind)
);

-- Can `officer` act on `r` now (offer, claim, decide)? The one definition of eligibility: the service's queue
-- queries call it too, so what an officer is shown and what the database lets them do cannot drift apart.
-- (PL/pgSQL, not SQL: a SQL function that cannot be inlined is parsed and planned again on every call, which
-- profiling showed as most of the database's CPU; PL/pgSQL keeps its plans for the session.)
CREATE FUNCTION authz_eligible(p_officer text, r authz_requests) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
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

-- Central mode assigns a request to one eligible, online officer at random (背对背: the officer never picks the
-- teller). `p_exclude` is the officer it is taken from when it goes unclaimed. NULL when nobody is online: then
-- any eligible centre officer may take it.
CREATE FUNCTION authz_pick_officer(r authz_requests, p_exclude text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_pick text;
BEGIN
    r.assigned_to := NULL;
    r.scope := 'central';
    SELECT p.user_id INTO v_pick
    FROM officer_presence p JOIN users u ON u.id = p.user_id
    WHERE p.status = 'online' AND u.role = 'officer' AND p.user_id IS DISTINCT FROM p_exclude AND authz_eligible(p.user_id, r)
    ORDER BY random() LIMIT 1;
    RETURN v_pick;
END $$;

-- Escalation's one definition: the next wider mode the rules allowed (cross-terminal → cross-branch → central), or
-- NULL when the request is already offered as wide as it may be. Local requests are decided at once and never wait.
CREATE FUNCTION authz_wider_scope(p_scope text, p_modes text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p_scope = 'cross-terminal' AND 'cross-branch' = ANY (p_modes) THEN 'cross-branch'
        WHEN p_scope IN ('cross-terminal', 'cross-branch') AND 'central' = ANY (p_modes) THEN 'central'
    END
$$;

-- Guards every change of a request: legal state moves only, and a claim only by an eligible, present officer.
CREATE FUNCTION authz_requests_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_presence text;
BEGIN
    IF NEW.id <> OLD.id OR NEW.teller_id <> OLD.teller_id OR NEW.transaction_id <> OLD.transaction_id
       OR NEW.payload_digest <> OLD.payload_digest OR NEW.material_digest <> OLD.material_digest OR NEW.material <> OLD.material
       OR NEW.amount_minor <> OLD.amount_minor OR NEW.currency <> OLD.currency
       OR NEW.code <> OLD.code OR NEW.level <> OLD.level OR NEW.officers_required <> OLD.officers_required
       OR NEW.modes <> OLD.modes OR NEW.mode <> OLD.mode OR NEW.branch_code <> OLD.branch_code THEN
        RAISE EXCEPTION 'request %: what was requested cannot change; resubmit a new version', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF NOT (
           (OLD.state = 'pending' AND NEW.state IN ('pending', 'claimed', 'expired'))
        OR (OLD.state = 'claimed' AND NEW.state IN ('pending', 'claimed', 'approved', 'rejected', 'returned', 'expired'))
        OR (OLD.state = 'approved' AND NEW.state = 'committed')
    ) OR (OLD.state = 'claimed' AND NEW.state = 'claimed' AND NEW.claimed_by IS DISTINCT FROM OLD.claimed_by) THEN
        RAISE EXCEPTION 'request %: % → % is not allowed', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
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
        IF NEW.mode <> 'local' THEN
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

CREATE TRIGGER authz_requests_guard BEFORE UPDATE ON authz_requests FOR EACH ROW EXECUTE FUNCTION authz_requests_guard();

-- A decision needs the decider's live claim on the request, on the payload the request was made for.
CREATE FUNCTION authz_decisions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER authz_decisions_guard BEFORE INSERT ON authz_decisions FOR EACH ROW EXECUTE FUNCTION authz_decisions_guard();
CREATE TRIGGER authz_decisions_final BEFORE UPDATE OR DELETE ON authz_decisions FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

-- Only tellers transact; a transaction committed is final.
CREATE FUNCTION teller_transactions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.teller_id AND role = 'teller' AND active AND branch_code = NEW.branch_code) THEN
            RAISE EXCEPTION 'only an active teller of branch % submits transactions', NEW.branch_code USING ERRCODE = 'insufficient_privilege';
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

CREATE TRIGGER teller_transactions_guard BEFORE INSERT OR UPDATE ON teller_transactions FOR EACH ROW EXECUTE FUNCTION teller_transactions_guard();

-- Requests are created only by the transaction's own teller, in a mode the interceptor allowed.
CREATE FUNCTION authz_requests_insert_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    t teller_transactions;
BEGIN
    SELECT * INTO t FROM teller_transactions WHERE id = NEW.transaction_id;
    IF t.teller_id <> NEW.teller_id OR t.payload_digest <> NEW.payload_digest OR t.state <> 'needs_authorization'
       OR t.amount_minor <> NEW.amount_minor OR t.currency <> NEW.currency OR t.code <> NEW.code OR t.branch_code <> NEW.branch_code THEN
        RAISE EXCEPTION 'request for %: it must match the open transaction it authorizes', NEW.transaction_id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.level < (t.requirement ->> 'level')::int OR NEW.officers_required < (t.requirement ->> 'officers')::int THEN
        RAISE EXCEPTION 'request for %: below what the rules require', NEW.transaction_id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state <> 'pending' OR NEW.approvals <> 0 OR NEW.claimed_by IS NOT NULL OR NEW.scope <> NEW.mode THEN
        RAISE EXCEPTION 'a new request starts pending, unclaimed, in its own mode' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM authz_requests r WHERE r.transaction_id = NEW.transaction_id AND r.state NOT IN ('returned', 'expired', 'rejected')) THEN
        RAISE EXCEPTION 'transaction % already has an open request', NEW.transaction_id USING ERRCODE = 'unique_violation';
    END IF;
    IF NEW.scope = 'central' AND NEW.assigned_to IS NULL THEN
        NEW.assigned_to := authz_pick_officer(NEW, NULL);
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER authz_requests_insert_guard BEFORE INSERT ON authz_requests FOR EACH ROW EXECUTE FUNCTION authz_requests_insert_guard();

-- The push feed (an outbox): every change of a request is one row here, written by the trigger below in the same
-- transaction. After its commit the service calls authz_announce(), which NOTIFYs the rows not yet announced;
-- instances LISTEN and fan out to their WebSocket clients, and a client that reconnects asks for the rows after the
-- last id it saw. NOTIFY is not issued inside the business transaction on purpose: PostgreSQL serializes the commits
-- of notifying transactions (a global lock held through the WAL flush), which measured at ~70 round trips/s; the
-- announcing transaction writes nothing durable that matters, so it commits without waiting for the disk. Every
-- instance also announces once a second, so a row whose writer died before announcing still goes out.
CREATE TABLE authz_feed (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id  text NOT NULL,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    snapshot    jsonb NOT NULL,
    announced   boolean NOT NULL DEFAULT false
);

CREATE INDEX authz_feed_unannounced ON authz_feed (id) WHERE NOT announced;

CREATE FUNCTION authz_announce() RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_count integer := 0;
    v_row record;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    FOR v_row IN
        UPDATE authz_feed f SET announced = true
        WHERE f.id IN (SELECT id FROM authz_feed WHERE NOT announced ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED)
        RETURNING f.id, f.snapshot
    LOOP
        PERFORM pg_notify('countersign_authz', (v_row.snapshot || jsonb_build_object('feed_id', v_row.id))::text);
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END $$;

-- A request as the service and its clients see it: one definition, used by the queries and the push feed.
CREATE FUNCTION authz_request_view(r authz_requests) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
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
        'payload_digest', encode(r.payload_digest, 'hex'), 'material_digest', encode(r.material_digest, 'hex'), 'material', r.material);
END $$;

-- Who is offered a pending request right now: online officers it is eligible for (the assigned one, in central).
CREATE FUNCTION authz_offered_to(r authz_requests) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
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

CREATE FUNCTION authz_requests_feed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_snapshot jsonb := authz_request_view(NEW) || jsonb_build_object('offered_to', authz_offered_to(NEW));
BEGIN
    INSERT INTO authz_feed (request_id, snapshot) VALUES (NEW.id, v_snapshot);
    RETURN NULL;
END $$;

CREATE TRIGGER authz_requests_feed AFTER INSERT OR UPDATE ON authz_requests FOR EACH ROW EXECUTE FUNCTION authz_requests_feed();

-- The feed row is written with the owner's rights, so the app role needs no INSERT on it.
ALTER FUNCTION authz_requests_feed() SECURITY DEFINER SET search_path = public, pg_temp;

REVOKE ALL ON authz_settings, officer_authority, officer_limits, officer_presence, teller_transactions, authz_requests,
    authz_decisions, authz_material, authz_feed FROM PUBLIC;
GRANT SELECT ON authz_settings, officer_authority, officer_limits, authz_feed TO countersign_app;
GRANT SELECT, INSERT ON officer_presence, teller_transactions, authz_requests, authz_decisions, authz_material TO countersign_app;
GRANT UPDATE (status, terminal, updated_at) ON officer_presence TO countersign_app;
GRANT UPDATE (state, committed_at, committed_digest) ON teller_transactions TO countersign_app;
GRANT UPDATE (scope, assigned_to, state, approvals, claimed_by, claimed_at, lease_until, offered_at, decided_at, committed_at)
    ON authz_requests TO countersign_app;
GRANT USAGE ON SEQUENCE txn_serial, authz_request_serial TO countersign_app;
REVOKE ALL ON FUNCTION authz_announce() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION authz_announce() TO countersign_app;
