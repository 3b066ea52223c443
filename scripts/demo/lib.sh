# lib.sh — helpers shared by the demo steps (sourced, not run).
AZORA_CLI=${AZORA_CLI:-build/client/azora-opt}
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
say() { printf '    %s\n' "$*"; }
# Milliseconds taken by a command, printed as "NAME: N ms".
timed() {
  local name=$1; shift
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  printf '    %-40s %8.2f ms\n' "$name" "$(echo "($end - $start) / 1000000" | bc -l)"
}
# Server-side execution time of one query (best of 3, from EXPLAIN ANALYZE) and its plan's
# top scan, printed as "NAME  N ms  (plan)".
endpoint() {
  local name=$1 sql=$2 best="" plan
  for _ in 1 2 3; do
    local ms
    ms=$(psql -XAtc "EXPLAIN (ANALYZE, FORMAT JSON) $sql" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Execution Time"])')
    if [ -z "$best" ] || [ "$(echo "$ms < $best" | bc -l)" = 1 ]; then best=$ms; fi
  done
  plan=$(psql -XAtc "EXPLAIN (COSTS OFF) $sql" | grep -oE '(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)[^(]*' | head -1 | sed 's/ *$//')
  printf '    %-42s %8.3f ms   (%s)\n' "$name" "$best" "$plan"
}
