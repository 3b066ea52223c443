#!/usr/bin/env bash
# tracking_overhead.sh — the cost of slow-query tracking: pgbench TPS with no extension,
# pg_stat_statements, azora_opt, and both, in interleaved rounds (A B C D A B C D ...) within
# one run, for pgbench -S and an e-learning script. Server pinned to CPU 0, pgbench to CPU 1.
# Run by scripts/bench.sh tracking_overhead (inside a throwaway cluster: PGHOST, AZORA_PG_CTL,
# ...). Knobs: ROUNDS (4), DURATION seconds per measurement (15), CLIENTS (4), SCALE (10).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
ROUNDS=${ROUNDS:-4}
DURATION=${DURATION:-15}
CLIENTS=${CLIENTS:-4}
SCALE=${SCALE:-10}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
configs=(none pgss azora both)
declare -A preload=([none]="" [pgss]="pg_stat_statements" [azora]="azora_opt"
                    [both]="pg_stat_statements, azora_opt")
out="${AZORA_TMP:-/tmp}/tracking_overhead"
mkdir -p "$out"
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

q -c "ALTER SYSTEM SET max_connections = 20" -c "ALTER SYSTEM SET autovacuum = off"
"$PG_BIN/pgbench" -i -q -s "$SCALE" >/dev/null 2>&1
q -c "SET client_min_messages = warning" -f "$here/tracking_elearning_schema.sql" >/dev/null

# ALTER SYSTEM cannot set an empty list (it would write '""'), so "none" is a RESET, which must
# not fall back to cluster.sh's postgresql.conf line.
sed -i '/^shared_preload_libraries/d' "$AZORA_PGDATA/postgresql.conf"
start_config() {  # restart with this config's preload list, pin every server process
  if [ -n "${preload[$1]}" ]; then
    q -c "ALTER SYSTEM SET shared_preload_libraries = ${preload[$1]}"
  else
    q -c "ALTER SYSTEM RESET shared_preload_libraries"
  fi
  $AZORA_PG_CTL restart >/dev/null
  local pm
  pm=$(head -1 "$AZORA_PGDATA/postmaster.pid")
  for pid in $pm $(pgrep -P "$pm"); do taskset -a -p -c "$SERVER_CPU" "$pid" >/dev/null; done
  [ "$(q -c 'SHOW shared_preload_libraries')" = "${preload[$1]}" ]
}

run_pgbench() {  # run_pgbench LABEL ARGS... -> prints TPS
  local label=$1
  shift
  taskset -c "$CLIENT_CPU" "$PG_BIN/pgbench" -n -c "$CLIENTS" -j 1 "$@" >"$out/$label.log" 2>&1 ||
    { cat "$out/$label.log" >&2; return 1; }
  sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$out/$label.log" | tail -1
}

echo "rounds=$ROUNDS duration=${DURATION}s clients=$CLIENTS scale=$SCALE server_cpu=$SERVER_CPU client_cpu=$CLIENT_CPU"
: >"$out/results.tsv"
for round in $(seq 1 "$ROUNDS"); do
  for c in "${configs[@]}"; do
    start_config "$c"
    run_pgbench warmup -S -T 3 >/dev/null
    s=$(run_pgbench select -S -T "$DURATION")
    e=$(run_pgbench elearning -f "$here/tracking_elearning.pgbench" -T "$DURATION")
    printf '%s\t%s\tselect\t%s\n' "$round" "$c" "$s" >>"$out/results.tsv"
    printf '%s\t%s\telearning\t%s\n' "$round" "$c" "$e" >>"$out/results.tsv"
    echo "round $round  $c  select-only $s tps  e-learning $e tps"
  done
done
# Sanity: azora_opt really tracked the workload in its last round.
start_config azora
run_pgbench check -S -T 2 >/dev/null
q -c "CREATE EXTENSION IF NOT EXISTS azora_opt"
echo "azora_opt entries for pgbench_accounts: $(q -c "SELECT count(*) || ' entries, ' || sum(calls) || ' calls' FROM azora_opt.queries WHERE query LIKE '%pgbench_accounts%'")"

python3 - "$out/results.tsv" <<'PY'
import statistics, sys
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n') if l]
for script in ('select', 'elearning'):
    med = {}
    print(f"\n{script}: median TPS over rounds, ratio to none, overhead")
    for c in ('none', 'pgss', 'azora', 'both'):
        v = [float(r[3]) for r in rows if r[1] == c and r[2] == script]
        med[c] = statistics.median(v)
    for c in ('none', 'pgss', 'azora', 'both'):
        ratio = med[c] / med['none']
        runs = ' '.join(f"{float(r[3]):.0f}" for r in rows if r[1] == c and r[2] == script)
        print(f"  {c:6s} {med[c]:9.1f}  x{ratio:.3f}  overhead {100 * (1 - ratio):5.2f} %   (rounds: {runs})")
    a = 100 * (1 - med['azora'] / med['none'])
    p = 100 * (1 - med['pgss'] / med['none'])
    print(f"  azora_opt vs none: x{med['azora'] / med['none']:.3f} (target >= 0.97: {'met' if med['azora'] / med['none'] >= 0.97 else 'NOT met'}); "
          f"overhead minus pg_stat_statements': {a - p:+.2f} points (target <= 1: {'met' if a - p <= 1 else 'NOT met'})")
PY
