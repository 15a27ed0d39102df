-- The tamper-evident audit trail: one hash chain per branch (plus "central"), append-only for the service.
-- Roles: this file runs as the owner role; the service runs as countersign_app (see scripts/db-roles.sql).

CREATE TABLE audit_chain_heads (
    chain_id   text PRIMARY KEY CHECK (chain_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
    last_seq   bigint NOT NULL CHECK (last_seq >= 1),
    last_hash  bytea NOT NULL CHECK (octet_length(last_hash) = 32)
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

-- The database itself refuses a row that does not link to its predecessor: no forks, no gaps,
-- whatever a buggy or hostile writer sends.
CREATE FUNCTION audit_events_check_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    previous bytea;
BEGIN
    IF NEW.seq = 1 THEN
        IF NEW.prev_hash <> decode(repeat('00', 32), 'hex') THEN
            RAISE EXCEPTION 'audit chain %: the first event must link to the zero hash', NEW.chain_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    ELSE
        SELECT hash INTO previous FROM audit_events WHERE chain_id = NEW.chain_id AND seq = NEW.seq - 1;
        IF previous IS NULL OR previous <> NEW.prev_hash THEN
            RAISE EXCEPTION 'audit chain %: event % does not link to event %', NEW.chain_id, NEW.seq, NEW.seq - 1
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER audit_events_link BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_check_link();

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

-- A head only moves forward.
CREATE FUNCTION audit_chain_heads_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.chain_id <> OLD.chain_id OR NEW.last_seq < OLD.last_seq THEN
        RAISE EXCEPTION 'audit chain %: the head cannot move backwards', OLD.chain_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER audit_chain_heads_forward BEFORE UPDATE ON audit_chain_heads
    FOR EACH ROW EXECUTE FUNCTION audit_chain_heads_forward();

REVOKE ALL ON audit_events, audit_chain_heads FROM PUBLIC;
GRANT SELECT, INSERT ON audit_events TO countersign_app;
GRANT SELECT, INSERT, UPDATE ON audit_chain_heads TO countersign_app;
