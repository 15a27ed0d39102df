-- A NOTIFY payload must be shorter than 8,000 bytes; a request snapshot with long reasons and material names can be
-- longer, and pg_notify would then raise inside authz_announce: that row, and every row after it, would never be
-- announced (issue #13). A snapshot that does not fit is announced by its feed id alone, and the listener reads
-- that row from the feed table; the common case keeps the snapshot in the notification (no extra read).

CREATE OR REPLACE FUNCTION authz_announce() RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_count integer := 0;
    v_row record;
    v_payload text;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    FOR v_row IN
        UPDATE authz_feed f SET announced = true
        WHERE f.id IN (SELECT id FROM authz_feed WHERE NOT announced ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED)
        RETURNING f.id, f.request_id, f.snapshot
    LOOP
        v_payload := (v_row.snapshot || jsonb_build_object('feed_id', v_row.id))::text;
        IF octet_length(v_payload) > 7900 THEN
            v_payload := jsonb_build_object('feed_id', v_row.id, 'request_id', v_row.request_id, 'too_long', true)::text;
        END IF;
        PERFORM pg_notify('countersign_authz', v_payload);
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END $$;
