#!/usr/bin/env bash
# tracking_churn.sh — the cost of plan capture on a workload of many distinct fast statements
# (ORM-style IN-lists): 10k statements, each with a new query id, run by one psql session pinned
# to CPU 1 (server on CPU 0). Three variants in interleaved rounds (A B C C B A ...):
#   capture_all   azora_opt.plan_min_ms = 0: every new entry's first call renders an EXPLAIN
#                 (what the tracker did before plan_min_ms)
#   default       plan_min_ms = -1 (the 50 ms slow threshold): fast calls pay for no EXPLAIN
#   untracked     azora_opt.track = none for the session (the library loaded, nothing counted)
# The tracker is reset before each run, so every statement creates an entry (and, with 10k
# statements over azora_opt.max = 5000, evictions happen as in real churn).
# Run inside a throwaway cluster: scripts/cluster.sh --no-redis -- bash test/bench/tracking_churn.sh
# Knobs: ROUNDS (4), STATEMENTS (10000: L x M lists with L, M <= 100), SERVER_CPU, CLIENT_CPU.
set -euo pipefail
ROUNDS=${ROUNDS:-4}
STATEMENTS=${STATEMENTS:-10000}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
out="${AZORA_TMP:-/tmp}/tracking_churn"
mkdir -p "$out"
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
q -c "CREATE EXTENSION IF NOT EXISTS azora_opt" \
  -c "CREATE TABLE IF NOT EXISTS churn_t AS SELECT g AS id, g % 100 AS v FROM generate_series(1, 10000) g" \
  -c "CREATE INDEX IF NOT EXISTS churn_t_id ON churn_t (id)" -c "ANALYZE churn_t"
# STATEMENTS distinct query ids: IN-lists of every length pair (L, M).
python3 - "$STATEMENTS" >"$out/statements.sql" <<'PY'
import sys
n = int(sys.argv[1]); side = 1
while side * side < n: side += 1
k = 0
for l in range(1, side + 1):
    for m in range(1, side + 1):
        if k == n: break
        ids = ",".join(str(i) for i in range(1, l + 1))
        vs = ",".join(str(i) for i in range(m))
        print(f"SELECT id FROM churn_t WHERE id IN ({ids}) AND v IN ({vs});")
        k += 1
PY
pm=$(head -1 "$AZORA_PGDATA/postmaster.pid")
for pid in $pm $(pgrep -P "$pm"); do taskset -a -p -c "$SERVER_CPU" "$pid" >/dev/null; done

set_plan_min() {
  q -c "ALTER SYSTEM SET azora_opt.plan_min_ms = $1" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.3
}
run() {  # run VARIANT -> seconds for all statements
  local variant=$1 options=""
  case "$variant" in
    capture_all) set_plan_min 0 ;;
    default) set_plan_min -1 ;;
    untracked) set_plan_min -1; options="-c azora_opt.track=none" ;;
  esac
  q -c "SELECT azora_opt.reset()" >/dev/null
  local before after
  before=$(q -c "SELECT plan_captures FROM azora_opt.info()")
  local start end
  start=$(date +%s%N)
  PGOPTIONS="$options" taskset -c "$CLIENT_CPU" psql -X -q -o /dev/null -f "$out/statements.sql"
  end=$(date +%s%N)
  after=$(q -c "SELECT plan_captures FROM azora_opt.info()")
  echo "$(python3 -c "print(($end - $start) / 1e9)") $((after - before))"
}
variants=(capture_all default untracked)
: >"$out/results.tsv"
echo "rounds=$ROUNDS statements=$STATEMENTS"
for round in $(seq 1 "$ROUNDS"); do
  order=("${variants[@]}")
  [ $((round % 2)) -eq 0 ] && order=(untracked default capture_all)
  for v in "${order[@]}"; do
    read -r secs captures < <(run "$v")
    printf '%s\t%s\t%s\t%s\n' "$round" "$v" "$secs" "$captures" >>"$out/results.tsv"
    echo "round $round  $v  ${secs}s  captures $captures"
  done
done
set_plan_min -1
python3 - "$out/results.tsv" "$STATEMENTS" <<'PY'
import statistics, sys
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n') if l]
n = int(sys.argv[2])
med = {v: statistics.median(float(r[2]) for r in rows if r[1] == v) for v in ('capture_all', 'default', 'untracked')}
cap = {v: statistics.median(int(r[3]) for r in rows if r[1] == v) for v in med}
print(f"\nmedians over rounds, {n} distinct statements:")
for v in med:
    print(f"  {v:12s} {med[v]:7.3f} s  {1e6 * med[v] / n:7.1f} us/statement  captures {cap[v]}"
          f"  x{med[v] / med['untracked']:.3f} of untracked")
print(f"  plan capture on every new entry costs {1e6 * (med['capture_all'] - med['default']) / n:.1f} us"
      f" per new statement; the default (plan_min_ms) saves x{med['capture_all'] / med['default']:.2f}")
PY
