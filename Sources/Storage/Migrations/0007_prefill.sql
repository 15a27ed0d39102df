-- Pre-filled forms waiting for the counter. The customer's values are encrypted by the service (AES-256-GCM, key
-- outside the database) and deleted when a teller picks them up or when they expire; what stays is a tombstone
-- without personal data (the form, the times, the state), so a reused or expired code gets a clear answer.
-- The code itself is never stored: only an HMAC of it under a key the database does not have.
CREATE TABLE prefills (
    id          bigserial PRIMARY KEY,
    code_tag    bytea NOT NULL UNIQUE CHECK (length(code_tag) = 32),
    form_id     text NOT NULL CHECK (form_id ~ '^[a-z][a-z0-9-]{1,40}$'),
    form_version integer NOT NULL CHECK (form_version >= 1),
    state       text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'used', 'expired')),
    key_id      text,
    ciphertext  bytea CHECK (length(ciphertext) <= 65536),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL CHECK (expires_at > created_at),
    closed_at   timestamptz,
    used_by     text REFERENCES users (id),
    -- Data exactly while waiting; a closed pre-fill holds none.
    CHECK ((state = 'waiting') = (ciphertext IS NOT NULL AND key_id IS NOT NULL AND closed_at IS NULL)),
    CHECK ((state = 'used') = (used_by IS NOT NULL))
);
CREATE INDEX prefills_waiting_expiry ON prefills (expires_at) WHERE state = 'waiting';
CREATE INDEX prefills_closed ON prefills (closed_at) WHERE state <> 'waiting';

REVOKE ALL ON prefills FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON prefills TO countersign_app;
GRANT UPDATE (state, key_id, ciphertext, closed_at, used_by) ON prefills TO countersign_app;
GRANT USAGE ON SEQUENCE prefills_id_seq TO countersign_app;
