#!/usr/bin/env bash
# tracking_instructions.sh — the cost of tracking in instructions per statement, counted by
# valgrind's callgrind: deterministic where the TPS comparison (tracking_overhead.sh) is noise.
#
# Method (issue 17): a single-user backend (postgres --single, compute_query_id = on, pgbench
# scale 1) runs the first N1 and then the first N2 statements of one fixed list, each run from a
# fresh copy of the same data directory; (Ir(N2) - Ir(N1)) / (N2 - N1) is the cost of one warm
# statement, start-up, shared-memory initialisation, the first statements' cache misses and the
# shutdown cancelling out. For each statement kind (ROWS) under each preload (CONFIGS):
#   none    no library
#   pgss    pg_stat_statements
#   azora   azora_opt (tracker + result cache + index advisor, every setting at its default)
#   both    pg_stat_statements, azora_opt
# azora_opt is THIS checkout's build: the script builds it (make) and preloads it by absolute
# path, so it never measures whatever copy is installed; cached_json is declared in the test
# database with that path as well (no CREATE EXTENSION, nothing installed).
#
# Chance must not change a count either: which calls azora_opt's parameter samples take is
# random (~1,000 instructions each), and seeded per backend the N1 and N2 runs would sample
# different calls among their common first N1 (+-70 per statement between two runs of one
# build); a standalone backend draws from a fixed seed, so both runs sample the same calls.
# Wall-clock time must not change a count: the statistics flush (at most once a second of wall
# time) is subtracted from every run, azora_opt.plan_min_ms is 10 s (the one setting changed),
# and the template's statistics are taken from every row. Two runs agree within ~10
# instructions per statement (see docs/benchmarks.md).
#
# Knobs: N1 (20), N2 (120), ROWS, CONFIGS (all), JOBS parallel runs (2), AZORA_EXTRA (more -c
# settings for the azora_opt runs), AZORA_SO (default:
# built here), AZORA_BASE_SO (adds a "base" build column), KEEP=1 keeps the callgrind files
# (for callgrind_annotate) in $out. Runs as root (PostgreSQL as the postgres user) or as the
# owner of the data directories. Takes about 5 minutes on 2 vCPUs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
N1=${N1:-20}
N2=${N2:-120}
ROWS=${ROWS:-select update insert join set plpgsql select_plan cached_hit cached_miss}
CONFIGS=${CONFIGS:-none pgss azora both}
JOBS=${JOBS:-2}
VALGRIND=${VALGRIND:-valgrind}
command -v "$VALGRIND" >/dev/null || { echo "tracking_instructions: valgrind is missing (scripts/install-deps.sh)" >&2; exit 1; }

if [ -z "${AZORA_SO:-}" ]; then
  echo "build: azora_opt (make, not installed)" >&2
  make -C "$root" -s -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
  AZORA_SO="$root/azora_opt.so"
fi
[ -f "$AZORA_SO" ] || { echo "tracking_instructions: $AZORA_SO not found" >&2; exit 1; }

out=$(mktemp -d "${AZORA_TMP:-${TMPDIR:-/tmp}}/instructions.XXXXXX")
chmod 755 "$out"
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres: "$out"
cleanup() {
  [ -f "$out/template/postmaster.pid" ] &&
    as_owner "$PG_BIN/pg_ctl" -D "$out/template" -m immediate -w stop >/dev/null 2>&1
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $out" >&2; else rm -rf "$out"; fi
}
trap cleanup EXIT

# --- the template data directory: pgbench scale 1, a PL/pgSQL function, cached_json ---------
as_owner "$PG_BIN/initdb" -D "$out/template" -U postgres --auth=trust --no-sync -E UTF8 \
  --locale=C >"$out/initdb.log" 2>&1 || { cat "$out/initdb.log" >&2; exit 1; }
cat >>"$out/template/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$out'
fsync = off
compute_query_id = on
EOF
# The template server preloads azora_opt only so that CREATE FUNCTION ... LANGUAGE C can load it
# (loading it any other way is refused); it saves no statistics into the template.
as_owner "$PG_BIN/pg_ctl" -D "$out/template" -l "$out/template.log" -w -t 60 \
  -o "-c shared_preload_libraries='$AZORA_SO' -c azora_opt.save=off" start >/dev/null
as_owner "$PG_BIN/pgbench" -h "$out" -U postgres -i -q -s 1 postgres >"$out/pgbench.log" 2>&1 ||
  { cat "$out/pgbench.log" >&2; exit 1; }
as_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$out" -U postgres postgres <<SQL
-- Ten nested statements per call (run with track = all).
CREATE FUNCTION bench_ten(k int) RETURNS bigint LANGUAGE plpgsql AS \$\$
DECLARE s bigint := 0; v int;
BEGIN
  FOR i IN 1..10 LOOP
    SELECT abalance INTO v FROM pgbench_accounts WHERE aid = 1 + (k + i * 9973) % 100000;
    s := s + v;
  END LOOP;
  RETURN s;
