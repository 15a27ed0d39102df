-- Auditors search the audit trail across its chains (issue #18, part 4): by time, actor, action, branch or subject,
-- newest first, a page at a time (keyset on (at, id)). The subject index exists (0001); these serve the time range
-- alone (and a branch within it) and an actor's or an action's events over any range. Each append pays for three
-- more index entries; measured with `bench audit` (docs/benchmarks.md). On a bank's year of events, build them
-- CONCURRENTLY by hand before migrating (docs/architecture/supervision.md).
CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (at, id);
CREATE INDEX IF NOT EXISTS audit_events_actor_at ON audit_events (actor, at, id);
CREATE INDEX IF NOT EXISTS audit_events_action_at ON audit_events (action, at, id);
