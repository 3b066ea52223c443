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

# The example API (client/examples/api) for the before/after measurement.
AZORA_API=${AZORA_API:-build/client/azora-example-api}
API_THREADS=${API_THREADS:-8}
DEMO_LOAD_SECONDS=${DEMO_LOAD_SECONDS:-15}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
# api_start MODE [ARGS...]: starts the API in the background; sets API_URL and API_PID.
api_start() {
  local mode=$1; shift
  local port
  port=$(free_port)
  "$AZORA_API" --mode "$mode" --listen "127.0.0.1:$port" --threads "$API_THREADS" \
    --dsn "$AZORA_PG_TCP_CONNINFO" "$@" >"$AZORA_TMP/api-$mode.log" 2>&1 &
  API_PID=$!
  API_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    curl -sf "$API_URL/metrics" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the API did not start; its log:" >&2
  cat "$AZORA_TMP/api-$mode.log" >&2
  return 1
}
api_stop() {
  kill "$API_PID" 2>/dev/null || true
  wait "$API_PID" 2>/dev/null || true
}
# api_load LABEL: DEMO_LOAD_SECONDS of wrk with the endpoint mix (test/bench/api_mix.lua);
# writes its machine-readable summary to $AZORA_TMP/LABEL.load (key=value per line).
api_load() {
  local label=$1
  # One keep-alive connection per API worker thread: cpp-httplib serves a connection on one
  # thread, so more connections than workers would queue and show as latency.
  wrk -t2 -c"$API_THREADS" -d"${DEMO_LOAD_SECONDS}s" --timeout 10s -s test/bench/api_mix.lua "$API_URL" \
    >"$AZORA_TMP/$label.wrk" 2>&1
  grep '^api_mix:' "$AZORA_TMP/$label.wrk" | sed 's/^api_mix: //' | tr ' ' '\n' >"$AZORA_TMP/$label.load"
  [ -s "$AZORA_TMP/$label.load" ] || { cat "$AZORA_TMP/$label.wrk" >&2; return 1; }
}
# load_value LABEL KEY: one figure of an api_load summary.
load_value() { sed -n "s/^$2=//p" "$AZORA_TMP/$1.load"; }
