#!/usr/bin/env bash
# btree_size_measure.sh — measures real btree index sizes on the e-learning schema, with the
# planner statistics the advisor's size model (extension/pure/btree_size.hpp) takes as input,
# and HypoPG's estimate beside them. Its output is where the figures in
# test/unit/btree_size_test.cpp come from:
#   eval "$(/work/devtools/mkpg.sh NAME)"   # (helpers only) then
#   scripts/cluster.sh --no-preload --no-redis -- test/bench/btree_size_measure.sh [SCALE]
# One line per index: name | reltuples | real pages | real bytes | height (pageinspect
# bt_metap.level) | hypopg bytes | per key/include column: type:avg_width:null_frac:n_distinct.
set -euo pipefail
scale=${1:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="${PG_BIN:-/usr/lib/postgresql/15/bin}:$PATH"
psql -X -q -v ON_ERROR_STOP=1 -v scale="$scale" -f "$root/scripts/elearning.sql" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
CREATE EXTENSION IF NOT EXISTS pageinspect;
CREATE EXTENSION IF NOT EXISTS hypopg;
-- The size model's hard cases of issue 15 (item 2), at the issue's 10^6 rows: two independent
-- uniform columns, and two columns that are each NULL in half the rows.
SELECT setseed(0.15);
DROP TABLE IF EXISTS size_ind, size_null;
CREATE TABLE size_ind AS SELECT (random() * 3000)::int AS a, (random() * 3000)::int AS b
  FROM generate_series(1, 1000000);
CREATE TABLE size_null AS
  SELECT CASE WHEN random() < 0.5 THEN NULL ELSE (random() * 100000)::int END AS a,
         CASE WHEN random() < 0.5 THEN NULL ELSE (random() * 100000)::int END AS b
  FROM generate_series(1, 1000000);
ANALYZE size_ind, size_null;
SQL
indexes=(
  "users (email)"
  "users (country)"
  "users (created_at)"
  "users (country, created_at)"
  "users (email) INCLUDE (name)"
  "courses (category)"
  "courses (category, price_cents)"
  "courses (instructor_id)"
  "courses (rating)"
  "transactions (user_id)"
  "transactions (user_id, created_at)"
  "transactions (kind, created_at, amount)"
  "transactions (created_at)"
  "jobs (category)"
  "jobs (category, created_at)"
  "jobs (salary)"
  "jobs (company, title, category)"
  "jobs (category) WITH (fillfactor = 70)"
  "enrollments (course_id)"
  "size_ind (a, b)"
  "size_null (a, b)"
)
for def in "${indexes[@]}"; do
  psql -X -q -At -v ON_ERROR_STOP=1 -F ' | ' <<SQL
SELECT hypopg_reset();
DROP INDEX IF EXISTS measured;
CREATE INDEX measured ON $def;
WITH h AS (SELECT indexrelid FROM hypopg_create_index('CREATE INDEX ON $def'))
SELECT '$def', c.reltuples::bigint, pg_relation_size('measured') / 8192,
       pg_relation_size('measured'), (SELECT level FROM bt_metap('measured')),
       hypopg_relation_size((SELECT indexrelid FROM h)),
       (SELECT string_agg(format_type(a.atttypid, NULL) || ':' || s.avg_width || ':' ||
                          round(s.null_frac::numeric, 3) || ':' || s.n_distinct, ' ' ORDER BY k.ord)
          FROM pg_index i, unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
          JOIN pg_class t ON t.oid = i.indrelid
          JOIN pg_stats s ON s.tablename = t.relname AND s.attname = a.attname
         WHERE i.indexrelid = 'measured'::regclass)
FROM pg_class c JOIN pg_index i ON i.indrelid = c.oid WHERE i.indexrelid = 'measured'::regclass;
SQL
done
psql -X -q -c 'DROP INDEX IF EXISTS measured'
