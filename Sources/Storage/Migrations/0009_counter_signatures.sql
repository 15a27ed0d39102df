-- The customer's handwritten signature, captured on the screen for a confirmed view: strokes (x, y, t, pressure)
-- encrypted by the service, with their digest and the digest of the view they sign. One per confirmed version.
ALTER TABLE counter_confirmations ADD UNIQUE (session_id, draft_version, decision);

CREATE TABLE counter_signatures (
    id             bigserial PRIMARY KEY,
    session_id     bigint NOT NULL REFERENCES counter_sessions (id),
    draft_version  integer NOT NULL,
    decision       text NOT NULL DEFAULT 'confirm' CHECK (decision = 'confirm'),
    view_digest    bytea NOT NULL CHECK (length(view_digest) = 32),
    strokes_sha256 bytea NOT NULL CHECK (length(strokes_sha256) = 32),
    points         integer NOT NULL CHECK (points > 0),
    key_id         text NOT NULL,
    strokes_ciphertext bytea NOT NULL CHECK (length(strokes_ciphertext) <= 1048576),
    at             timestamptz NOT NULL,
    UNIQUE (session_id, draft_version),
    -- Only what the customer confirmed (not rejected) can be signed.
    FOREIGN KEY (session_id, draft_version, decision) REFERENCES counter_confirmations (session_id, draft_version, decision)
);

REVOKE ALL ON counter_signatures FROM PUBLIC;
GRANT SELECT, INSERT ON counter_signatures TO countersign_app;
GRANT USAGE ON SEQUENCE counter_signatures_id_seq TO countersign_app;
