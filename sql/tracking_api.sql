-- tracking_api: top_queries(), query_plan(), info() and metrics() on a known workload.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
RESET client_min_messages;
SELECT clock_timestamp() AS api_before_reset \gset
SELECT azora_opt.reset() > 0 AS removed_earlier_entries;
-- Left after a full reset: the reset call, and this statement (created at parse time because it
-- has a constant). dealloc is cleared and stats_reset is the time of the reset.
SELECT entries, max, dealloc, stats_reset BETWEEN :'api_before_reset' AND now() AS reset_time_set,
       plan_captures >= 0 AS has_capture_counters
FROM azora_opt.info() WHERE 1 = 1;
-- Every call is slow (threshold 0) and every slowest call's plan is captured (plan_min_ms 0):
-- slow_calls then differs between statements, so sorting by it is a real check.
ALTER SYSTEM SET azora_opt.slow_threshold_ms = 0;
ALTER SYSTEM SET azora_opt.plan_min_ms = 0;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);

CREATE TABLE api_t (id int PRIMARY KEY, v int);
INSERT INTO api_t SELECT g, g % 7 FROM generate_series(1, 100) g;
SELECT v FROM api_t WHERE id = 1;
SELECT v FROM api_t WHERE id = 2;
SELECT v FROM api_t WHERE id = 3;
SELECT v FROM api_t WHERE id = 4;
SELECT v FROM api_t WHERE id = 5;
SELECT sum(v) FROM api_t;
SELECT sum(v) FROM api_t;

-- top_queries by calls: the five-call statement, then the two-call one.
SELECT query, calls, rows FROM azora_opt.top_queries(2, 'calls');
-- Every order_by is accepted and the result is sorted by it.
CREATE FUNCTION api_sorted(o text) RETURNS boolean LANGUAGE sql AS $$
  SELECT coalesce(bool_and(prev >= cur), true) FROM (
    SELECT lag(k) OVER (ORDER BY ord) AS prev, k AS cur FROM (
      SELECT CASE o WHEN 'total_time' THEN total_exec_time WHEN 'mean_time' THEN mean_exec_time
                    WHEN 'p95' THEN p95_exec_time WHEN 'p99' THEN p99_exec_time
                    WHEN 'calls' THEN calls WHEN 'slow_calls' THEN slow_calls END AS k, ord
      FROM azora_opt.top_queries(1000, o) WITH ORDINALITY AS t(userid, dbid, toplevel, queryid,
        query, calls, rows, total_exec_time, min_exec_time, max_exec_time, mean_exec_time,
        stddev_exec_time, p50_exec_time, p95_exec_time, p99_exec_time, slow_calls, plans,
        total_plan_time, shared_blks_hit, shared_blks_read, shared_blks_dirtied,
        shared_blks_written, local_blks_hit, local_blks_read, local_blks_dirtied,
        local_blks_written, temp_blks_read, temp_blks_written, first_seen, last_seen, has_plan,
        ord)) s) u WHERE prev IS NOT NULL $$;
-- And its first three are those of the same order computed directly on the view.
CREATE FUNCTION api_top3(o text) RETURNS bigint[] LANGUAGE sql AS $$
  SELECT array_agg(queryid ORDER BY rn) FROM (
    SELECT queryid, row_number() OVER (ORDER BY
      CASE o WHEN 'total_time' THEN total_exec_time WHEN 'mean_time' THEN mean_exec_time
             WHEN 'p95' THEN p95_exec_time WHEN 'p99' THEN p99_exec_time
             WHEN 'calls' THEN calls WHEN 'slow_calls' THEN slow_calls END DESC NULLS LAST,
      queryid, userid, dbid, toplevel) AS rn
    FROM azora_opt.queries) q WHERE rn <= 3 $$;
SELECT o AS order_by, api_sorted(o) AS sorted,
       (SELECT array_agg(queryid) FROM azora_opt.top_queries(3, o)) = api_top3(o) AS top3_match,
       (SELECT count(DISTINCT slow_calls) > 1 FROM azora_opt.queries) AS slow_calls_differ
FROM unnest(ARRAY['total_time', 'mean_time', 'p95', 'p99', 'calls', 'slow_calls']) o;
SELECT count(*) = (SELECT count(*) FROM azora_opt.queries) AS null_n_means_all
FROM azora_opt.top_queries(NULL, 'calls');

