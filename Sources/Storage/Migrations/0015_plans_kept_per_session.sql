-- The request view is built for every change of a request (the push feed's snapshot) and every answer about one:
-- about ten times per authorization round trip. PL/pgSQL caches the plan of its one expression, but with the
-- default plan_cache_mode it judged a plan for the row's actual values cheaper than the generic one, every time,
-- and so planned the 34-argument `jsonb_build_object` on every call (pg_stat_statements with track_planning: as
-- many plans as calls). The generic plan is the same work without the planning: PostgreSQL's CPU per `bench authz`
-- round trip fell from ~11.4 to ~9.3–10.0 ms.
ALTER FUNCTION authz_request_view(authz_requests) SET plan_cache_mode = force_generic_plan;

-- The same cause, another form: a SQL-language function that cannot be inlined (this one reads a table) is
-- planned again on every call from PL/pgSQL — twice per round trip, from the claim and decision guards. As
-- PL/pgSQL its plan is kept for the session.
CREATE OR REPLACE FUNCTION authz_clock_ok(t timestamptz) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT injected_clock FROM authz_settings) OR abs(extract(epoch FROM t - clock_timestamp())) < 30;
END $$;
