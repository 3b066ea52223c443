#!/usr/bin/env bash
# tracking_save_plans.sh — the saved statistics file holds a statement's constants (the slowest
# call's source text and plan, the parameter samples) only with azora_opt.save_plans = on. With
# the default (off) the counters and normalized texts (a long one complete) survive a clean
# restart, the captured plans and samples do not, and the constant is nowhere in the file.
# Starts its own cluster.
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
has_sample="SELECT count(*) FROM azora_opt.query_samples()
  WHERE statement = 'SELECT count(*) FROM sp_t WHERE id < $literal'"
# A statement longer than max_text_bytes (1 kB): its complete text ends with a marker word.
long_sql="SELECT $(seq -s ', ' -f 'id AS long_alias_%g' 1 80) FROM sp_t WHERE id = 5 AND 'sp_end_marker' <> ''"
long_sample="SELECT count(*) FROM azora_opt.query_samples() WHERE statement = \$\$$long_sql\$\$"

# save_plans = off (default): stop, look into the file, start, compare.
q -c "SELECT azora_opt.reset()" >/dev/null
q -c "SELECT count(*) FROM sp_t WHERE id < $literal" >/dev/null
q -c "$long_sql" >/dev/null
before=$(q -c "$counts")
[ "$(q -c "$has_plan")" = 1 ] || fail "no plan with the literal captured"
[ "$(q -c "$has_sample")" = 1 ] || fail "no sample with the literal"
[ "$(q -c "$long_sample")" = 1 ] || fail "no complete sample of the long statement"
$AZORA_PG_CTL stop >/dev/null
[ -s "$stat_file" ] || fail "no stats file written"
grep -q "FROM sp_t WHERE id < \$1" "$stat_file" || fail "the normalized text is not in the file"
grep -q "long_alias_80 FROM sp_t WHERE id = \$1 AND \$2 <> \$3" "$stat_file" ||
  fail "the long normalized text is not in the file complete"
! grep -q "$literal" "$stat_file" || fail "save_plans = off: the literal $literal is in the file"
! grep -q "sp_end_marker" "$stat_file" || fail "save_plans = off: a sample's literal is in the file"
$AZORA_PG_CTL start >/dev/null
[ "$(q -c "$counts")" = "$before" ] || fail "counters changed across restart: $before"
[ "$(q -c "$has_plan")" = 0 ] || fail "save_plans = off: a plan came back"
[ "$(q -c "$has_sample")" = 0 ] || fail "save_plans = off: a sample came back"
echo "save_plans = off: counters kept ($before), literal not in the file, no plan or sample after restart"

# save_plans = on (a reload setting: the postmaster reads it at shutdown): the plan survives.
q -c "ALTER SYSTEM SET azora_opt.save_plans = on" -c "SELECT pg_reload_conf()" >/dev/null
q -c "SELECT count(*) FROM sp_t WHERE id < $literal" >/dev/null
q -c "$long_sql" >/dev/null
[ "$(q -c "$has_plan")" = 1 ] || fail "no plan captured again"
sleep 0.5  # the postmaster applies the reload asynchronously
$AZORA_PG_CTL stop >/dev/null
grep -q "$literal" "$stat_file" || fail "save_plans = on: the plan is not in the file"
$AZORA_PG_CTL start >/dev/null
[ "$(q -c "$has_plan")" = 1 ] || fail "save_plans = on: the plan did not survive the restart"
[ "$(q -c "$has_sample")" = 1 ] || fail "save_plans = on: the sample did not survive the restart"
[ "$(q -c "$long_sample")" = 1 ] ||
  fail "save_plans = on: the long statement's sample did not come back complete"
echo "save_plans = on: the plan and the samples survive (the long statement complete)"
echo "PASS tracking_save_plans"
