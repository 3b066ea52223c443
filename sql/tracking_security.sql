-- tracking_security: other users' statement texts and plans are hidden unless superuser or
-- pg_read_all_stats; reset() and metrics() are not for PUBLIC. Real roles, real sessions'
-- user ids (SET ROLE).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
DROP ROLE IF EXISTS sec_alice;
DROP ROLE IF EXISTS sec_bob;
DROP ROLE IF EXISTS sec_monitor;
RESET client_min_messages;
CREATE ROLE sec_alice;
CREATE ROLE sec_bob;
CREATE ROLE sec_monitor IN ROLE pg_read_all_stats;
CREATE TABLE sec_t (id int PRIMARY KEY, secret text);
INSERT INTO sec_t SELECT g, 'card-' || g FROM generate_series(1, 50) g;
GRANT SELECT ON sec_t TO sec_alice, sec_bob;
SELECT azora_opt.reset() >= 0 AS reset_done;

SET ROLE sec_alice;
SELECT secret FROM sec_t WHERE id = 7;
SELECT secret FROM sec_t WHERE id = 8;
RESET ROLE;
SET ROLE sec_bob;
SELECT count(*) FROM sec_t WHERE secret LIKE 'card-1%';
RESET ROLE;
SELECT queryid AS sec_alice_qid FROM azora_opt.queries
WHERE userid = 'sec_alice'::regrole AND query LIKE 'SELECT secret FROM sec\_t%' \gset

-- Bob sees his own statement, and only the counters of Alice's.
SET ROLE sec_bob;
SELECT userid::regrole, queryid IS NULL AS queryid_hidden, query, calls, rows
FROM azora_opt.queries WHERE userid IN ('sec_alice'::regrole, 'sec_bob'::regrole)
ORDER BY userid::regrole::text, query COLLATE "C", calls;
SELECT userid::regrole, exec_time > 0 AS timed, source_text, plan
FROM azora_opt.query_plan(:sec_alice_qid);
-- top_queries applies the same rule.
SELECT query FROM azora_opt.top_queries(NULL, 'calls') WHERE userid = 'sec_alice'::regrole;
-- Admin functions are revoked from PUBLIC.
SELECT azora_opt.reset();
SELECT azora_opt.reset(NULL, NULL, :sec_alice_qid);
SELECT azora_opt.metrics();
-- info() shows no text, so it is open.
SELECT max FROM azora_opt.info();
RESET ROLE;

-- A member of pg_read_all_stats sees every text and plan, and may read metrics().
SET ROLE sec_monitor;
SELECT userid::regrole, queryid IS NULL AS queryid_hidden, query, calls
FROM azora_opt.queries WHERE userid IN ('sec_alice'::regrole, 'sec_bob'::regrole)
ORDER BY userid::regrole::text, query COLLATE "C";
SELECT userid::regrole, source_text ~ '^SELECT secret FROM sec_t WHERE id = [78]$' AS real_text,
       plan LIKE '%sec_t%' AS plan_shown
FROM azora_opt.query_plan(:sec_alice_qid);
SELECT azora_opt.metrics() LIKE '%azora_db_query_calls_total%' AS metrics_readable;
SELECT azora_opt.reset();
RESET ROLE;

-- Alice sees her own texts, not Bob's.
SET ROLE sec_alice;
SELECT userid::regrole, queryid IS NULL AS queryid_hidden, query
FROM azora_opt.queries WHERE userid IN ('sec_alice'::regrole, 'sec_bob'::regrole)
ORDER BY userid::regrole::text, query COLLATE "C";
RESET ROLE;

-- The superuser sees everything and may reset one user's entries.
SELECT userid::regrole, query FROM azora_opt.queries
WHERE userid IN ('sec_alice'::regrole, 'sec_bob'::regrole)
ORDER BY userid::regrole::text, query COLLATE "C";
SELECT azora_opt.reset('sec_alice'::regrole, NULL, NULL) AS removed_for_alice;
SELECT userid::regrole, count(*) FROM azora_opt.queries
WHERE userid IN ('sec_alice'::regrole, 'sec_bob'::regrole) GROUP BY 1 ORDER BY 1::text;
SELECT azora_opt.reset('sec_bob'::regrole, NULL, NULL) >= 1 AS removed_for_bob;

DROP TABLE sec_t;
DROP ROLE sec_alice;
DROP ROLE sec_bob;
DROP ROLE sec_monitor;
