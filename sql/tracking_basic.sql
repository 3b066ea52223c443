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

SELECT azora_opt.reset() >= 0 AS reset_done;
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
       stddev_exec_time >= 0 AS stddev_ok,
       min_exec_time <= p50_exec_time AND p50_exec_time <= p95_exec_time
         AND p95_exec_time <= p99_exec_time AND p99_exec_time <= max_exec_time AS quantiles_ordered,
       shared_blks_hit + shared_blks_read > 0 AS used_buffers,
       first_seen <= last_seen AS seen_in_order,
       has_plan
FROM azora_opt.queries WHERE query LIKE '%basic\_t%' AND query NOT LIKE 'CREATE%'
ORDER BY query COLLATE "C";

-- slow_calls counts calls above azora_opt.slow_threshold_ms at the time of the call.
SET azora_opt.slow_threshold_ms = 0;
SELECT sum(id) FROM basic_t WHERE id < 100;
SELECT sum(id) FROM basic_t WHERE id < 200;
SET azora_opt.slow_threshold_ms = 1000000;
SELECT sum(id) FROM basic_t WHERE id < 300;
SELECT sum(id) FROM basic_t WHERE id < 400;
SELECT sum(id) FROM basic_t WHERE id < 500;
RESET azora_opt.slow_threshold_ms;
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
