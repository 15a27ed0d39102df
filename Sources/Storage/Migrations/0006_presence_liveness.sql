-- Presence that lapses: "online" means the officer's console is connected. Each instance records, every few
-- seconds, when it last saw each officer it holds a push connection for (seen_at); the timeout sweep sets an
-- officer who has not been seen for the configured time offline, with an audit event, and moves the requests
-- assigned to them to someone else. Without this, an officer who closed the browser while online kept being
-- assigned central requests, which then waited for the unclaimed timeout.
ALTER TABLE officer_presence ADD COLUMN seen_at timestamptz;
UPDATE officer_presence SET seen_at = updated_at;
ALTER TABLE officer_presence ALTER COLUMN seen_at SET NOT NULL;
CREATE INDEX officer_presence_seen ON officer_presence (seen_at) WHERE status <> 'offline';

GRANT UPDATE (seen_at) ON officer_presence TO countersign_app;
