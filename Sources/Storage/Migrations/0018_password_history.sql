-- Passwords a user had, as hashes, so that a new one can be checked against the recent ones (issue #13's password
-- rules). Written with the change itself by the owner role (`countersign users set-password`); the service's role
-- cannot read or write it.

CREATE TABLE password_history (
    user_id       text NOT NULL REFERENCES users (id),
    password_hash text NOT NULL,
    replaced_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (user_id, replaced_at)
);

REVOKE ALL ON password_history FROM PUBLIC;
