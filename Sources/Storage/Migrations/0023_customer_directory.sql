-- The customer and account directory (issue #14): account type and customer risk decide who must authorize, so
-- they come from the bank's records, never from the teller. This table is the built-in stand-in for the core
-- system (behind the service's AccountDirectory interface): written by the owner role (`countersign directory
-- load`), read by the service. Account numbers and resident IDs are personal data: each entry is found by a keyed
-- digest of the number (HMAC under a key derived from the data key), never the number itself.

CREATE TABLE directory_entries (
    lookup        bytea PRIMARY KEY CHECK (octet_length(lookup) = 32),
    kind          text NOT NULL CHECK (kind IN ('account', 'customer')),
    -- An account's type; a customer (for an account being opened) has none yet.
    account_type  text CHECK ((kind = 'account') = (account_type IS NOT NULL) AND account_type ~ '^[a-z][a-z-]{1,40}$'),
    customer_risk text NOT NULL CHECK (customer_risk ~ '^[a-z][a-z-]{1,40}$'),
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

REVOKE ALL ON directory_entries FROM PUBLIC;
GRANT SELECT ON directory_entries TO countersign_app;
