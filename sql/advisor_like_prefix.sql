-- advisor_like_prefix: a LIKE with a constant prefix ('k0001%') makes its column an index
-- candidate. A btree serves the prefix as a range only where the index sorts bytewise: under
-- the C collation (this test cluster's default, scripts/cluster.sh --locale=C) the default
-- operator class does; under any other collation the index needs text_pattern_ops
-- (bpchar_pattern_ops for char(n)). The non-C case uses the ICU collation "en-x-icu" (this
-- PostgreSQL is built --with-icu). Each advised DDL is checked by what-if planning and by a
-- real index.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
RESET client_min_messages;
-- The prefix is read from the slowest call's source text, which the tracker keeps from
-- plan_min_ms (default 50 ms): 0 here so these fast calls keep theirs. (From the normalized
-- text alone the pattern is a parameter, and no prefix is known.)
ALTER SYSTEM SET azora_opt.plan_min_ms = 0;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
CREATE TABLE like_t (id int PRIMARY KEY, "Code" text, name text COLLATE "en-x-icu",
                     tag char(12) COLLATE "en-x-icu", pad text);
INSERT INTO like_t
SELECT g, 'k' || lpad(g::text, 6, '0'), 'n' || lpad(g::text, 6, '0'), 't' || lpad(g::text, 6, '0'),
       repeat('x', 60)
FROM generate_series(1, 50000) g;
ANALYZE like_t;
SELECT azora_opt.reset() >= 0 AS reset;
\o /dev/null
SELECT id FROM like_t WHERE "Code" LIKE 'k00012%';
SELECT id FROM like_t WHERE "Code" LIKE 'k00345%';
SELECT id FROM like_t WHERE name LIKE 'n00012%';
SELECT id FROM like_t WHERE name LIKE 'n00345%';
SELECT id FROM like_t WHERE tag LIKE 't00012%';
SELECT id FROM like_t WHERE tag LIKE 't00345%';
-- A leading wildcard has no prefix: no btree can serve it, so no candidate.
SELECT id FROM like_t WHERE pad LIKE '%xy%';
SELECT id FROM like_t WHERE pad LIKE '%yx%';
\o
SET client_min_messages = warning;
CREATE TABLE advice AS SELECT * FROM azora_opt.advise_indexes();
RESET client_min_messages;
-- "Code" (C collation, a quoted name): the default operator class; name and tag (en-x-icu): pattern classes.
SELECT ddl, columns FROM advice ORDER BY ddl;
SELECT bool_and(improvement >= 0.10 AND cost_after < cost_before) AS lowers_cost FROM advice;

-- What-if planning with the advised DDL uses each index for its LIKE.
SELECT count(*) AS defined FROM advice, azora_opt.hypo_create(replace(ddl, ' CONCURRENTLY', ''));
EXPLAIN (COSTS OFF) SELECT id FROM like_t WHERE "Code" LIKE 'k00777%';
EXPLAIN (COSTS OFF) SELECT id FROM like_t WHERE name LIKE 'n00777%';
EXPLAIN (COSTS OFF) SELECT id FROM like_t WHERE tag LIKE 't00777%';
SELECT azora_opt.hypo_reset();
-- Why the operator class matters: a default-class index on the ICU column cannot serve it.
SELECT indexname FROM azora_opt.hypo_create('CREATE INDEX ON like_t (name)');
EXPLAIN (COSTS OFF) SELECT id FROM like_t WHERE name LIKE 'n00777%';
SELECT azora_opt.hypo_reset();

-- The real indexes from the advised DDL are used the same way.
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT ddl FROM advice LOOP
    EXECUTE replace(r.ddl, 'CREATE INDEX CONCURRENTLY', 'CREATE INDEX');
  END LOOP;
END $$;
EXPLAIN (COSTS OFF) SELECT id FROM like_t WHERE name LIKE 'n00777%';
SELECT count(*) AS found FROM like_t WHERE name LIKE 'n00777%';
DROP TABLE advice, like_t;
ALTER SYSTEM RESET azora_opt.plan_min_ms;
SELECT pg_reload_conf();
