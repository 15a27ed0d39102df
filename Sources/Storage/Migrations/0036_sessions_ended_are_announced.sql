-- A session that ends by sign-out, a password change or a deactivation (migration 0035) is announced at commit, so
-- every instance closes that user's open WebSockets at once instead of at its next heartbeat (issue #18, part 2).
-- The announcement names only the user; each instance checks its connections' sessions again itself.
CREATE FUNCTION sessions_announce_ended() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM pg_notify('countersign_sessions_ended', NEW.user_id);
    RETURN NULL;
END $$;

CREATE TRIGGER sessions_announce_ended AFTER UPDATE OF revoked_at ON sessions
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION sessions_announce_ended();
