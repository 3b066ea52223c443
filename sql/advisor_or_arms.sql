-- advisor_or_arms: `WHERE a = $1 OR b = $2` is served by a BitmapOr over an index on each arm;
-- either index alone buys nothing (the planner still scans the table), so a search adding one
-- index per step never sees the pair pay. The OR's arms are a candidate group, costed and
-- sized together: both are advised, and with them the planner uses the BitmapOr.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
RESET client_min_messages;
CREATE TABLE or_t (id int PRIMARY KEY, a int, b int, c int, pad text);
INSERT INTO or_t SELECT g, g % 50000, (g * 7) % 50000, g % 3, 'p' FROM generate_series(1, 500000) g;
VACUUM ANALYZE or_t;
SELECT azora_opt.reset() >= 0 AS reset;
\set ECHO none
\o /dev/null
SELECT format('SELECT id, pad FROM or_t WHERE a = %s OR b = %s', g, g * 11) FROM generate_series(1, 5) g \gexec
-- An OR with an arm no btree serves (an expression): no group.
SELECT format('SELECT id FROM or_t WHERE c = %s OR abs(a - %s) < 2', g % 3, g) FROM generate_series(1, 5) g \gexec
\o
\set ECHO all
SET client_min_messages = warning;
CREATE TABLE or_advice AS SELECT * FROM azora_opt.advise_indexes();
RESET client_min_messages;
SELECT relation, columns, improvement > 0.5 AS pays FROM or_advice ORDER BY columns;
-- Applied, the OR is a BitmapOr over both.
SELECT replace(ddl, ' CONCURRENTLY', '') FROM or_advice \gexec
EXPLAIN (COSTS OFF) SELECT id, pad FROM or_t WHERE a = 3 OR b = 33;
DROP TABLE or_advice, or_t;
