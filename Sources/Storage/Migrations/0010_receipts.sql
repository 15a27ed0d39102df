-- E-receipts: the customer's link to their sealed voucher. The link's token is random (256 bits) and only its
-- SHA-256 is stored; it expires. Each download is counted and audited.
CREATE TABLE receipts (
    id           bigserial PRIMARY KEY,
    token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    voucher_id   text NOT NULL REFERENCES vouchers (id),
    session_id   bigint REFERENCES counter_sessions (id),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL CHECK (expires_at > created_at),
    downloads    integer NOT NULL DEFAULT 0
);

REVOKE ALL ON receipts FROM PUBLIC;
GRANT SELECT, INSERT ON receipts TO countersign_app;
GRANT UPDATE (downloads) ON receipts TO countersign_app;
GRANT USAGE ON SEQUENCE receipts_id_seq TO countersign_app;
