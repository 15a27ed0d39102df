-- The authorization rules live in the database, and the database applies them itself (issue #13).
--
-- Until now the service read the rule file and told the database what the interceptor decided; the insert guard
-- could only check the request against that decision. Connected as the application role, a CNY 5,000,000 withdrawal
-- could be inserted `ready` (no requirement) and committed. Now:
--   * the active rule set is a row here, written by the owner role (`countersign rules activate`), which the
--     service reads at start — one rule set, not a file beside each instance;
--   * a new transaction must carry the active rule set's version, facts that agree with its own columns and its
--     submission time, and exactly the matched rules and requirement that the database itself derives from those
--     facts (authz_decide_requirement, the SQL twin of the service's Interceptor; a test holds the two together on
--     every rule and boundary).
-- What the database cannot see is inside the encrypted payload; the facts it judges by are the ones stored in clear.

CREATE TABLE authz_rule_sets (
    version      text PRIMARY KEY CHECK (length(version) BETWEEN 1 AND 40),
    -- The file exactly as activated (evidence of what was in force), and its parsed form for the guard.
    source       text NOT NULL CHECK (octet_length(source) <= 1048576),
    body         jsonb GENERATED ALWAYS AS (source::jsonb) STORED,
    sha256       bytea NOT NULL CHECK (octet_length(sha256) = 32),
    activated_at timestamptz NOT NULL,
    active       boolean NOT NULL,
    CHECK (body ->> 'version' = version)
);

-- At most one rule set is in force.
CREATE UNIQUE INDEX authz_rule_sets_one_active ON authz_rule_sets (active) WHERE active;

REVOKE ALL ON authz_rule_sets FROM PUBLIC;
GRANT SELECT ON authz_rule_sets TO countersign_app;

-- "+08:00" → 480.
CREATE FUNCTION authz_offset_minutes(p_offset text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT (CASE WHEN left(p_offset, 1) = '-' THEN -1 ELSE 1 END)
         * (substr(p_offset, 2, 2)::integer * 60 + substr(p_offset, 5, 2)::integer)
$$;

-- Minutes since midnight of `t` in the rule set's zone, as the service computes minute_of_day.
CREATE FUNCTION authz_minute_of_day(t timestamptz, p_offset text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT (((floor(extract(epoch FROM t))::bigint + authz_offset_minutes(p_offset) * 60) % 86400 + 86400) % 86400 / 60)::integer
$$;

-- "50000.00" in a band, as minor units.
CREATE FUNCTION authz_band_holds(p_band jsonb, p_amount bigint) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT ((p_band ->> 'min') IS NULL OR p_amount >= (p_band ->> 'min')::numeric * 100)
       AND ((p_band ->> 'below') IS NULL OR p_amount < (p_band ->> 'below')::numeric * 100)
$$;

-- One rule's match against the facts: every condition present must hold (Interceptor.matches).
CREATE FUNCTION authz_rule_matches(m jsonb, f jsonb, p_outside_hours boolean) RETURNS boolean LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp AS $$
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

-- What the rules say about these facts: {"matched": [rule ids in file order], "requirement": {...} or null}, the
-- requirement being the strictest of every matching rule exactly as Interceptor.strictest combines them: the
-- highest (level, officers) — the first such rule on a tie —, the modes every rule allows (or the strictest rule's
-- when they share none), no local mode with two officers, central when nothing is left, all the material any rule
-- asks for, and the shortest timeouts.
CREATE FUNCTION authz_decide_requirement(p_rules jsonb, f jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp AS $$
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

-- Two requirements say the same (the modes and material as sets: the service orders modes narrowest first).
CREATE FUNCTION authz_same_requirement(a jsonb, b jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT (a IS NULL AND b IS NULL) OR (
        (a -> 'level') = (b -> 'level') AND (a -> 'officers') = (b -> 'officers') AND (a -> 'timeouts') = (b -> 'timeouts')
        AND (a -> 'modes') @> (b -> 'modes') AND (b -> 'modes') @> (a -> 'modes')
        AND (a -> 'material') @> (b -> 'material') AND (b -> 'material') @> (a -> 'material'))
$$;

-- As in 0016, and: the transaction is judged by the rule set in force, on facts that agree with its own columns and
-- its submission time, and its matched rules, requirement and initial state are what those rules say.
CREATE OR REPLACE FUNCTION teller_transactions_guard() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
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
