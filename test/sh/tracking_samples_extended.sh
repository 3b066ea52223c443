#!/usr/bin/env bash
# tracking_samples_extended.sh — extended-protocol calls (pgbench -M extended and -M prepared:
# Parse/Bind/Execute with the values apart from the text) leave parameter samples holding the
# very bind values sent, with their types, the statement text with $n (and the call's own
# constants, which the normalized text has as $k too), and the session's search_path. The workload writes each call's values into a table, so every sample is checked
# against what was really sent. Runs in the cluster of scripts/cluster.sh.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }
work="$AZORA_TMP/samples_extended"
mkdir -p "$work"

q -c "CREATE EXTENSION IF NOT EXISTS azora_opt" >/dev/null
q -c "DROP TABLE IF EXISTS se_sent; CREATE TABLE se_sent (k int, f float8, d date)" >/dev/null
cat >"$work/script.sql" <<'SQL'
\set k random(1, 1000000)
\set f random(1, 1000000) / 7.0
\set days random(0, 3000)
INSERT INTO se_sent (k, f, d) VALUES (:k, :f, date '2020-01-01' + :days::int);
SQL

for mode in extended prepared; do
  q -c "SELECT azora_opt.reset()" >/dev/null
  q -c "TRUNCATE se_sent" >/dev/null
  PGOPTIONS="-c search_path=public,pg_temp" \
    pgbench -n -M "$mode" -c 2 -t 50 -f "$work/script.sql" >"$work/pgbench-$mode.log" 2>&1 ||
    { cat "$work/pgbench-$mode.log" >&2; fail "$mode: pgbench failed"; }
  [ "$(q -c "SELECT count(*) FROM se_sent")" = 100 ] || fail "$mode: not 100 rows sent"
  # One entry (the role's), calls = 100, a reservoir of 4 samples, each one call's values.
  check=$(q -F '|' -c "
    SELECT q.calls, count(*), bool_and(s.protocol = 'extended'),
           bool_and(q.query LIKE '%date \$4 + \$3::int)'),
           bool_and(s.param_types = '{integer,double precision,integer}'::regtype[]),
           bool_and(EXISTS (SELECT 1 FROM se_sent t WHERE t.k = s.param_values[1]::int
                              AND t.f = s.param_values[2]::float8
                              AND t.d = date '2020-01-01' + s.param_values[3]::int)),
           bool_and(s.search_path = 'public,pg_temp'),
           count(DISTINCT s.param_values)
    FROM azora_opt.queries q JOIN azora_opt.query_samples() s USING (userid, dbid, queryid, toplevel)
    WHERE q.query LIKE 'INSERT INTO se\_sent%' GROUP BY q.calls")
  echo "$mode: calls|samples|extended|text|types|values sent|search_path|distinct = $check"
  [ "$check" = "100|4|t|t|t|t|t|4" ] || fail "$mode: samples do not match what was sent: $check
$(q -c "SELECT protocol, statement, param_types, param_values, search_path FROM azora_opt.query_samples()")"
  text=$(q -c "SELECT DISTINCT statement FROM azora_opt.query_samples() WHERE statement LIKE 'INSERT INTO se%'")
  [ "$text" = 'INSERT INTO se_sent (k, f, d) VALUES ($1, $2, date '"'"'2020-01-01'"'"' + $3::int)' ] ||
    fail "$mode: statement text is \"$text\""
done
q -c "DROP TABLE se_sent" >/dev/null
echo "PASS tracking_samples_extended"
