-- The time conversions, declared so that PostgreSQL can inline them into the queries that call them instead of
-- running each call as a statement of its own (pg_stat_statements under `bench authz` counted 35 such statements
-- per round trip, from the request view alone).
--
-- A SQL function is inlined only when its body is no more volatile than it is declared. `timestamptz + interval`
-- and `extract(… FROM timestamptz)` are STABLE (they may depend on the time zone setting), so these two, declared
-- IMMUTABLE, never were. Declared STABLE, they are; the values are the same.
CREATE OR REPLACE FUNCTION us_to_ts(bigint) RETURNS timestamptz LANGUAGE sql STABLE AS $$ SELECT timestamptz 'epoch' + $1 * interval '1 microsecond' $$;
CREATE OR REPLACE FUNCTION ts_to_us(timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT (extract(epoch FROM $1) * 1000000)::bigint $$;
