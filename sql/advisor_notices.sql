-- advisor_notices: a tracked statement with a condition on an expression or function of a
-- column (lower(name) = ...) says, in a NOTICE naming its query id, that it gets no candidate
-- for it (expression indexes are not advised); its plain-column quals are still advised on.
-- Query ids hash relation OIDs, so they differ between runs: the notices are read from a
-- second psql whose output has the id replaced, and the id is checked against the tracker's.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
RESET client_min_messages;
CREATE TABLE expr_t (id int PRIMARY KEY, name text, code int);
INSERT INTO expr_t SELECT g, 'Name' || g, g % 1000 FROM generate_series(1, 50000) g;
ANALYZE expr_t;
SELECT azora_opt.reset() >= 0 AS reset;
\o /dev/null
SELECT id FROM expr_t WHERE lower(name) = 'name17';
SELECT id FROM expr_t WHERE lower(name) = 'name18';
-- With a plain-column qual beside it: that column is still a candidate.
SELECT id FROM expr_t WHERE code = 7 AND abs(id - 20) < 3;
SELECT id FROM expr_t WHERE code = 8 AND abs(id - 20) < 3;
\o
\setenv ADVISE_DB :DBNAME
\! psql -X -q -d "$ADVISE_DB" -c 'SELECT FROM azora_opt.advise_indexes()' 2>&1 | grep NOTICE | sed -E 's/query -?[0-9]+/query <id>/' | sort
-- The plain column (expr_t.code) is advised on.
SET client_min_messages = warning;
SELECT ddl FROM azora_opt.advise_indexes() ORDER BY ddl;
RESET client_min_messages;
-- The ids in the notices are the tracked statements' ids.
\! psql -X -q -d "$ADVISE_DB" -c 'SELECT FROM azora_opt.advise_indexes()' 2>&1 | grep -oE 'query -?[0-9]+' | sort > "/tmp/advise_notices_$ADVISE_DB.ids"
SELECT count(*) AS noted_ids_match
FROM azora_opt.queries
WHERE query ~ '^SELECT id FROM expr_t WHERE (lower|code)'
  AND 'query ' || queryid IN (SELECT unnest(string_to_array(
        trim(pg_read_file('/tmp/advise_notices_' || current_database() || '.ids')), E'\n')));
\! rm -f "/tmp/advise_notices_$ADVISE_DB.ids"
DROP TABLE expr_t;
