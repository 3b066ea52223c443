#!/usr/bin/env bash
# advisor_bench.sh — the index advisor's benchmark (issue 9, docs/benchmarks.md): loads the
# e-learning schema with primary keys only, runs N distinct tracked statement shapes twice each
# (test/bench/advisor_workload.py), then measures
#   * advise_indexes() wall time for the N tracked statements (psql \timing, best of 3);
#   * what-if plan calls and their rate, and the workload cost each strategy reaches at each
#     budget of a sweep: the advisor, one single-column index per qual column, and a
#     Dexter-style per-query pass (azora_opt._advise_compare, same what-if costing for all).
# Usage: scripts/cluster.sh --no-redis -- test/bench/advisor_bench.sh [N] [SCALE]
set -euo pipefail
n=${1:-1000}
scale=${2:-1}
join_share=${3:-0.25}  # share of 2- and 3-table joins (advisor_workload.py)
root=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="${PG_BIN:-/usr/lib/postgresql/15/bin}:$PATH"
psql -X -q -v ON_ERROR_STOP=1 -v scale="$scale" -f "$root/scripts/elearning.sql" >/dev/null
# Settle the visibility map and statistics first, so autovacuum does not change costs midway.
psql -X -q -v ON_ERROR_STOP=1 -c "VACUUM ANALYZE" >/dev/null
# The server's defaults (issue 15: the advisor must be fast as shipped). PLAN_MIN_MS=0 keeps
# every statement's slowest call with its constants, as the first published figure did.
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION IF NOT EXISTS azora_opt' >/dev/null
if [ -n "${PLAN_MIN_MS:-}" ]; then
  psql -X -q -v ON_ERROR_STOP=1 -c "ALTER SYSTEM SET azora_opt.plan_min_ms = $PLAN_MIN_MS" \
    -c 'SELECT pg_reload_conf()' >/dev/null
  sleep 0.5
fi
echo "azora_opt.plan_min_ms = $(psql -X -At -c 'SHOW azora_opt.plan_min_ms')"
psql -X -q -v ON_ERROR_STOP=1 -c 'SELECT azora_opt.reset()' >/dev/null
python3 "$root/test/bench/advisor_workload.py" "$n" "$join_share" | psql -X -q -v ON_ERROR_STOP=1 >/dev/null
echo "tracked statements: $(psql -X -At -c "SELECT count(*) FROM azora_opt.queries WHERE calls >= 2 AND query LIKE 'SELECT %FROM%WHERE%'")"
for i in 1 2 3; do
  # The first run also shows the summary NOTICE (statements advised on, skipped by reason) and
  # the DEBUG1 line with the call's phases, costings, planner calls and probes.
  psql -X -q 2>&1 <<SQL | grep -E "^Time|^ +[0-9]|NOTICE|DEBUG:  index advisor: [0-9]"
SET client_min_messages = $([ "$i" = 1 ] && echo debug1 || echo warning);
\timing on
SELECT count(*) AS advised FROM azora_opt.advise_indexes();
SQL
done
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