-- Anything else: SQLSTATE 22023 and a hint listing the values.
CREATE FUNCTION api_error(o text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; hnt text;
BEGIN
  PERFORM azora_opt.top_queries(5, o);
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hnt = PG_EXCEPTION_HINT;
  RETURN st || ': ' || msg || ' | hint: ' || hnt;
END $$;
SELECT api_error('bogus');
SELECT api_error('P95');
SELECT api_error(NULL);

-- query_plan: the captured plan is the slowest call's, with that call's own text.
SELECT queryid AS api_qid FROM azora_opt.queries WHERE query = 'SELECT v FROM api_t WHERE id = $1' \gset
SELECT p.toplevel, p.exec_time = q.max_exec_time AS is_slowest_call,
       p.source_text ~ '^SELECT v FROM api_t WHERE id = [1-5]$' AS source_is_a_real_call,
       p.plan LIKE '%api_t%' AS plan_names_table, p.plan LIKE '%cost=%' AS plan_has_costs,
       p.plan NOT LIKE '%actual%' AS not_analyzed,
       p.captured_at BETWEEN q.first_seen AND q.last_seen AS captured_in_range
FROM azora_opt.query_plan(:api_qid) p JOIN azora_opt.queries q ON q.queryid = :api_qid;
SELECT count(*) AS unknown_queryid_rows FROM azora_opt.query_plan(12345);
-- capture_plans = off: no plan is kept.
SET azora_opt.capture_plans = off;
SELECT v + 1 FROM api_t WHERE id = 9;
RESET azora_opt.capture_plans;
SELECT has_plan FROM azora_opt.queries WHERE query = 'SELECT v + $1 FROM api_t WHERE id = $2';
-- Only calls at or over plan_min_ms pay for a capture: a fast new statement gets no plan.
ALTER SYSTEM SET azora_opt.plan_min_ms = 100000;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
SELECT v * 2 FROM api_t WHERE id = 3;
SELECT has_plan FROM azora_opt.queries WHERE query = 'SELECT v * $1 FROM api_t WHERE id = $2';
ALTER SYSTEM SET azora_opt.plan_min_ms = 0;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
-- A capture that fails (forced here) is rolled back, logged and counted: the statement itself
-- succeeds, commits in autocommit, and a transaction block goes on.
SELECT plan_capture_failures AS api_failures_before FROM azora_opt.info() \gset
SET azora_opt.debug_plan_capture_error = on;
INSERT INTO api_t VALUES (1000, 1) RETURNING id;
BEGIN;
SELECT v FROM api_t WHERE id = 77 AND v >= 0;
SELECT count(*) AS still_in_transaction FROM api_t WHERE id = 1000;
COMMIT;
RESET azora_opt.debug_plan_capture_error;
SELECT count(*) AS inserted_and_committed FROM api_t WHERE id = 1000;
SELECT plan_capture_failures - :api_failures_before AS new_failures FROM azora_opt.info();
SELECT query, has_plan FROM azora_opt.queries
WHERE query LIKE 'INSERT INTO api\_t VALUES%' OR query LIKE '%id = $1 AND v >= $2'
ORDER BY query COLLATE "C";
-- Utilities have no plan.
SELECT has_plan FROM azora_opt.queries WHERE query LIKE 'CREATE TABLE api\_t%';

-- info(): entries, capacity, evictions, last full reset.
SELECT stats_reset AS api_before FROM azora_opt.info() \gset
SELECT entries = (SELECT count(*) FROM azora_opt.queries) AS entries_counted, max, dealloc
FROM azora_opt.info();
SELECT azora_opt.reset(NULL, NULL, :api_qid) AS removed;
SELECT stats_reset = :'api_before' AS partial_reset_keeps_time FROM azora_opt.info();
SELECT azora_opt.reset() > 0 AS removed_some;
-- Left: the reset call itself (counted after it ran) and this statement (created when parsed,
-- as it has constants).
SELECT stats_reset > :'api_before' AS full_reset_sets_time, entries = 2 AS emptied FROM azora_opt.info();

-- metrics(): Prometheus text with a histogram per top-N queryid.
SELECT v FROM api_t WHERE id = 1;
SELECT v FROM api_t WHERE id = 2;
SELECT v FROM api_t WHERE id = 3;
SET azora_opt.metrics_top_n = 1;
CREATE TEMP TABLE api_m AS SELECT azora_opt.metrics() AS m;
RESET azora_opt.metrics_top_n;
SELECT line FROM regexp_split_to_table((SELECT m FROM api_m), E'\n') AS line
WHERE line LIKE '# TYPE%';
-- One queryid only (top 1 by total time), with 14 bounds plus +Inf.
SELECT count(DISTINCT (regexp_match(line, 'queryid="(-?\d+)"'))[1]) AS queryids,
       count(*) FILTER (WHERE line LIKE 'azora_db_query_duration_seconds_bucket%') AS buckets
FROM regexp_split_to_table((SELECT m FROM api_m), E'\n') AS line;
-- Bucket counts are cumulative and end at _count; totals agree with the view.
WITH lines AS (
  SELECT (regexp_match(line, 'le="([^"]+)"'))[1] AS le,
         (regexp_match(line, ' (\d+)$'))[1]::bigint AS n, ord
  FROM regexp_split_to_table((SELECT m FROM api_m), E'\n') WITH ORDINALITY AS t(line, ord)
  WHERE line LIKE 'azora_db_query_duration_seconds_bucket%')
SELECT bool_and(n >= prev) AS cumulative,
       (SELECT n FROM lines WHERE le = '+Inf') =
       (regexp_match((SELECT m FROM api_m), 'azora_db_query_duration_seconds_count\{[^}]*\} (\d+)'))[1]::bigint
         AS inf_is_count
FROM (SELECT n, lag(n, 1, 0::bigint) OVER (ORDER BY ord) AS prev FROM lines) s;
SELECT (regexp_match(m, 'azora_db_query_calls_total (\d+)'))[1]::bigint =
         (SELECT sum(calls) FROM azora_opt.queries) AS calls_total_matches,
       (regexp_match(m, 'azora_opt_tracked_statements_max (\d+)'))[1] AS capacity,
       (regexp_match(m, 'azora_opt_deallocations_total (\d+)'))[1] AS deallocations
FROM azora_opt.metrics() AS m;

DROP FUNCTION api_sorted(text);
DROP FUNCTION api_top3(text);
ALTER SYSTEM RESET azora_opt.slow_threshold_ms;
ALTER SYSTEM RESET azora_opt.plan_min_ms;
SELECT pg_reload_conf();
DROP FUNCTION api_error(text);
DROP TABLE api_t;
