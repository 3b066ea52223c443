#!/usr/bin/env bash
# tracking_save_plans.sh — the saved statistics file holds a statement's constants (the slowest
# call's source text and plan) only with azora_opt.save_plans = on. With the default (off) the
# counters and normalized texts survive a clean restart, the captured plans do not, and the
# constant is nowhere in the file. Starts its own cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --conf "azora_opt.plan_min_ms = 0" -- bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }
stat_file="$AZORA_PGDATA/pg_stat/azora_opt.stat"
literal=987654321  # appears only in the source text and the plan, never in the normalized text

q -c "CREATE EXTENSION azora_opt" >/dev/null
q -c "CREATE TABLE sp_t AS SELECT g AS id FROM generate_series(1, 100) g" >/dev/null
counts="SELECT query || ':' || calls || ':' || rows FROM azora_opt.queries
  WHERE query LIKE '%sp\_t%' ORDER BY queryid"
has_plan="SELECT count(*) FROM azora_opt.queries q, azora_opt.query_plan(q.queryid) p
  WHERE q.query LIKE '%sp\_t%' AND p.plan LIKE '%$literal%'"

# save_plans = off (default): stop, look into the file, start, compare.
q -c "SELECT azora_opt.reset()" >/dev/null
q -c "SELECT count(*) FROM sp_t WHERE id < $literal" >/dev/null
before=$(q -c "$counts")
[ "$(q -c "$has_plan")" = 1 ] || fail "no plan with the literal captured"
$AZORA_PG_CTL stop >/dev/null
[ -s "$stat_file" ] || fail "no stats file written"
grep -q "FROM sp_t WHERE id < \$1" "$stat_file" || fail "the normalized text is not in the file"
! grep -q "$literal" "$stat_file" || fail "save_plans = off: the literal $literal is in the file"
$AZORA_PG_CTL start >/dev/null
[ "$(q -c "$counts")" = "$before" ] || fail "counters changed across restart: $before"
[ "$(q -c "$has_plan")" = 0 ] || fail "save_plans = off: a plan came back"
echo "save_plans = off: counters kept ($before), literal not in the file, no plan after restart"

# save_plans = on (a reload setting: the postmaster reads it at shutdown): the plan survives.
q -c "ALTER SYSTEM SET azora_opt.save_plans = on" -c "SELECT pg_reload_conf()" >/dev/null
q -c "SELECT count(*) FROM sp_t WHERE id < $literal" >/dev/null
[ "$(q -c "$has_plan")" = 1 ] || fail "no plan captured again"
sleep 0.5  # the postmaster applies the reload asynchronously
$AZORA_PG_CTL stop >/dev/null
grep -q "$literal" "$stat_file" || fail "save_plans = on: the plan is not in the file"
$AZORA_PG_CTL start >/dev/null
[ "$(q -c "$has_plan")" = 1 ] || fail "save_plans = on: the plan did not survive the restart"
echo "save_plans = on: the plan survives"
echo "PASS tracking_save_plans"
