#!/usr/bin/env bash
# advisor_bench.sh — the index advisor's benchmark (issues 9 and 15, docs/benchmarks.md): loads
# the e-learning schema with primary keys only, runs N distinct tracked statement shapes twice
# each (test/bench/advisor_workload.py; a quarter of them joins), then measures
#   * advise_indexes() wall time and the backend's peak memory for the N tracked statements
#     (3 calls, each in a fresh backend: test/sh/advise_probe.py), and how many of them the
#     advisor advised on and how many it skipped, by the reason its NOTICEs give;
#   * what-if plan calls and their rate, and the workload cost each strategy reaches at each
#     budget of a sweep: the advisor, one single-column index per qual column, and a
#     Dexter-style per-query pass (azora_opt._advise_compare, same what-if costing for all).
# Every azora_opt setting is left at its default (issue 15: the earlier figure ran with
# plan_min_ms = 0, which kept every call's constants); the only thing it changes is
# client_min_messages in its own psql sessions, to keep the output short.
# Usage: scripts/cluster.sh --no-redis -- test/bench/advisor_bench.sh [N] [SCALE] [JOIN_SHARE]
set -euo pipefail
n=${1:-1000}
scale=${2:-1}
join_share=${3:-0.25}
root=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="${PG_BIN:-/usr/lib/postgresql/15/bin}:$PATH"
psql -X -q -v ON_ERROR_STOP=1 -v scale="$scale" -f "$root/scripts/elearning.sql" >/dev/null
# Settle the visibility map and statistics first, so autovacuum does not change costs midway.
psql -X -q -v ON_ERROR_STOP=1 -c "VACUUM ANALYZE" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION IF NOT EXISTS azora_opt' >/dev/null
echo "azora_opt settings that differ from their defaults (none expected):"
psql -X -At -c "SELECT name || ' = ' || setting FROM pg_settings WHERE name LIKE 'azora_opt.%' AND setting IS DISTINCT FROM boot_val"
psql -X -q -v ON_ERROR_STOP=1 -c 'SELECT azora_opt.reset()' >/dev/null
python3 "$root/test/bench/advisor_workload.py" "$n" "$join_share" | psql -X -q -v ON_ERROR_STOP=1 >/dev/null
# The workload's statements: the advisor reads those with calls >= advisor_min_calls (2).
workload="SELECT queryid FROM azora_opt.queries WHERE calls >= 2 AND query LIKE 'SELECT %FROM%WHERE%'
            AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
echo "tracked statements: $(psql -X -At -c "SELECT count(*) FROM ($workload) w"), of them joins: $(psql -X -At -c "SELECT count(*) FROM azora_opt.queries WHERE queryid IN ($workload) AND query LIKE '% JOIN %'")"
echo "of them with the slowest call's constants kept (>= plan_min_ms): $(psql -X -At -c "SELECT count(DISTINCT w.queryid) FROM ($workload) w, azora_opt.query_plan(w.queryid) p WHERE p.source_text IS NOT NULL")"
notices="$(mktemp)"
trap 'rm -f "$notices"' EXIT
/usr/bin/python3 "$root/test/sh/advise_probe.py" --notices-file "$notices" NULL NULL NULL
# Advised on vs skipped, from the last call's NOTICEs ("query ID skipped: reason (detail)").
if ! grep -q 'query -\?[0-9]* skipped' "$notices"; then
  echo "no per-statement 'skipped' NOTICE: the advised-on count below is only the statements read;"
  echo "see the advisor's own NOTICEs above (the probe lists them all)"
fi
psql -X -q -v ON_ERROR_STOP=1 <<SQL
CREATE TEMP TABLE notice (line text);
\copy notice FROM '$notices'
CREATE TEMP VIEW skipped AS
  SELECT DISTINCT (regexp_match(line, 'query (-?[0-9]+) skipped'))[1]::bigint AS queryid,
         regexp_replace((regexp_match(line, 'skipped: (.*)$'))[1], ' \(.*', '') AS reason
  FROM notice WHERE line ~ 'query -?[0-9]+ skipped';
SELECT count(*) AS workload_statements,
       count(*) FILTER (WHERE s.queryid IS NULL) AS advised_on,
       count(*) FILTER (WHERE s.queryid IS NOT NULL) AS skipped
FROM ($workload) w LEFT JOIN skipped s USING (queryid);
SELECT s.reason, count(*) AS statements, count(*) FILTER (WHERE q.query LIKE '% JOIN %') AS joins,
       min(left(q.query, 90)) AS example
FROM ($workload) w JOIN skipped s USING (queryid) JOIN azora_opt.queries q USING (queryid)
GROUP BY 1 ORDER BY 2 DESC;
SQL
psql -X <<'SQL'
SET client_min_messages = warning;
SELECT budget, statements, round(no_index_cost) AS no_index, round(advisor_cost) AS advisor,
       round(single_column_cost) AS single_column, round(dexter_cost) AS dexter,
       round((advisor_cost / no_index_cost)::numeric, 3) AS advisor_rel,
       round((single_column_cost / no_index_cost)::numeric, 3) AS single_rel,
       round((dexter_cost / no_index_cost)::numeric, 3) AS dexter_rel,
       advisor_bytes, single_column_bytes, dexter_bytes, plans, round(seconds::numeric, 2) AS s,
       round(plans_per_second) AS plans_per_s,
       advisor_cost < single_column_cost AND advisor_cost < dexter_cost AS advisor_lowest
FROM azora_opt._advise_compare(ARRAY[131072, 524288, 2097152, 8388608, 33554432]::bigint[]);
SQL