END \$\$;
CREATE SCHEMA azora_opt;
CREATE FUNCTION azora_opt.cached_json(key text, query text, ttl interval DEFAULT NULL,
                                      params text[] DEFAULT NULL) RETURNS json
AS '$AZORA_SO', 'azora_cache_cached_json' LANGUAGE C VOLATILE PARALLEL UNSAFE;
-- Statistics from every row (1000 x 300 >= 100,000 accounts), not from a random sample, so that
-- two template builds plan alike and their figures compare.
SET default_statistics_target = 1000;
VACUUM ANALYZE;
CHECKPOINT;
SQL
as_owner "$PG_BIN/pg_ctl" -D "$out/template" -m fast -w stop >/dev/null

# --- statements ------------------------------------------------------------------------------
# statements ROW COUNT: the statement list of one row (same constants in every run).
statements() {
  python3 - "$1" "$2" <<'PY'
import random, sys
row, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(17)
for i in range(n):
    k = rnd.randint(1, 100000)
    t = rnd.randint(1, 10)
    if row in ('select', 'select_plan'):
        print(f"SELECT abalance FROM pgbench_accounts WHERE aid = {k}")
    elif row == 'update':
        print(f"UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = {k}")
    elif row == 'insert':
        print(f"INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
              f"VALUES ({t}, 1, {k}, {k % 1000}, CURRENT_TIMESTAMP)")
    elif row == 'join':
        print(f"SELECT a.abalance, b.bbalance, t.tbalance FROM pgbench_accounts a "
              f"JOIN pgbench_branches b ON b.bid = a.bid JOIN pgbench_tellers t ON t.bid = b.bid "
              f"WHERE a.aid = {k} AND t.tid = {t}")
    elif row == 'set':
        print("SET work_mem = '4MB'")
    elif row == 'plpgsql':
        print(f"SELECT bench_ten({k})")
    elif row == 'cached_hit':
        print("SELECT azora_opt.cached_json('acct:1', "
              "'SELECT abalance FROM pgbench_accounts WHERE aid = 1')")
    elif row == 'cached_miss':
        print(f"SELECT azora_opt.cached_json('miss:{i}', "
              f"'SELECT abalance FROM pgbench_accounts WHERE aid = {k}')")
PY
}

# AZORA_BASE_SO=/path/to/another/azora_opt.so adds a config "base" (that build, alone) to compare
# a change with its parent in one run, on the same template (two templates differ by up to
# ~30 instructions per statement; within one run a figure repeats to within 1).
[ -n "${AZORA_BASE_SO:-}" ] && [[ " $CONFIGS " != *" base "* ]] && CONFIGS="$CONFIGS base"
declare -A preload=([none]="" [pgss]="pg_stat_statements" [azora]="$AZORA_SO" [base]="${AZORA_BASE_SO:-}"
                    [both]="pg_stat_statements,$AZORA_SO")
# settings CONFIG ROW: the -c options of one run.
settings() {
  local c=$1 row=$2
  local -a o=(-c "shared_preload_libraries=${preload[$c]}" -c compute_query_id=on -c fsync=off)
  local pgss=0 azora=0
  [[ $c == pgss || $c == both ]] && pgss=1
  [[ $c == azora || $c == both || $c == base ]] && azora=1
  # Every azora_opt setting at its default but one: under callgrind a statement runs ~50x slower
  # and stalls whenever the shared host deschedules it, so the default plan_min_ms (the 50 ms
  # slow threshold) would capture an EXPLAIN (~100k instructions) for whichever early call
  # happens to be the slowest so far: noise of +-1000 per statement. 10 s under valgrind is a
  # call of 0.1-0.2 s natively; none of these statements comes near it.
  [ $azora = 1 ] && o+=(-c azora_opt.plan_min_ms=10000)
  # AZORA_EXTRA="name=value ...": more azora_opt settings, for analysis (e.g. what sampling
  # costs: azora_opt.samples_per_query=0).
  if [ $azora = 1 ]; then
    for kv in ${AZORA_EXTRA:-}; do o+=(-c "$kv"); done
  fi
  if [ "$row" = plpgsql ]; then
    [ $pgss = 1 ] && o+=(-c pg_stat_statements.track=all)
    [ $azora = 1 ] && o+=(-c azora_opt.track=all)
  fi
  if [ "$row" = select_plan ]; then
    [ $pgss = 1 ] && o+=(-c pg_stat_statements.track_planning=on)
    [ $azora = 1 ] && o+=(-c azora_opt.track_planning=on)
  fi
  printf '%s\n' "${o[@]}"
}

