-- advisor_sort_order: an ORDER BY that a default btree (ASC NULLS LAST) cannot return in either
-- scan direction — mixed directions, or NULLS placed against the direction's default — gets a
-- candidate declared as it sorts (DESC / NULLS FIRST / NULLS LAST per column), after the
-- table's equality columns. ORDER BY a DESC, b DESC needs no such index: a plain (a, b) read
-- backward serves it. Checked by what-if planning: the plan uses the index and its cost drops.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
\set scale 1
\i scripts/elearning.sql
RESET client_min_messages;
ALTER SYSTEM SET azora_opt.plan_min_ms = 0;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
CREATE FUNCTION pg_temp.plan_cost(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE j json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO j;
  RETURN (j -> 0 -> 'Plan' ->> 'Total Cost')::float8;
END $$;

-- The demo's course list (example API, GET /courses?page=50). Deep in the list (OFFSET 980 of
-- 1800 published rows) walking an index in order and visiting the heap per row costs about as
-- much as sorting a sequential scan; an index-only scan pays. That needs the visibility map,
-- which VACUUM (autovacuum, on a live table) sets.
VACUUM ANALYZE courses;
\set courses 'SELECT id, title, category, rating FROM courses WHERE published ORDER BY rating DESC NULLS LAST, id LIMIT 20 OFFSET 980'
SELECT azora_opt.reset() >= 0 AS reset;
\o /dev/null
:courses;
:courses;
:courses;
\o
SET client_min_messages = warning;
CREATE TABLE advice AS SELECT * FROM azora_opt.advise_indexes();
RESET client_min_messages;
SELECT ddl, columns, improvement >= 0.10 AS at_least_min_improvement FROM advice;
SELECT pg_temp.plan_cost(:'courses') AS cost_before \gset
SELECT count(*) AS defined FROM advice, azora_opt.hypo_create(replace(ddl, ' CONCURRENTLY', ''));
EXPLAIN (COSTS OFF) :courses;
SELECT pg_temp.plan_cost(:'courses') < :cost_before * 0.9 AS cost_drops;
SELECT azora_opt.hypo_reset();
DROP TABLE advice;

-- Equality columns first, then the ORDER BY's columns as it sorts them; the direction-only
-- ORDER BY (all DESC, NULLS FIRST by default) gets no declared index.
CREATE TABLE ord_t (id int PRIMARY KEY, grp int, a int, b int, pad text);
INSERT INTO ord_t SELECT g, g % 10, (g * 7919) % 1000, g % 97, repeat('p', 80)
FROM generate_series(1, 100000) g;
ANALYZE ord_t;
\set mixed 'SELECT id, a, b FROM ord_t WHERE grp = 3 ORDER BY a DESC, b LIMIT 10'
\set backward 'SELECT id FROM ord_t ORDER BY b DESC, a DESC LIMIT 10'
SELECT azora_opt.reset() >= 0 AS reset;
\o /dev/null
:mixed;
:mixed;
:backward;
:backward;
\o
SET client_min_messages = warning;
CREATE TABLE advice AS SELECT * FROM azora_opt.advise_indexes();
RESET client_min_messages;
SELECT ddl, columns FROM advice ORDER BY ddl;
SELECT pg_temp.plan_cost(:'mixed') AS cost_before \gset
SELECT count(*) AS defined FROM advice, azora_opt.hypo_create(replace(ddl, ' CONCURRENTLY', ''));
EXPLAIN (COSTS OFF) :mixed;
EXPLAIN (COSTS OFF) :backward;
SELECT pg_temp.plan_cost(:'mixed') < :cost_before * 0.9 AS cost_drops;
SELECT azora_opt.hypo_reset();
DROP TABLE advice, ord_t, transactions, wallets, enrollments, jobs, courses, users;
ALTER SYSTEM RESET azora_opt.plan_min_ms;
SELECT pg_reload_conf();
