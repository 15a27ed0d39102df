-- The tamper-evident audit trail: one hash chain per branch (plus "central"), append-only for the service.
-- Roles: this file runs as the owner role; the service runs as countersign_app (see scripts/db-roles.sql).

-- One row per chain: the last event's position, time, hash and the hash before it (so one UPDATE can both
-- read the old head and write the new one).
CREATE TABLE audit_chain_heads (
    chain_id    text PRIMARY KEY CHECK (chain_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
    last_seq    bigint NOT NULL CHECK (last_seq >= 1),
    last_at_us  bigint NOT NULL,
    prev_hash   bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
    last_hash   bytea NOT NULL CHECK (octet_length(last_hash) = 32)
);

CREATE TABLE audit_events (
    id               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    chain_id         text NOT NULL CHECK (chain_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
    seq              bigint NOT NULL CHECK (seq >= 1),
    at               timestamptz NOT NULL,
    actor            text NOT NULL,
    branch           text,
    terminal         text,
    action           text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    subject          text NOT NULL,
    payload          text NOT NULL CHECK (octet_length(payload) <= 65536),
    encoding_version smallint NOT NULL,
    prev_hash        bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash             bytea NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (chain_id, seq)
);

CREATE INDEX audit_events_subject ON audit_events (subject);


-- Append-only, even for a role that was granted more than it should have been.
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_heads_no_delete BEFORE DELETE ON audit_chain_heads
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_heads_no_truncate BEFORE TRUNCATE ON audit_chain_heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();


-- The only way in: one call that locks the chain head, stamps the time, links, hashes, inserts and moves the head.
-- It runs with the owner's rights (SECURITY DEFINER); the application role may call it but may not INSERT or
-- UPDATE either table itself, so it cannot write a row that does not link.
-- The hash is version 1 of Sources/Audit/AuditEncoding.swift: SHA-256 over a small fixed "link" record (seq, time,
-- previous hash, digest of the event body). The service computes the body digest before the chain is locked,
-- recomputes the returned hash after every append and refuses to commit on any difference; `countersign audit
-- verify` recomputes every hash from the stored columns, so a wrong digest is found there.
CREATE FUNCTION audit_append(
    p_chain text, p_actor text, p_branch text, p_terminal text, p_action text, p_subject text, p_payload text,
    p_body_digest bytea,
    OUT seq bigint, OUT at_us bigint, OUT prev_hash bytea, OUT hash bytea
) LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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

DO $$
BEGIN
    IF current_setting('server_encoding') <> 'UTF8' THEN
        RAISE EXCEPTION 'Countersign needs a UTF8 database (found %)', current_setting('server_encoding');
    END IF;
END $$;

REVOKE ALL ON audit_events, audit_chain_heads FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_append(text, text, text, text, text, text, text, bytea) FROM PUBLIC;
GRANT SELECT ON audit_events, audit_chain_heads TO countersign_app;
GRANT EXECUTE ON FUNCTION audit_append(text, text, text, text, text, text, text, bytea) TO countersign_app;
