-- Counter sessions: a teller's terminal paired with its customer screen, and every confirmation the customer gave
-- on that screen. A confirmation records the digest of the exact view the screen showed (and the view itself,
-- encrypted: it holds masked personal data); a later change of the draft needs a new confirmation.
CREATE TABLE counter_sessions (
    id          bigserial PRIMARY KEY,
    teller_id   text NOT NULL REFERENCES users (id),
    branch_code text NOT NULL REFERENCES branches (code),
    terminal    text NOT NULL CHECK (terminal ~ '^[A-Za-z0-9_.-]{1,64}$'),
    created_at  timestamptz NOT NULL,
    closed_at   timestamptz
);

CREATE TABLE counter_confirmations (
    id          bigserial PRIMARY KEY,
    session_id  bigint NOT NULL REFERENCES counter_sessions (id),
    draft_version integer NOT NULL CHECK (draft_version >= 1),
    decision    text NOT NULL CHECK (decision IN ('confirm', 'reject')),
    view_digest bytea NOT NULL CHECK (length(view_digest) = 32),
    key_id      text NOT NULL,
    view_ciphertext bytea NOT NULL CHECK (length(view_ciphertext) <= 65536),
    at          timestamptz NOT NULL,
    UNIQUE (session_id, draft_version)
);

REVOKE ALL ON counter_sessions, counter_confirmations FROM PUBLIC;
GRANT SELECT, INSERT ON counter_sessions, counter_confirmations TO countersign_app;
GRANT UPDATE (closed_at) ON counter_sessions TO countersign_app;
GRANT USAGE ON SEQUENCE counter_sessions_id_seq, counter_confirmations_id_seq TO countersign_app;
