#!/usr/bin/env bash
# tracking_save_load.sh — with azora_opt.save = on the tracker's entries (counters, histogram,
# captured plan, dealloc, stats_reset) survive a clean restart exactly; with save = off they
# do not. Starts its own cluster (scripts/cluster.sh) and restarts it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --conf "azora_opt.plan_min_ms = 0" \
    --conf "azora_opt.save_plans = on" -- bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }

q -c "CREATE EXTENSION azora_opt" >/dev/null
q -c "CREATE TABLE sl_t AS SELECT g AS id, g % 5 AS v FROM generate_series(1, 1000) g" >/dev/null
q -c "SELECT azora_opt.reset()" >/dev/null
for i in $(seq 1 7); do q -c "SELECT count(*) FROM sl_t WHERE v = $((i % 5))" >/dev/null; done
for i in $(seq 1 3); do q -c "SELECT sum(id) FROM sl_t WHERE id < $((i * 100))" >/dev/null; done

# What must survive: every column but the timing-free identity plus the exact counters, the
# percentiles (from the histogram) and the plan.
snapshot="SELECT queryid, query, calls, rows, total_exec_time, p50_exec_time, p95_exec_time,
  p99_exec_time, slow_calls, shared_blks_hit, first_seen, last_seen, has_plan
  FROM azora_opt.queries WHERE query LIKE '%sl\_t%' ORDER BY queryid"
plans="SELECT p.queryid_text FROM (SELECT q.queryid::text || ':' || p.source_text || ':' || p.plan
  AS queryid_text FROM azora_opt.queries q, azora_opt.query_plan(q.queryid) p
  WHERE q.query LIKE '%sl\_t%') p ORDER BY 1"
before=$(q -c "$snapshot")
before_plans=$(q -c "$plans")
before_info=$(q -c "SELECT dealloc, stats_reset FROM azora_opt.info()")
echo "$before" | grep -q '|7|7|' || fail "workload not counted: $before"
[ -n "$before_plans" ] || fail "no plans captured"

$AZORA_PG_CTL restart >/dev/null
[ ! -e "$AZORA_PGDATA/pg_stat/azora_opt.stat" ] || fail "the stats file must be removed once loaded"
grep -q "azora_opt: loaded [0-9]* saved statement entries" "$AZORA_PG_LOG" || fail "no load message in the log"
after=$(q -c "$snapshot")
after_plans=$(q -c "$plans")
after_info=$(q -c "SELECT dealloc, stats_reset FROM azora_opt.info()")
[ "$before" = "$after" ] || fail "entries changed across restart:
$before
---
$after"
[ "$before_plans" = "$after_plans" ] || fail "plans changed across restart"
[ "$before_info" = "$after_info" ] || fail "info changed across restart: $before_info / $after_info"
echo "save = on: $(echo "$after" | wc -l) entries identical after restart"

q -c "ALTER SYSTEM SET azora_opt.save = off" >/dev/null
$AZORA_PG_CTL restart >/dev/null
left=$(q -c "SELECT count(*) FROM azora_opt.queries WHERE query LIKE '%sl\_t%'")
[ "$left" = 0 ] || fail "save = off still loaded $left entries"
[ ! -e "$AZORA_PGDATA/pg_stat/azora_opt.stat" ] || fail "save = off left a stats file"
echo "save = off: nothing kept"

# A crash (a backend killed: the postmaster reinitializes shared memory) saves nothing, and
# nothing stale comes back.
q -c "ALTER SYSTEM SET azora_opt.save = on" >/dev/null
$AZORA_PG_CTL restart >/dev/null
q -c "SELECT count(*) FROM sl_t WHERE v = 1" >/dev/null
psql -X -At -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
sleeper=$!
for _ in $(seq 1 50); do
  victim=$(q -c "SELECT pid FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'")
  [ -n "$victim" ] && break
  sleep 0.1
done
[ -n "$victim" ] || fail "no backend to crash"
kill -9 "$victim"
wait "$sleeper" || true
for _ in $(seq 1 100); do q -c "SELECT 1" >/dev/null 2>&1 && break; sleep 0.1; done
grep -q "terminated by signal 9" "$AZORA_PG_LOG" || fail "the server did not go through crash recovery"
left=$(q -c "SELECT count(*) FROM azora_opt.queries WHERE query LIKE '%sl\_t%'")
[ "$left" = 0 ] || fail "entries survived a crash: $left"
[ ! -e "$AZORA_PGDATA/pg_stat/azora_opt.stat" ] || fail "a crash wrote a stats file"
echo "crash: nothing saved, nothing resurrected"
echo "PASS tracking_save_load"
