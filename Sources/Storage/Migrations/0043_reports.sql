-- Reports (issue #18, part 5): day, month, quarter and year figures per branch, teller and officer, by transaction
-- code and currency — counts, committed amounts, how many needed authorization, the decisions (approvals, returns,
-- rejects), timeouts — and the authorization latency as counts per bucket, from which percentiles are read. A year
-- of a big bank is millions of transactions: reports read these rolled-up rows (one index range per report), never
-- the transactions themselves. `report_roll(day)` computes a day from the records and the month, quarter and year
-- containing it from the rolled-up rows below them; it is idempotent (a day rolled again replaces its rows) and runs
-- one at a time. The figures are derived, but auditors rely on them: only the function writes them.

CREATE TABLE report_figures (
    period text NOT NULL CHECK (period IN ('day', 'month', 'quarter', 'year')),
    period_start date NOT NULL,
    dimension text NOT NULL CHECK (dimension IN ('branch', 'teller', 'officer')),
    -- The branch code, teller id or officer id; `branch_code` is the key's branch (a supervisor reads their own).
    key text NOT NULL,
    branch_code text NOT NULL,
    code text NOT NULL,
    currency text NOT NULL,
    -- Transactions submitted in the period (for an officer: decisions made in it), those committed and their
    -- amount, those that needed authorization.
    transactions integer NOT NULL,
    committed integer NOT NULL,
    amount_minor bigint NOT NULL,
    authorized integer NOT NULL,
    decisions integer NOT NULL,
    approvals integer NOT NULL,
    returns integer NOT NULL,
    rejects integer NOT NULL,
    -- Requests that expired unanswered (for an officer: leases that ran out in their hands).
    timeouts integer NOT NULL,
    PRIMARY KEY (period, period_start, dimension, key, code, currency)
);

-- Authorization latency (branch, teller: from the request to its decision; officer: from the claim to the decision)
-- as counts per bucket; bucket b holds latencies below report_latency_bounds()[b] (the last one, the rest).
CREATE TABLE report_latency (
    period text NOT NULL,
    period_start date NOT NULL,
    dimension text NOT NULL,
    key text NOT NULL,
    branch_code text NOT NULL,
    bucket smallint NOT NULL CHECK (bucket BETWEEN 1 AND 21),
    n integer NOT NULL,
    PRIMARY KEY (period, period_start, dimension, key, bucket)
);

-- When each day was last rolled (the reports say how fresh they are).
CREATE TABLE report_rolls (
    day date PRIMARY KEY,
    rolled_at timestamptz NOT NULL
);

CREATE FUNCTION report_latency_bounds() RETURNS bigint[] LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT ARRAY[1000, 2000, 3000, 5000, 8000, 13000, 20000, 30000, 45000, 60000, 90000, 120000, 180000, 300000, 450000,
                 600000, 900000, 1200000, 1800000, 3600000]::bigint[]
$$;

CREATE FUNCTION report_bucket(p_ms bigint) RETURNS smallint LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT (width_bucket(greatest(p_ms, 0), report_latency_bounds()) + 1)::smallint
$$;

CREATE FUNCTION report_roll(p_day date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    -- Beijing has no daylight saving: its day starts at 16:00 UTC the day before.
    v_start timestamptz := (p_day::timestamp - interval '8 hours') AT TIME ZONE 'UTC';
    v_end timestamptz := v_start + interval '1 day';
    v_kind text;
    v_below text;
    v_from date;
    v_to date;
BEGIN
    -- One roll at a time, whichever instance or command starts it.
    PERFORM pg_advisory_xact_lock(hashtext('countersign report_roll'));
    DELETE FROM report_figures WHERE period = 'day' AND period_start = p_day;
    DELETE FROM report_latency WHERE period = 'day' AND period_start = p_day;

    INSERT INTO report_figures
    SELECT 'day', p_day, CASE WHEN grouping(teller_id) = 1 THEN 'branch' ELSE 'teller' END,
           CASE WHEN grouping(teller_id) = 1 THEN branch_code ELSE teller_id END, branch_code, code, currency,
           sum(transactions), sum(committed), sum(amount), sum(authorized), sum(decisions), sum(approvals), sum(returns), sum(rejects),
           sum(timeouts)
    FROM (
        SELECT t.branch_code, t.teller_id, t.code, t.currency, 1 AS transactions, (t.state = 'committed')::int AS committed,
               CASE WHEN t.state = 'committed' THEN t.amount_minor ELSE 0 END AS amount, (t.requirement IS NOT NULL)::int AS authorized,
               0 AS decisions, 0 AS approvals, 0 AS returns, 0 AS rejects, 0 AS timeouts
        FROM teller_transactions t WHERE t.submitted_at >= v_start AND t.submitted_at < v_end
        UNION ALL
        SELECT r.branch_code, r.teller_id, r.code, r.currency, 0, 0, 0, 0, 1, (d.decision = 'approve')::int, (d.decision = 'return')::int,
               (d.decision = 'reject')::int, 0
        FROM authz_decisions d JOIN authz_requests r ON r.id = d.request_id WHERE d.decided_at >= v_start AND d.decided_at < v_end
        UNION ALL
        SELECT r.branch_code, r.teller_id, r.code, r.currency, 0, 0, 0, 0, 0, 0, 0, 0, 1
        FROM authz_requests r WHERE r.state = 'expired' AND r.created_at >= v_start AND r.created_at < v_end
    ) f
    GROUP BY GROUPING SETS ((branch_code, code, currency), (branch_code, teller_id, code, currency));

    INSERT INTO report_figures
    SELECT 'day', p_day, 'officer', officer_id, u.branch_code, code, currency, sum(transactions), sum(committed), sum(amount),
           sum(transactions), sum(transactions), sum(approvals), sum(returns), sum(rejects), sum(timeouts)
    FROM (
        SELECT d.officer_id, r.code, r.currency, 1 AS transactions, (r.state = 'committed')::int AS committed,
               CASE WHEN r.state = 'committed' AND d.decision = 'approve' THEN r.amount_minor ELSE 0 END AS amount,
               (d.decision = 'approve')::int AS approvals, (d.decision = 'return')::int AS returns, (d.decision = 'reject')::int AS rejects,
               0 AS timeouts
        FROM authz_decisions d JOIN authz_requests r ON r.id = d.request_id WHERE d.decided_at >= v_start AND d.decided_at < v_end
        UNION ALL
        SELECT e.officer_id, r.code, r.currency, 0, 0, 0, 0, 0, 0, 1
        FROM authz_lease_expiries e JOIN authz_requests r ON r.id = e.request_id WHERE e.expired_at >= v_start AND e.expired_at < v_end
    ) f JOIN users u ON u.id = f.officer_id
    GROUP BY officer_id, u.branch_code, code, currency;

    INSERT INTO report_latency
    SELECT 'day', p_day, CASE WHEN grouping(teller_id) = 1 THEN 'branch' ELSE 'teller' END,
           CASE WHEN grouping(teller_id) = 1 THEN branch_code ELSE teller_id END, branch_code, bucket, count(*)
    FROM (SELECT r.branch_code, r.teller_id, report_bucket((ts_to_us(r.decided_at) - ts_to_us(r.created_at)) / 1000) AS bucket
          FROM authz_requests r WHERE r.decided_at >= v_start AND r.decided_at < v_end) x
    GROUP BY GROUPING SETS ((branch_code, bucket), (branch_code, teller_id, bucket));

    INSERT INTO report_latency
    SELECT 'day', p_day, 'officer', officer_id, branch_code, bucket, count(*)
    FROM (SELECT d.officer_id, u.branch_code, report_bucket((ts_to_us(d.decided_at) - ts_to_us(d.claimed_at)) / 1000) AS bucket
          FROM authz_decisions d JOIN users u ON u.id = d.officer_id WHERE d.decided_at >= v_start AND d.decided_at < v_end) x
    GROUP BY officer_id, branch_code, bucket;

    -- The month from its days, the quarter from its months, the year from its quarters.
    FOREACH v_kind IN ARRAY ARRAY['month', 'quarter', 'year'] LOOP
        v_below := CASE v_kind WHEN 'month' THEN 'day' WHEN 'quarter' THEN 'month' ELSE 'quarter' END;
        v_from := date_trunc(v_kind, p_day)::date;
        v_to := (v_from + CASE v_kind WHEN 'month' THEN interval '1 month' WHEN 'quarter' THEN interval '3 months'
                                      ELSE interval '1 year' END)::date;
        DELETE FROM report_figures WHERE period = v_kind AND period_start = v_from;
        DELETE FROM report_latency WHERE period = v_kind AND period_start = v_from;
        INSERT INTO report_figures
        SELECT v_kind, v_from, dimension, key, branch_code, code, currency, sum(transactions), sum(committed), sum(amount_minor),
               sum(authorized), sum(decisions), sum(approvals), sum(returns), sum(rejects), sum(timeouts)
        FROM report_figures WHERE period = v_below AND period_start >= v_from AND period_start < v_to
        GROUP BY dimension, key, branch_code, code, currency;
        INSERT INTO report_latency
        SELECT v_kind, v_from, dimension, key, branch_code, bucket, sum(n)
        FROM report_latency WHERE period = v_below AND period_start >= v_from AND period_start < v_to
        GROUP BY dimension, key, branch_code, bucket;
    END LOOP;
    INSERT INTO report_rolls VALUES (p_day, clock_timestamp()) ON CONFLICT (day) DO UPDATE SET rolled_at = excluded.rolled_at;
END $$;

CREATE INDEX authz_requests_decided ON authz_requests (decided_at) WHERE decided_at IS NOT NULL;
CREATE INDEX authz_decisions_decided ON authz_decisions (decided_at);
CREATE INDEX authz_requests_expired ON authz_requests (created_at) WHERE state = 'expired';
CREATE INDEX authz_lease_expiries_expired ON authz_lease_expiries (expired_at);

REVOKE ALL ON report_figures, report_latency, report_rolls FROM PUBLIC;
GRANT SELECT ON report_figures, report_latency, report_rolls TO countersign_app;
REVOKE ALL ON FUNCTION report_roll(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_roll(date) TO countersign_app;