# run CONFIG ROW N -> prints the total instruction count (Ir) of one single-user run.
run() {
  local c=$1 row=$2 n=$3
  local d="$out/run.$c.$row.$n"
  cp -a "$out/template" "$d.data"
  statements "$row" "$n" >"$d.sql"
  local -a opts
  mapfile -t opts < <(settings "$c" "$row")
  as_owner "$VALGRIND" --tool=callgrind --callgrind-out-file="$d.cg" \
    "$PG_BIN/postgres" --single -D "$d.data" "${opts[@]}" postgres <"$d.sql" >"$d.out" 2>"$d.err" ||
    { echo "run $c $row $n failed:" >&2; tail -20 "$d.err" >&2; return 1; }
  if grep -q -E '^(ERROR|FATAL|PANIC)' "$d.err"; then
    echo "run $c $row $n: the backend reported errors:" >&2
    grep -m 5 -E '^(ERROR|FATAL|PANIC)' "$d.err" >&2
    return 1
  fi
  rm -rf "$d.data"
  [ "${KEEP:-0}" = 1 ] || rm -f "$d.sql" "$d.out"
  # Minus the statistics flush: PostgreSQL runs it at most once a second of wall time, so how
  # often it ran depends on how fast the (shared) host let this run go, not on the statements.
  local total flush
  total=$(sed -nE 's/^(summary|totals): ([0-9]+).*/\2/p' "$d.cg" | tail -1)
  flush=$(callgrind_annotate --inclusive=yes --threshold=100 "$d.cg" 2>/dev/null |
    awk '$0 ~ /:pgstat_report_stat \[/ { gsub(",", "", $1); print $1; exit }')
  echo $((total - ${flush:-0}))
  [ "${KEEP:-0}" = 1 ] || rm -f "$d.cg"
}

echo "N1=$N1 N2=$N2 jobs=$JOBS build=$AZORA_SO $("$VALGRIND" --version)"
# Every (row, config) pair: its two runs go to a pool of JOBS workers (instruction counts do not
# depend on what else runs on the machine), each pair's figure to its own file.
pair() {
  local row=$1 c=$2 i1 i2
  i1=$(run "$c" "$row" "$N1") && i2=$(run "$c" "$row" "$N2") || return 1
  printf '%s\t%s\t%s\t%s\t%s\n' "$row" "$c" "$i1" "$i2" $(((i2 - i1) / (N2 - N1))) \
    >"$out/pair.$row.$c"
  cat "$out/pair.$row.$c" >&2
}
expected=()
for row in $ROWS; do
  for c in $CONFIGS; do
    # cached_json needs azora_opt (and is declared for AZORA_SO's build only)
    if [[ $row == cached_* && ($c == none || $c == pgss || $c == base) ]]; then continue; fi
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
    pair "$row" "$c" &
    expected+=("$out/pair.$row.$c")
  done
done
wait
for f in "${expected[@]}"; do
  [ -s "$f" ] || { echo "tracking_instructions: $(basename "$f") failed (above)" >&2; exit 1; }
done
cat "${expected[@]}" >"$out/results.tsv"

python3 - "$out/results.tsv" "$ROWS" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    r, c, _, _, per = line.split('\t')
    rows.setdefault(r, {})[c] = int(per)
labels = {'select': 'point SELECT (pgbench -S)', 'update': 'point UPDATE (autocommit)',
          'insert': 'INSERT into pgbench_history', 'join': 'three-table join',
          'set': "utility: SET work_mem = '4MB'", 'plpgsql': 'PL/pgSQL: 10 nested SELECTs, track = all',
          'select_plan': 'point SELECT, planning tracked', 'cached_hit': 'cached_json hit',
          'cached_miss': 'cached_json miss (fill + store)'}
base = any('base' in v for v in rows.values())
def f(v): return f"{v:,}"
def d(v): return f"{v:+,}"
print("\ninstructions per statement (Ir): none absolute, the others as the delta over none;"
      " target: azora_opt - pgss <= 0")
print("| statement | none | pg_stat_statements | azora_opt | both | azora_opt − pgss |"
      + (" base build | azora_opt − base |" if base else ""))
print("|---|---:|---:|---:|---:|---:|" + ("---:|---:|" if base else ""))
for r in sys.argv[2].split():
    v = rows.get(r)
    if not v: continue
    extra = ""
    if base:
        extra = (f" {d(v['base'] - v['none'])} | {d(v['azora'] - v['base'])} |"
                 if 'base' in v and 'none' in v and 'azora' in v else " — | — |")
    if 'none' in v:
        n = v['none']
        cells = [f(n)] + [d(v[c] - n) if c in v else '—' for c in ('pgss', 'azora', 'both')]
        gap = d(v['azora'] - v['pgss']) if 'azora' in v and 'pgss' in v else '—'
        verdict = '' if gap == '—' else (' (met)' if v['azora'] <= v['pgss'] else ' (NOT met)')
        print(f"| {labels[r]} | " + ' | '.join(cells) + f" | {gap}{verdict} |" + extra)
    else:  # cached_json needs azora_opt: absolute figures, and what pgss adds on top
        a, b = v.get('azora'), v.get('both')
        note = f"pgss adds {d(b - a)}" if a is not None and b is not None else '—'
        print(f"| {labels[r]} | — | — | {f(a) if a else '—'} (absolute) | "
              f"{f(b) if b else '—'} (absolute) | {note} |" + extra)
PY
