-- tracking_basic: a known workload gives exact calls and rows per normalized statement, the
-- derived figures are consistent, and the GUCs select what is tracked.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
RESET client_min_messages;
SHOW azora_opt.track;
SHOW azora_opt.track_utility;
SHOW azora_opt.track_planning;
SHOW azora_opt.slow_threshold_ms;
SHOW azora_opt.max;
SHOW azora_opt.save;
SHOW compute_query_id;

-- Earlier test files left entries; reset removes them all (only its own call remains after it).
SELECT azora_opt.reset() > 0 AS removed_earlier_entries;
SELECT count(*) AS entries_after_reset FROM azora_opt.queries
WHERE query NOT LIKE 'SELECT azora_opt.reset()%';
-- Plans are captured from plan_min_ms (default: the slow threshold, 50 ms); 0 here so that
-- every slowest call is captured. A server-wide (SIGHUP) setting: ALTER SYSTEM, then reload.
ALTER SYSTEM SET azora_opt.plan_min_ms = 0;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
SHOW azora_opt.plan_min_ms;
CREATE TABLE basic_t (id int PRIMARY KEY, v text);
INSERT INTO basic_t SELECT g, 'v' || g FROM generate_series(1, 1000) g;

-- Same statement, different constants: one entry, three calls, one row each.
SELECT count(*) FROM basic_t WHERE id <= 10;
SELECT count(*) FROM basic_t WHERE id <= 500;
SELECT count(*) FROM basic_t WHERE id <= -1;
-- Lists, strings and negative numbers are normalized too.
SELECT v FROM basic_t WHERE id IN (1, 2, 3) AND v <> 'it''s' ORDER BY id;
SELECT v FROM basic_t WHERE id IN (4, 5, 6) AND v <> 'x' ORDER BY id;
SELECT id FROM basic_t WHERE id > -5 AND id < 3 ORDER BY id;
UPDATE basic_t SET v = 'w' WHERE id <= 7;
DELETE FROM basic_t WHERE id > 990;
-- A prepared statement counts under its own text; PREPARE/EXECUTE themselves are not counted.
PREPARE basic_p(int) AS SELECT v FROM basic_t WHERE id = $1;
EXECUTE basic_p(1);
EXECUTE basic_p(2);
EXECUTE basic_p(2000);
DEALLOCATE basic_p;

SELECT query, calls, rows, toplevel
FROM azora_opt.queries WHERE query LIKE '%basic\_t%' ORDER BY query COLLATE "C";

-- Derived figures agree with each other (no times are printed: they vary).
SELECT query,
       total_exec_time > 0 AS timed,
       min_exec_time <= mean_exec_time AND mean_exec_time <= max_exec_time AS mean_in_range,
       abs(total_exec_time - mean_exec_time * calls) <= 1e-9 * total_exec_time + 1e-9 AS mean_is_total_over_calls,
       -- a population standard deviation is at most half the range, and 0 only for one call
       stddev_exec_time <= (max_exec_time - min_exec_time) / 2 + 1e-9
         AND (calls > 1) = (stddev_exec_time > 0) AS stddev_ok,
       min_exec_time <= p50_exec_time AND p50_exec_time <= p95_exec_time
         AND p95_exec_time <= p99_exec_time AND p99_exec_time <= max_exec_time AS quantiles_ordered,
       shared_blks_hit + shared_blks_read > 0 AS used_buffers,
       first_seen <= last_seen AS seen_in_order,
       has_plan
FROM azora_opt.queries WHERE query LIKE '%basic\_t%' AND query NOT LIKE 'CREATE%'
ORDER BY query COLLATE "C";

-- slow_calls counts calls above azora_opt.slow_threshold_ms at the time of the call. One value
-- holds for the whole server (it decides shared counters): a session cannot change it.
SET azora_opt.slow_threshold_ms = 0;
ALTER SYSTEM SET azora_opt.slow_threshold_ms = 0;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
SHOW azora_opt.slow_threshold_ms;
SELECT sum(id) FROM basic_t WHERE id < 100;
SELECT sum(id) FROM basic_t WHERE id < 200;
ALTER SYSTEM SET azora_opt.slow_threshold_ms = 1000000;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
SHOW azora_opt.slow_threshold_ms;
SELECT sum(id) FROM basic_t WHERE id < 300;
SELECT sum(id) FROM basic_t WHERE id < 400;
SELECT sum(id) FROM basic_t WHERE id < 500;
ALTER SYSTEM RESET azora_opt.slow_threshold_ms;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
SELECT query, calls, slow_calls FROM azora_opt.queries WHERE query LIKE 'SELECT sum(id) FROM basic\_t%';

