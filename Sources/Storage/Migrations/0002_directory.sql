-- Branches, users and login sessions. The authorization work adds authority levels and limits.

CREATE TABLE branches (
    code     text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
    name_zh  text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 100),
    name_en  text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 100),
    kind     text NOT NULL CHECK (kind IN ('branch', 'centre', 'head_office'))
);

CREATE TABLE users (
    id            text PRIMARY KEY CHECK (id ~ '^[a-z0-9_.-]{1,64}$'),
    display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    branch_code   text NOT NULL REFERENCES branches (code),
    role          text NOT NULL CHECK (role IN ('teller', 'supervisor', 'officer', 'auditor', 'admin')),
    password_hash text NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Only a hash of the bearer token is stored: a copy of this table logs nobody in.
CREATE TABLE sessions (
    token_hash  bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id     text NOT NULL REFERENCES users (id),
    terminal    text CHECK (terminal ~ '^[A-Za-z0-9_.-]{1,64}$'),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL CHECK (expires_at > created_at),
    revoked_at  timestamptz
);

CREATE INDEX sessions_user ON sessions (user_id);

REVOKE ALL ON branches, users, sessions FROM PUBLIC;
GRANT SELECT ON branches, users TO countersign_app;
GRANT SELECT, INSERT ON sessions TO countersign_app;
GRANT UPDATE (revoked_at) ON sessions TO countersign_app;
