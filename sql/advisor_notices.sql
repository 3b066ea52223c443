-- advisor_notices: tracked statements the advisor cannot serve say why, in a NOTICE naming the
-- query id, and the rest of the workload is still advised on:
-- * a partitioned table: no candidates on it (what-if indexes are defined on ordinary tables;
--   the parent's columns are not candidates, and the partitions never appear in the query);
-- * a condition on an expression or function of a column (lower(name) = ...): expression
--   indexes are not advised.
-- Query ids hash relation OIDs, so they differ between runs: the notices are read from a
-- second psql whose output has the id replaced, and the id is checked against the tracker's.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
RESET client_min_messages;
CREATE TABLE part_t (k int, v int, pad text) PARTITION BY RANGE (k);
CREATE TABLE part_t1 PARTITION OF part_t FOR VALUES FROM (0) TO (50000);
CREATE TABLE part_t2 PARTITION OF part_t FOR VALUES FROM (50000) TO (100000);
INSERT INTO part_t SELECT g, g % 5000, repeat('p', 60) FROM generate_series(0, 99999) g;
CREATE TABLE expr_t (id int PRIMARY KEY, name text, code int);
INSERT INTO expr_t SELECT g, 'Name' || g, g % 1000 FROM generate_series(1, 50000) g;
ANALYZE part_t, expr_t;
SELECT azora_opt.reset() >= 0 AS reset;
\o /dev/null
SELECT k FROM part_t WHERE v = 17;
SELECT k FROM part_t WHERE v = 18;
SELECT id FROM expr_t WHERE lower(name) = 'name17';
SELECT id FROM expr_t WHERE lower(name) = 'name18';
-- Both kinds in one statement with a plain-column qual: that column is still a candidate.
SELECT id FROM expr_t WHERE code = 7 AND abs(id - 20) < 3;
SELECT id FROM expr_t WHERE code = 8 AND abs(id - 20) < 3;
\o
\setenv ADVISE_DB :DBNAME
\! psql -X -q -d "$ADVISE_DB" -c 'SELECT FROM azora_opt.advise_indexes()' 2>&1 | grep NOTICE | sed -E 's/query -?[0-9]+/query <id>/' | sort
-- The plain column (expr_t.code) is advised on; nothing on part_t or its partitions.
SET client_min_messages = warning;
SELECT ddl FROM azora_opt.advise_indexes() ORDER BY ddl;
RESET client_min_messages;
-- The ids in the notices are the tracked statements' ids.
\! psql -X -q -d "$ADVISE_DB" -c 'SELECT FROM azora_opt.advise_indexes()' 2>&1 | grep -oE 'query -?[0-9]+' | sort > "/tmp/advise_notices_$ADVISE_DB.ids"
SELECT count(*) AS noted_ids_match
FROM azora_opt.queries
WHERE query ~ '^SELECT (k|id) FROM (part_t|expr_t) WHERE (v|lower|code)'
  AND 'query ' || queryid IN (SELECT unnest(string_to_array(
        trim(pg_read_file('/tmp/advise_notices_' || current_database() || '.ids')), E'\n')));
\! rm -f "/tmp/advise_notices_$ADVISE_DB.ids"
DROP TABLE part_t, expr_t;
