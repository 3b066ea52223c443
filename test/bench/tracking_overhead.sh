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

# run_pgbench LABEL ARGS... -> prints "TPS CPU_US_PER_TX". Besides TPS, which other load on
# this shared machine disturbs, it samples the CPU time (utime + stime from /proc) of the
# pgbench backends every 0.2 s: server CPU per transaction does not depend on how much CPU the
# server got, so it compares the variants even when TPS is noisy.
run_pgbench() {
  local label=$1
  shift
  taskset -c "$CLIENT_CPU" "$PG_BIN/pgbench" -n -c "$CLIENTS" -j 1 "$@" >"$out/$label.log" 2>&1 &
  local bench=$!
  local -A cpu=()
  local pids=""
  while kill -0 "$bench" 2>/dev/null; do
    if [ "$(echo $pids | wc -w)" -lt "$CLIENTS" ]; then  # until every client has connected
      pids=$(q -c "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity
                   WHERE application_name = 'pgbench'" 2>/dev/null || true)
    fi
    for p in $pids; do
      local t
      t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) && cpu[$p]=$t
    done
    sleep 0.2
  done
  wait "$bench" || { cat "$out/$label.log" >&2; return 1; }
  local tps tx ticks=0
  tps=$(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$out/$label.log" | tail -1)
  tx=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$out/$label.log")
  for p in "${!cpu[@]}"; do ticks=$((ticks + cpu[$p])); done
  echo "$tps $(python3 -c "print(f'{$ticks * 1e6 / $(getconf CLK_TCK) / max($tx, 1):.1f}')")"
}

echo "rounds=$ROUNDS duration=${DURATION}s clients=$CLIENTS scale=$SCALE server_cpu=$SERVER_CPU client_cpu=$CLIENT_CPU"
: >"$out/results.tsv"
# CONFIGS and WORKLOADS narrow a run (e.g. CONFIGS="none azora pgss" WORKLOADS=select); odd
# rounds go through CONFIGS forwards and even rounds backwards (A B C C B A ...), so no variant
# always runs at the same point of a round.
read -r -a run_configs <<<"${CONFIGS:-${configs[*]}}"
WORKLOADS=${WORKLOADS:-select elearning}
for round in $(seq 1 "$ROUNDS"); do
  order=("${run_configs[@]}")
  if [ $((round % 2)) -eq 0 ]; then
    order=()
    for ((i = ${#run_configs[@]} - 1; i >= 0; i--)); do order+=("${run_configs[$i]}"); done
  fi
  for c in "${order[@]}"; do
    start_config "$c"
    run_pgbench warmup -S -T 3 >/dev/null
    line="round $round  $c "
    if [[ " $WORKLOADS " == *" select "* ]]; then
      read -r s s_cpu < <(run_pgbench select -S -T "$DURATION")
      printf '%s\t%s\tselect\t%s\t%s\n' "$round" "$c" "$s" "$s_cpu" >>"$out/results.tsv"
      line+=" select-only $s tps ${s_cpu} us/tx"
    fi
    if [[ " $WORKLOADS " == *" elearning "* ]]; then
      read -r e e_cpu < <(run_pgbench elearning -f "$here/tracking_elearning.pgbench" -T "$DURATION")
      printf '%s\t%s\telearning\t%s\t%s\n' "$round" "$c" "$e" "$e_cpu" >>"$out/results.tsv"
      line+=" e-learning $e tps ${e_cpu} us/tx"
    fi
    echo "$line"
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
configs = [c for c in ('none', 'pgss', 'azora', 'both') if any(r[1] == c for r in rows)]
for script in [s for s in ('select', 'elearning') if any(r[2] == s for r in rows)]:
    tps = {c: [float(r[3]) for r in rows if r[1] == c and r[2] == script] for c in configs}
    cpu = {c: [float(r[4]) for r in rows if r[1] == c and r[2] == script] for c in configs}
    mt = {c: statistics.median(tps[c]) for c in configs}
    mc = {c: statistics.median(cpu[c]) for c in configs}
    print(f"\n{script}: medians over rounds (TPS ratio to none; server CPU us per transaction)")
    for c in configs:
        print(f"  {c:6s} TPS {mt[c]:9.1f}  x{mt[c] / mt['none']:.3f}   CPU {mc[c]:7.1f} us/tx  "
              f"x{mc['none'] / mc[c]:.3f} of none's throughput per CPU"
              f"   (TPS rounds: {' '.join(f'{v:.0f}' for v in tps[c])})")
    if not {'none', 'pgss', 'azora'} <= set(mt): continue  # the verdict needs all three
    for name, m, inverse in (('TPS', mt, False), ('CPU/tx', mc, True)):
        ratio = (m['none'] / m['azora']) if inverse else (m['azora'] / m['none'])
        pg = (m['none'] / m['pgss']) if inverse else (m['pgss'] / m['none'])
        gap = 100 * (pg - ratio)
        print(f"  by {name}: azora_opt x{ratio:.3f} of none (target >= 0.95: {'met' if ratio >= 0.95 else 'NOT met'}), "
              f"pg_stat_statements x{pg:.3f}; azora_opt's overhead exceeds pg_stat_statements' by {gap:+.2f} points "
              f"(target <= 0, i.e. no more than pg_stat_statements': {'met' if gap <= 0 else 'NOT met'})")
PY
