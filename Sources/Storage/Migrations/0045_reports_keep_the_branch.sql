-- On review of 0043: a teller or officer who moves to another branch has rows under both branches in a period, which
-- the keys did not allow — one transfer made every later roll of that year fail. The branch is part of the keys now.
-- A request's outcome counts once for its branch and teller (two officers' approvals are one approved request), and
-- only decided requests count towards the latency (an expired wait or a withdrawal also sets decided_at).
ALTER TABLE report_figures DROP CONSTRAINT report_figures_pkey;
ALTER TABLE report_figures ADD PRIMARY KEY (period, period_start, dimension, key, branch_code, code, currency);
ALTER TABLE report_latency DROP CONSTRAINT report_latency_pkey;
ALTER TABLE report_latency ADD PRIMARY KEY (period, period_start, dimension, key, branch_code, bucket);

CREATE OR REPLACE FUNCTION report_roll(p_day date) RETURNS void
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
        -- A request's outcome, once (two officers' approvals are one approved request).
        SELECT r.branch_code, r.teller_id, r.code, r.currency, 0, 0, 0, 0, 1, (r.state IN ('approved', 'committed'))::int,
               (r.state = 'returned')::int, (r.state = 'rejected')::int, 0
        FROM authz_requests r
        WHERE r.decided_at >= v_start AND r.decided_at < v_end AND r.state IN ('approved', 'committed', 'returned', 'rejected')
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
          FROM authz_requests r
          WHERE r.decided_at >= v_start AND r.decided_at < v_end AND r.state IN ('approved', 'committed', 'returned', 'rejected')) x
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

REVOKE ALL ON FUNCTION report_roll(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_roll(date) TO countersign_app;
