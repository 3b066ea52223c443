-- advisor_partitioned: a tracked query on a partitioned table gets advice on the parent.
-- CREATE INDEX on a partitioned table builds the index on every partition, so what-if
-- planning puts the hypothetical index on each partition the planner reads (its columns matched
-- by name: part_t2's are numbered differently), sized from that partition's statistics, and the
-- index's size is the sum over the partitions. PostgreSQL 15 refuses CREATE INDEX CONCURRENTLY
-- on a partitioned table, so the advised DDL is a plain CREATE INDEX (docs/extension/advisor.md).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
RESET client_min_messages;
CREATE TABLE part_t (k int, v int, pad text) PARTITION BY RANGE (k);
CREATE TABLE part_t1 PARTITION OF part_t FOR VALUES FROM (0) TO (50000);
CREATE TABLE part_t2 (pad text, v int, k int);
ALTER TABLE part_t ATTACH PARTITION part_t2 FOR VALUES FROM (50000) TO (100000);
INSERT INTO part_t SELECT g, g % 5000, repeat('p', 60) FROM generate_series(0, 99999) g;
ANALYZE part_t;
CREATE FUNCTION pg_temp.plan_cost(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE j json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO j;
  RETURN (j -> 0 -> 'Plan' ->> 'Total Cost')::float8;
END $$;
SELECT azora_opt.reset() >= 0 AS reset;
\o /dev/null
SELECT k FROM part_t WHERE v = 17;
SELECT k FROM part_t WHERE v = 18;
\o
SET client_min_messages = warning;
CREATE TABLE advice AS SELECT * FROM azora_opt.advise_indexes();
RESET client_min_messages;
SELECT ddl, relation, columns, improvement >= 0.10 AS at_least_min_improvement FROM advice;

-- What-if planning puts it on both partitions, by the parent's index name.
SELECT count(*) AS defined FROM advice, azora_opt.hypo_create(ddl);
EXPLAIN (COSTS OFF) SELECT k FROM part_t WHERE v = 17;
-- A query on one partition (pruned) uses it there.
EXPLAIN (COSTS OFF) SELECT k FROM part_t WHERE v = 17 AND k >= 60000;
SELECT pg_temp.plan_cost('SELECT k FROM part_t WHERE v = 17') AS hypo_cost \gset
SELECT azora_opt.hypo_reset();
-- A partial hypothetical index on a partitioned table is refused (predicates are not mapped).
SELECT * FROM azora_opt.hypo_create('CREATE INDEX ON part_t (v) WHERE k < 10');

-- The advised DDL as given runs; CONCURRENTLY would not on the parent.
CREATE INDEX CONCURRENTLY ON part_t (k);
SELECT ddl FROM advice \gexec
-- Size within 15 % of the partitions' real indexes, plan cost within 1 % of the real plan's.
SELECT abs(a.index_bytes::float8 / sum(pg_relation_size(i.indexrelid)) - 1) <= 0.15 AS size_within_15pct
FROM advice a, pg_index i WHERE i.indrelid IN ('part_t1'::regclass, 'part_t2'::regclass)
GROUP BY a.index_bytes;
SELECT abs(:hypo_cost / pg_temp.plan_cost('SELECT k FROM part_t WHERE v = 17') - 1) <= 0.01
       AS cost_within_1pct;
EXPLAIN (COSTS OFF) SELECT k FROM part_t WHERE v = 17;
-- Served now: nothing more to advise.
SET client_min_messages = warning;
SELECT count(*) AS advised_again FROM azora_opt.advise_indexes();
RESET client_min_messages;
DROP TABLE advice, part_t;
