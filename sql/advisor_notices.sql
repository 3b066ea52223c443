-- advisor_notices: advise_indexes() says in ONE summary NOTICE how many statements it advised
-- on and how many it skipped, by reason, with a hint on what to do (issue 16: a chain of
-- misleading notices before). Per statement, at DEBUG1 with its query id: a condition on an
-- expression or function of a column (lower(name) = ...) gets no candidate (expression indexes
-- are not advised) while its plain-column quals are still advised on; a skipped statement says
-- why. Query ids hash relation OIDs, so they differ between runs: the messages are read from a
-- second psql whose output has the id replaced, and the ids are checked against the tracker's.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
RESET client_min_messages;
CREATE TABLE expr_t (id int PRIMARY KEY, name text, code int, created_at timestamptz);
INSERT INTO expr_t
SELECT g, 'Name' || g, g % 1000, '2026-01-01'::timestamptz + g * interval '1 minute'
FROM generate_series(1, 50000) g;
ANALYZE expr_t;
-- No call keeps its constants here, however slow the machine (the default keeps those of calls
-- from azora_opt.slow_threshold_ms, 50 ms).
ALTER SYSTEM SET azora_opt.plan_min_ms = 1000000;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
SELECT azora_opt.reset() >= 0 AS reset;
\o /dev/null
SELECT id FROM expr_t WHERE lower(name) = 'name17';
SELECT id FROM expr_t WHERE lower(name) = 'name18';
-- With a plain-column qual beside it: that column is still a candidate.
SELECT id FROM expr_t WHERE code = 7 AND abs(id - 20) < 3;
SELECT id FROM expr_t WHERE code = 8 AND abs(id - 20) < 3;
-- Fast calls keep no slowest-call text (below azora_opt.plan_min_ms) and the normalized text
-- (interval $2) does not parse; their parameter samples do (issue 16: it was skipped).
SELECT count(*) FROM expr_t WHERE created_at > now() - interval '30 days';
SELECT count(*) FROM expr_t WHERE created_at > now() - interval '30 days';
-- A statement on a column dropped since no longer parses: skipped, and the summary says so.
ALTER TABLE expr_t ADD COLUMN gone int;
SELECT id FROM expr_t WHERE gone = 1;
SELECT id FROM expr_t WHERE gone = 2;
ALTER TABLE expr_t DROP COLUMN gone;
\o
\setenv ADVISE_DB :DBNAME
\! psql -X -q -d "$ADVISE_DB" -c 'SELECT FROM azora_opt.advise_indexes()' 2>&1 | grep -E '^(NOTICE|DETAIL|HINT)'
-- The detail per statement, at DEBUG1.
\! PGOPTIONS='-c client_min_messages=debug1' psql -X -q -d "$ADVISE_DB" -c 'SELECT FROM azora_opt.advise_indexes()' 2>&1 | grep 'index advisor: query' | sed -E 's/query -?[0-9]+/query <id>/' | sort
-- The plain columns are advised on; their statements were planned from their calls' samples:
-- cost_basis says so.
SET client_min_messages = warning;
SELECT ddl, cost_basis FROM azora_opt.advise_indexes() ORDER BY ddl;
RESET client_min_messages;
-- The ids in the notices are the tracked statements' ids.
\! PGOPTIONS='-c client_min_messages=debug1' psql -X -q -d "$ADVISE_DB" -c 'SELECT FROM azora_opt.advise_indexes()' 2>&1 | grep -oE 'index advisor: query -?[0-9]+' | grep -oE 'query -?[0-9]+' | sort > "/tmp/advise_notices_$ADVISE_DB.ids"
SELECT count(*) AS noted_ids_match
FROM azora_opt.queries
WHERE query ~ '^SELECT (id|count\(\*\)) FROM expr_t WHERE (lower|code|created_at|gone)'
  AND 'query ' || queryid IN (SELECT unnest(string_to_array(
        trim(pg_read_file('/tmp/advise_notices_' || current_database() || '.ids')), E'\n')));
\! rm -f "/tmp/advise_notices_$ADVISE_DB.ids"
-- azora_opt.advisor_max_statements bounds the call (its memory and time): past it, the
-- statements with the least total time are counted in the summary, not advised on. Two
-- full scans, one run ten times as often as the other.
SELECT azora_opt.reset() >= 0 AS reset;
\o /dev/null
SELECT format('SELECT count(*) FROM expr_t WHERE code = %s', g % 5) FROM generate_series(1, 20) g \gexec
SELECT format('SELECT count(*) FROM expr_t WHERE name = %L', 'Name' || g) FROM generate_series(1, 2) g \gexec
\o
\! PGOPTIONS='-c azora_opt.advisor_max_statements=1' psql -X -q -d "$ADVISE_DB" -c 'SELECT FROM azora_opt.advise_indexes()' 2>&1 | grep -E '^(NOTICE|HINT)'
SET client_min_messages = warning;
SET azora_opt.advisor_max_statements = 1;
SELECT columns FROM azora_opt.advise_indexes() ORDER BY 1;
RESET azora_opt.advisor_max_statements;
SELECT columns FROM azora_opt.advise_indexes() ORDER BY 1;
RESET client_min_messages;
-- azora_opt.advisor_workload_size bounds what the analysed statements take (a statement's
-- text, and so its tree, may be large): past it, the rest are counted in the summary, not
-- advised on; the heaviest is always advised on.
\! PGOPTIONS='-c azora_opt.advisor_workload_size=1kB' psql -X -q -d "$ADVISE_DB" -c 'SELECT FROM azora_opt.advise_indexes()' 2>&1 | grep -E '^(NOTICE|HINT)'
SET client_min_messages = warning;
SET azora_opt.advisor_workload_size = '1kB';
SELECT columns FROM azora_opt.advise_indexes() ORDER BY 1;
RESET azora_opt.advisor_workload_size;
RESET client_min_messages;
DROP TABLE expr_t;
ALTER SYSTEM RESET azora_opt.plan_min_ms;
SELECT pg_reload_conf();
