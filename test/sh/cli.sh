#!/usr/bin/env bash
# cli.sh — the azora-opt command line against the running throwaway cluster: each command's
# output, exit codes for bad usage (2) and server errors (1, with SQLSTATE and hint).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cli="$root/build/client/azora-opt"
fail=0
check() {  # check DESCRIPTION EXPECTED_STATUS PATTERN -- CMD...
  local what=$1 want=$2 pattern=$3; shift 4
  local out status
  out=$("$@" 2>&1); status=$?
  if [ "$status" -ne "$want" ] || ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL: $what (status $status, want $want; pattern '$pattern')"; echo "$out" | head -20
    fail=1
  else
    echo "ok: $what"
  fi
}
psql -XAtqc 'CREATE EXTENSION IF NOT EXISTS azora_opt'
# Capture every slowest call's plan (plan_min_ms is server-wide: ALTER SYSTEM, then reload).
psql -XAtq -c 'ALTER SYSTEM SET azora_opt.plan_min_ms = 0' -c 'SELECT pg_reload_conf()' >/dev/null
trap "psql -XAtq -c 'ALTER SYSTEM RESET azora_opt.plan_min_ms' -c 'SELECT pg_reload_conf()' >/dev/null" EXIT
check "version" 0 '^azora_opt extension 1\.0\.0 \(server 15[0-9]{4}\)$' -- "$cli" version
check "ping over the socket" 0 '^pong from backend [0-9]+ in [0-9]+ us$' -- "$cli" ping
check "ping over TCP with --dsn" 0 '^pong from backend' -- "$cli" --dsn "$AZORA_PG_TCP_CONNINFO" ping
check "help lists the commands" 0 'top \[N\] \[ORDER_BY\]' -- "$cli" --help
check "no command is bad usage" 2 '^usage: azora-opt' -- "$cli"
check "unknown command is bad usage" 2 "unknown command 'frobnicate'" -- "$cli" frobnicate
check "plan without a queryid is bad usage" 2 'plan needs a queryid' -- "$cli" plan
check "unreachable server" 1 'could not connect' -- "$cli" --dsn "host=/nonexistent/azora port=1" ping
# Tracking commands over a known workload.
"$cli" reset >/dev/null
for i in 1 2 3; do psql -XAtqc "SELECT count(*) FROM generate_series(1, $i * 1000) AS g WHERE g % 7 = 0" >/dev/null; done
qid=$(psql -XAtc "SELECT queryid FROM azora_opt.queries WHERE query LIKE 'SELECT count(*) FROM generate_series%'")
check "top shows the statement with its calls" 0 "^ *-?[0-9]+ \\| +3 \\| .*SELECT count\\(\\*\\) FROM generate_series\\(\\\$1, \\\$2 \\* \\\$3\\)" -- "$cli" top 5 calls
check "top rejects an unknown order with 22023 and a hint" 1 'SQLSTATE 22023' -- "$cli" top 5 latency
check "plan of the slowest call" 0 'Function Scan on generate_series' -- "$cli" plan "$qid"
check "plan of an unknown queryid" 1 'no plan recorded' -- "$cli" plan 42
check "metrics is Prometheus text" 0 '^# TYPE azora_db_query_duration_seconds histogram' -- "$cli" metrics
check "info" 0 'entries' -- "$cli" info
exit $fail
