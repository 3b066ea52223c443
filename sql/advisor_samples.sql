-- advisor_samples: the cost the advisor optimises is the cost of what runs. Each statement is
-- planned with the tracker's parameter samples of its calls (a uniform sample, each planned with
-- its own values as PostgreSQL plans that call) and costed as their mean; cost_basis says so.
-- Skewed data: 0.5 % of the rows are 'pending'. The common call asks for them (an index serves
-- it); one call asks for the other 99.5 % (a sequential scan whatever the indexes) and, returning
-- every row, is the slowest. Planned from the slowest call's text, as before samples, no index
-- would help and nothing was advised; from the samples, the index that serves the common call is.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
RESET client_min_messages;
CREATE TABLE skew_t (id int PRIMARY KEY, status text, payload text);
INSERT INTO skew_t
SELECT g, CASE WHEN g % 200 = 0 THEN 'pending' ELSE 'done' END, repeat('x', 40)
FROM generate_series(1, 200000) g;
ANALYZE skew_t;
-- Every call keeps its constants as the slowest-call text too (the basis before samples).
ALTER SYSTEM SET azora_opt.plan_min_ms = 0;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
SELECT azora_opt.reset() >= 0 AS reset;
\set ECHO none
\o /dev/null
SELECT id, payload FROM skew_t WHERE status = 'done';
SELECT format('SELECT id, payload FROM skew_t WHERE status = %L', 'pending')
FROM generate_series(1, 40) \gexec
\o
\set ECHO all
-- The slowest call is the unselective one.
SELECT p.source_text FROM azora_opt.queries q, azora_opt.query_plan(q.queryid) p
WHERE q.query LIKE 'SELECT id, payload FROM skew_t%';
SET client_min_messages = warning;
SELECT ddl, cost_basis, improvement > 0.4 AS pays
FROM azora_opt.advise_indexes() ORDER BY ddl;
RESET client_min_messages;
DROP TABLE skew_t;
ALTER SYSTEM RESET azora_opt.plan_min_ms;
SELECT pg_reload_conf();
