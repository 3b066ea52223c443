#!/usr/bin/env bash
# tracking_load.sh — 100k (then 3000 more) distinct statements through a table of 1000 entries
# (least-used eviction) while 4 pgbench clients run known workloads: the server survives, the
# table never exceeds azora_opt.max, evictions are counted, the statements busy during the
# evictions keep exact counts, and no session is left waiting on the tracker's lock. Starts its
# own cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --conf "azora_opt.max = 1000" -- bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }
PGBENCH=${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}

q -c "CREATE EXTENSION azora_opt" >/dev/null
q -c "CREATE TABLE load_t AS SELECT g AS id, 0 AS v FROM generate_series(1, 100) g" >/dev/null
q -c "ALTER TABLE load_t ADD PRIMARY KEY (id)" >/dev/null
q -c "SELECT azora_opt.reset()" >/dev/null
cat >"$AZORA_TMP/a.pgbench" <<'PGB'
\set id random(1, 100)
SELECT v FROM load_t WHERE id = :id;
UPDATE load_t SET v = v + 1 WHERE id = :id;
PGB
cat >"$AZORA_TMP/b.pgbench" <<'PGB'
\set id random(1, 100)
SELECT v FROM load_t WHERE id = :id AND v >= 0;
UPDATE load_t SET v = v + 2 WHERE id = :id AND v >= 0;
PGB
bench() {  # bench SCRIPT: 4 clients x 500 transactions
  "$PGBENCH" -n -c 4 -j 2 -t 500 -f "$1" >"$AZORA_TMP/pgbench.log" 2>&1 ||
    { cat "$AZORA_TMP/pgbench.log"; fail "pgbench failed"; }
}

# Phase 1: 100k distinct top-level statements in one session (utility statements' query ids
# hash their text, so each SET is its own entry) while pgbench runs script a.
q >/dev/null <<'SQL' &
SELECT format('SET load.v%s = %s', g % 7, g) FROM generate_series(1, 100000) g \gexec
SQL
flood_pid=$!
bench "$AZORA_TMP/a.pgbench"
wait "$flood_pid" || fail "the flood of utility statements failed"
entries=$(q -c "SELECT entries FROM azora_opt.info()")
dealloc=$(q -c "SELECT dealloc FROM azora_opt.info()")
echo "after 100k distinct statements: entries=$entries dealloc=$dealloc"
[ "$entries" -le 1000 ] || fail "table exceeded azora_opt.max: $entries"
[ "$dealloc" -ge 100 ] || fail "too few evictions counted: $dealloc"

# Phase 2: 3000 distinct plannable shapes (each has constants, so its entry is created when
# parsed, before it runs) while pgbench runs script b. Script a's entries have decayed away by
# now (least-used eviction weighs recent use); script b's, busy during the evictions, must keep
# exact counts. Matched by LIKE so either text form (normalized, or as run if its parse-time
# entry was evicted before the first call finished) counts: they share one key.
q >/dev/null <<'SQL' &
SELECT d || string_agg('1', ', ') FROM generate_series(1, 1500) n,
  LATERAL generate_series(1, n) k, unnest(ARRAY['SELECT ', 'SELECT DISTINCT ']) d
  GROUP BY n, d \gexec
SQL
flood_pid=$!
bench "$AZORA_TMP/b.pgbench"
wait "$flood_pid" || fail "the flood of plannable statements failed"
dealloc2=$(q -c "SELECT dealloc FROM azora_opt.info()")
echo "after 3000 more: dealloc=$dealloc2"
[ "$dealloc2" -gt "$dealloc" ] || fail "phase 2 evicted nothing"
hot=$(q -c "SELECT
  (SELECT sum(calls) || '/' || sum(rows) || '/' || count(*) FROM azora_opt.queries
    WHERE query LIKE 'SELECT v FROM load\_t WHERE id = % AND v >= %'),
  (SELECT sum(calls) || '/' || sum(rows) || '/' || count(*) FROM azora_opt.queries
    WHERE query LIKE 'UPDATE load\_t SET v = v + % WHERE id = % AND v >= %')")
echo "script b (calls/rows/entries): $hot"
[ "$hot" = "2000/2000/1|2000/2000/1" ] || fail "script b's statements lost counts: $hot"
[ "$(q -c "SELECT sum(v) FROM load_t")" = 6000 ] || fail "the workloads did not run fully"
waiting=$(q -c "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'azora_opt'")
[ "$waiting" = 0 ] || fail "$waiting sessions wait on the tracker lock"
# The view and every API function still work on a table full of evicted-and-recreated entries.
q -c "SELECT count(*) FROM azora_opt.queries" >/dev/null
q -c "SELECT count(*) FROM azora_opt.top_queries(50, 'p99')" >/dev/null
q -c "SELECT length(azora_opt.metrics()) > 0" >/dev/null
! grep -E "PANIC|terminated by signal|TRAP:" "$AZORA_PG_LOG" || fail "server log shows a crash"
echo "PASS tracking_load"
