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
SELECT azora_opt.reset() > 0 AS removed_earlier_entries;
ALTER SYSTEM SET azora_opt.plan_min_ms = 0;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);

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

-- A member of pg_read_all_stats sees every normalized text and may read metrics(), but not the
-- constants of another role's slowest call (its source text and plan: "id = 7").
SET ROLE sec_monitor;
SELECT userid::regrole, queryid IS NULL AS queryid_hidden, query, calls
FROM azora_opt.queries WHERE userid IN ('sec_alice'::regrole, 'sec_bob'::regrole)
ORDER BY userid::regrole::text, query COLLATE "C";
SELECT userid::regrole, source_text, plan FROM azora_opt.query_plan(:sec_alice_qid);
SELECT azora_opt.metrics() LIKE '%azora_db_query_calls_total%' AS metrics_readable;
SELECT azora_opt.reset();
RESET ROLE;

-- Alice sees her own texts, not Bob's, and her own slowest call with its constants.
SET ROLE sec_alice;
SELECT userid::regrole, queryid IS NULL AS queryid_hidden, query
FROM azora_opt.queries WHERE userid IN ('sec_alice'::regrole, 'sec_bob'::regrole)
ORDER BY userid::regrole::text, query COLLATE "C";
SELECT userid::regrole, source_text ~ '^SELECT secret FROM sec_t WHERE id = [78]$' AS real_text,
       plan ~ 'id = [78]' AS plan_with_constant
FROM azora_opt.query_plan(:sec_alice_qid);
RESET ROLE;
-- So does the superuser.
SELECT userid::regrole, source_text ~ '^SELECT secret FROM sec_t WHERE id = [78]$' AS real_text,
       plan ~ 'id = [78]' AS plan_with_constant
FROM azora_opt.query_plan(:sec_alice_qid);

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
ALTER SYSTEM RESET azora_opt.plan_min_ms;
SELECT pg_reload_conf();
