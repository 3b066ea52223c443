-- tracking_robustness: errors mid-execution, nested calls, parallel workers, huge and
-- multibyte texts: no crash, the nesting depth survives errors, counts stay exact.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
RESET client_min_messages;
SHOW azora_opt.max_text_bytes;
SHOW azora_opt.max_plan_bytes;
SELECT azora_opt.reset() > 0 AS removed_earlier_entries;
ALTER SYSTEM SET azora_opt.plan_min_ms = 0;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
CREATE TABLE rob_t (id int PRIMARY KEY, v int);
INSERT INTO rob_t SELECT g, g FROM generate_series(1, 100) g;

-- A statement that fails half-way is not counted (it never finishes); the next ones are, at
-- top level: the executor depth was restored by the error.
SELECT id, 1 / (v - 50) FROM rob_t ORDER BY id;
SELECT id, 1 / (v - 500) FROM rob_t WHERE id <= 2 ORDER BY id;
BEGIN;
SELECT id, 1 / (v - 50) FROM rob_t ORDER BY id;
ROLLBACK;
SELECT query, calls, rows, toplevel FROM azora_opt.queries
WHERE query LIKE 'SELECT id, $1 / (v - $2)%' ORDER BY query COLLATE "C";

-- Nested functions three levels deep, one of them failing and caught: with track = all every
-- finished statement is counted once at its level; the failed one is not.
CREATE FUNCTION rob_inner(n int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT v FROM rob_t WHERE id = n) / (n - 3);
END $$;
CREATE FUNCTION rob_middle(n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE r int;
BEGIN
  BEGIN
    SELECT rob_inner(n) INTO r;  -- through the executor (a bare r := ... may skip it)
  EXCEPTION WHEN division_by_zero THEN
    r := -1;
  END;
  RETURN r;
END $$;
CREATE FUNCTION rob_outer(k int) RETURNS bigint LANGUAGE sql AS $$
  SELECT sum(rob_middle(g)) FROM generate_series(1, k) g
$$;
SET azora_opt.track = 'all';
SELECT rob_outer(5);
RESET azora_opt.track;
SELECT rob_outer(5);
SELECT query, calls, rows, toplevel FROM azora_opt.queries
WHERE query LIKE '%rob\_%' AND query NOT LIKE 'CREATE%' AND query NOT LIKE 'INSERT%'
  AND query NOT LIKE '%1 / (v%'
ORDER BY query COLLATE "C", toplevel;

-- A utility statement inside a function that fails once is counted again when it next
-- succeeds (its cached plan keeps its query id).
CREATE FUNCTION rob_util() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMP TABLE rob_tmp (x int);
END $$;
SET azora_opt.track = 'all';
SELECT rob_util();
SELECT rob_util();
DROP TABLE rob_tmp;
SELECT rob_util();
RESET azora_opt.track;
DROP TABLE rob_tmp;
SELECT query, calls, toplevel FROM azora_opt.queries
WHERE query LIKE 'CREATE TEMP TABLE rob\_tmp%' OR query LIKE 'SELECT rob\_util()'
ORDER BY query COLLATE "C";

-- Parallel query: the leader counts one call; workers add nothing of their own.
CREATE TABLE rob_big AS SELECT g AS id, g % 10 AS k FROM generate_series(1, 20000) g;
ANALYZE rob_big;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SELECT count(*) FROM rob_big WHERE k = 3;
SELECT count(*) FROM rob_big WHERE k = 4;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SELECT query, calls, rows, shared_blks_hit + shared_blks_read > 0 AS buffers_counted
FROM azora_opt.queries WHERE query LIKE 'SELECT count(*) FROM rob\_big%';
SELECT p.plan LIKE '%Gather%' AS parallel_plan_captured
FROM azora_opt.queries q, azora_opt.query_plan(q.queryid) p
WHERE q.query LIKE 'SELECT count(*) FROM rob\_big%';

-- A 1 MB statement: its text is truncated with a marker, never failing the query.
SELECT 'SELECT count(*) FROM rob_t WHERE v IN (' || string_agg(g::text, ',') || ')' AS rob_big_q
FROM generate_series(1, 170000) g \gset
SELECT octet_length(:'rob_big_q') > 1000000 AS one_megabyte;
\set ECHO none
:rob_big_q;
\set ECHO all
SELECT calls, rows, octet_length(query) <= (SELECT setting::int FROM pg_settings WHERE name = 'azora_opt.max_text_bytes') AS fits,
       query LIKE 'SELECT count(*) FROM rob\_t WHERE v IN ($1,$2,$3,%' AS normalized,
       query LIKE '%...[truncated]' AS marked
FROM azora_opt.queries WHERE query LIKE 'SELECT count(*) FROM rob\_t WHERE v IN%';
SELECT octet_length(p.source_text) <= (SELECT setting::int FROM pg_settings WHERE name = 'azora_opt.max_plan_bytes') AS source_fits,
       p.source_text LIKE 'SELECT count(*) FROM rob\_t WHERE v IN (1,2,3,%...[truncated]' AS source_marked,
       octet_length(p.source_text) + octet_length(p.plan) < (SELECT setting::int FROM pg_settings WHERE name = 'azora_opt.max_plan_bytes') AS plan_fits
FROM azora_opt.queries q, azora_opt.query_plan(q.queryid) p
WHERE q.query LIKE 'SELECT count(*) FROM rob\_t WHERE v IN%';
-- A 1 MB utility statement (texts of utilities are kept as sent).
SELECT 'DO $d$BEGIN PERFORM 1; END$d$ /* rob_do ' || repeat('x', 1000000) || ' */' AS rob_big_do \gset
\set ECHO none
:rob_big_do;
\set ECHO all
SELECT calls, octet_length(query) <= (SELECT setting::int FROM pg_settings WHERE name = 'azora_opt.max_text_bytes') AS fits,
       query LIKE 'DO $d$BEGIN PERFORM 1; END$d$ /* rob\_do xxx%...[truncated]' AS marked
FROM azora_opt.queries WHERE query LIKE 'DO $d$BEGIN PERFORM 1; END$d$ /* rob\_do%';

-- Truncation never splits a multibyte character.
SELECT 'SELECT 1 AS rob_utf8 /* ' || repeat('é€', 2000) || ' */' AS rob_utf8_q \gset
\set ECHO none
:rob_utf8_q;
\set ECHO all
SELECT convert_from(convert_to(query, 'UTF8'), 'UTF8') LIKE 'SELECT $1 AS rob_utf8 /* é€é€%...[truncated]' AS valid_and_marked,
       octet_length(query) <= (SELECT setting::int FROM pg_settings WHERE name = 'azora_opt.max_text_bytes') AS fits
FROM azora_opt.queries WHERE query LIKE 'SELECT $1 AS rob\_utf8%';

-- Statements of one multi-statement string are counted separately, each with its own text.
SELECT count(*) AS rob_m1 FROM rob_t \; SELECT 'a' || 'b' AS rob_m2 \; UPDATE rob_t SET v = v WHERE id < 0;
SELECT query, calls FROM azora_opt.queries
WHERE query LIKE '% AS rob\_m_%' OR query LIKE 'UPDATE rob\_t%' ORDER BY query COLLATE "C";

-- Cancelled statements are not counted either, and leave nothing locked.
SET statement_timeout = '50ms';
SELECT count(*) FROM rob_t, pg_sleep(5);
RESET statement_timeout;
SELECT count(*) AS cancelled_counted FROM azora_opt.queries
WHERE query = 'SELECT count(*) FROM rob_t, pg_sleep($1)' AND calls > 0;
-- Nothing stays locked: the next statement is counted as usual.
SELECT max(id) AS rob_after_cancel FROM rob_t;
SELECT calls AS counted_after_cancel FROM azora_opt.queries
WHERE query = 'SELECT max(id) AS rob_after_cancel FROM rob_t';

DROP FUNCTION rob_outer(int);
DROP FUNCTION rob_middle(int);
DROP FUNCTION rob_inner(int);
DROP FUNCTION rob_util();
DROP TABLE rob_t, rob_big;
ALTER SYSTEM RESET azora_opt.plan_min_ms;
SELECT pg_reload_conf();