-- track = none: nothing is counted.
SET azora_opt.track = none;
SELECT count(*) FROM basic_t WHERE id <= 10;
RESET azora_opt.track;
SELECT calls FROM azora_opt.queries WHERE query = 'SELECT count(*) FROM basic_t WHERE id <= $1';

-- Nested statements: counted (toplevel = false) with track = all only.
CREATE FUNCTION basic_f(n int) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT count(*) FROM basic_t WHERE id <= n);
END $$;
SELECT basic_f(5);
SET azora_opt.track = 'all';  -- quoted: ALL is a keyword
SELECT basic_f(10);
SELECT basic_f(20);
RESET azora_opt.track;
SELECT query, calls, rows, toplevel FROM azora_opt.queries
WHERE query LIKE '%basic\_f%' OR query LIKE '%id <= n%' ORDER BY query COLLATE "C", toplevel;

-- Planning time and plans count with track_planning.
SET azora_opt.track_planning = on;
SELECT v FROM basic_t WHERE id = 42;
SELECT v FROM basic_t WHERE id = 43;
RESET azora_opt.track_planning;
SELECT v FROM basic_t WHERE id = 44;
SELECT query, calls, plans, total_plan_time > 0 AS plan_timed
FROM azora_opt.queries WHERE query = 'SELECT v FROM basic_t WHERE id = $1';

-- Utility statements: counted with their text; rows for CREATE TABLE AS; not with track_utility off.
CREATE TABLE basic_copy AS SELECT * FROM basic_t WHERE id <= 25;
ANALYZE basic_copy;
SET azora_opt.track_utility = off;
VACUUM basic_copy;
RESET azora_opt.track_utility;
SELECT query, calls, rows FROM azora_opt.queries
WHERE query LIKE '%basic\_copy%' ORDER BY query COLLATE "C";

-- reset(userid, dbid, queryid) removes only what matches.
SELECT queryid AS basic_qid FROM azora_opt.queries
WHERE query = 'SELECT v FROM basic_t WHERE id = $1' \gset
SELECT azora_opt.reset(NULL, NULL, :basic_qid) AS removed;
SELECT count(*) FROM azora_opt.queries WHERE queryid = :basic_qid;
SELECT azora_opt.reset(0::oid, NULL, NULL) AS removed_for_no_user;
SELECT azora_opt.reset(NULL, (SELECT oid FROM pg_database WHERE datname = current_database()), NULL) > 0 AS removed_this_db;
SELECT count(*) FROM azora_opt.queries WHERE query LIKE '%basic\_t%';

DROP FUNCTION basic_f(int);
DROP TABLE basic_t, basic_copy;

-- Rows of utilities that return or move rows (REFRESH, COPY, FETCH), and the optimizable
-- statements inside DECLARE and EXPLAIN ANALYZE, which track = all counts as nested.
CREATE TABLE basic_rows AS SELECT g AS id FROM generate_series(1, 30) g;
CREATE MATERIALIZED VIEW basic_mv AS SELECT id FROM basic_rows WHERE id <= 12 WITH NO DATA;
SET azora_opt.track = 'all';
REFRESH MATERIALIZED VIEW basic_mv;
COPY (SELECT id FROM basic_rows WHERE id <= 3) TO STDOUT;
COPY basic_rows FROM STDIN;
31
32
\.
BEGIN;
DECLARE basic_c CURSOR FOR SELECT id FROM basic_rows ORDER BY id;
FETCH 4 FROM basic_c;
FETCH 3 FROM basic_c;
CLOSE basic_c;
COMMIT;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT id FROM basic_rows WHERE id <= 5;
RESET azora_opt.track;
SELECT query, toplevel, calls, rows FROM azora_opt.queries
WHERE query ~ 'basic_(rows|mv|c)\M' AND query NOT LIKE 'CREATE%' AND query NOT LIKE 'SELECT query%'
ORDER BY query COLLATE "C", toplevel;

-- Statements that a function runs while the planner folds it (an immutable function with
-- constant arguments) are nested: not counted with track = top, counted as nested with all.
CREATE FUNCTION basic_fold(n int) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN (SELECT count(*) FROM basic_rows WHERE id <= n);
END $$;
SELECT id FROM basic_rows WHERE id = basic_fold(2);
SELECT query, toplevel, calls FROM azora_opt.queries WHERE query LIKE '%basic\_rows WHERE id <= n%';
SET azora_opt.track = 'all';
SELECT id FROM basic_rows WHERE id = basic_fold(3);
RESET azora_opt.track;
SELECT query, toplevel, calls FROM azora_opt.queries WHERE query LIKE '%basic\_rows WHERE id <= n%';
DROP FUNCTION basic_fold(int);
DROP MATERIALIZED VIEW basic_mv;
DROP TABLE basic_rows;
ALTER SYSTEM RESET azora_opt.plan_min_ms;
SELECT pg_reload_conf();
