-- Two things that grew with the audit trail and the feed instead of with the work at hand.
--
-- 1. Lapsed claims get a row of their own. The officer statistics counted them by reading every
--    `authz.lease_expired` audit event and parsing its payload, once per officer: a scan of the whole trail that
--    would only get slower. The row is written by the same statement that puts the request back in the pool, next
--    to its audit event; the audit trail stays the evidence, this table is the index the statistics read.
CREATE TABLE authz_lease_expiries (
    request_id text NOT NULL REFERENCES authz_requests (id),
    officer_id text NOT NULL REFERENCES users (id),
    claimed_at timestamptz NOT NULL,
    expired_at timestamptz NOT NULL,
    PRIMARY KEY (request_id, officer_id, claimed_at)
);

CREATE INDEX authz_lease_expiries_officer ON authz_lease_expiries (officer_id);

-- What the trail already holds (the claim time is not in the event; the lapse time stands in for it, which keeps
-- the key unique: one lapse per request per sweep).
INSERT INTO authz_lease_expiries (request_id, officer_id, claimed_at, expired_at)
SELECT substr(e.subject, 7), e.payload::jsonb ->> 'officer', e.at, e.at
FROM audit_events e
WHERE e.action = 'authz.lease_expired' AND e.subject LIKE 'authz:%'
ON CONFLICT DO NOTHING;

CREATE TRIGGER authz_lease_expiries_final BEFORE UPDATE OR DELETE ON authz_lease_expiries FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

REVOKE ALL ON authz_lease_expiries FROM PUBLIC;
GRANT SELECT, INSERT ON authz_lease_expiries TO countersign_app;

-- 2. The push feed is kept for a while, not for ever. It exists so that a client that reconnects, or an instance
--    whose listener dropped, catches up on what it missed; both consoles also re-read their state after every
--    (re)connect, so a row older than the retention is of use to nobody. The audit trail, not the feed, is the
--    record. Deletes announced rows older than the retention (by the database's clock, which stamped them), the
--    oldest first and at most `p_limit`, reading no further than that many rows (ids follow insertion time), so a
--    sweep that finds nothing to do costs one short index scan.
CREATE FUNCTION authz_feed_prune(p_retention_seconds integer, p_limit integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    v_before timestamptz := clock_timestamp() - p_retention_seconds * interval '1 second';
    v_count integer;
BEGIN
    DELETE FROM authz_feed WHERE id IN (
        SELECT o.id FROM (SELECT id, at, announced FROM authz_feed ORDER BY id LIMIT p_limit) o WHERE o.at < v_before AND o.announced);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END $$;

REVOKE ALL ON FUNCTION authz_feed_prune(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION authz_feed_prune(integer, integer) TO countersign_app;
