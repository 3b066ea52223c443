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
# Index advisor: advice for a tracked workload on two tables without indexes, as text and JSON,
# bad options, --apply (one line per index with its build time, then the plans before/after),
# and the unused / redundant reports.
psql -XAtq -c 'SET client_min_messages = warning' -c 'DROP TABLE IF EXISTS cli_users' \
  -c 'CREATE TABLE cli_users (id int PRIMARY KEY, email text NOT NULL, grp int)' \
  -c "INSERT INTO cli_users SELECT g, 'u' || g || '@x.org', g % 10 FROM generate_series(1, 20000) g" \
  -c 'ANALYZE cli_users'
for i in 1 2 3; do psql -XAtqc "SELECT id FROM cli_users WHERE email = 'u$i@x.org'" >/dev/null; done
check "advise shows the index with its DDL" 0 'CREATE INDEX CONCURRENTLY ON public.cli_users \(email\)' -- "$cli" advise
check "advise --format json" 0 '^\[\{"ddl":"CREATE INDEX CONCURRENTLY ON public.cli_users \(email\)".*"queryids":\[-?[0-9]+\]' -- "$cli" advise --format json
check "advise within a tiny budget advises nothing" 0 '^no index to advise' -- "$cli" advise --budget 8kB
check "advise with a zero budget: 22023 and a hint" 1 'SQLSTATE 22023' -- "$cli" advise --budget 0
check "advise with an unknown option is bad usage" 2 "unknown option '--frob'" -- "$cli" advise --frob
applied=$("$cli" advise --apply 2>&1)
check "advise --apply: a progress line with the build time" 0 '^\[1/1\] CREATE INDEX CONCURRENTLY ON public.cli_users \(email\) \.\.\. built in [0-9.]+ s$' -- echo "$applied"
check "advise --apply: the statement re-planned, cheaper" 0 '^query -?[0-9]+: plan cost [0-9.]+ -> [0-9.]+$' -- echo "$applied"
check "advise --apply: cost fell" 0 '^yes$' -- bash -c "grep -oE 'plan cost [0-9.]+ -> [0-9.]+' <<<'$applied' | awk '{ print (\$3 > \$5) ? \"yes\" : \"no\" }'"
check "the applied index exists" 0 '^cli_users_email_idx$' -- psql -XAtc "SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'cli_users'::regclass AND NOT indisprimary"
psql -XAtqc 'CREATE INDEX cli_users_email_dup ON cli_users (email)'
check "indexes --redundant names the duplicate" 0 'cli_users_email_dup .*DROP INDEX CONCURRENTLY public.cli_users_email_dup' -- "$cli" indexes --redundant
check "indexes --unused lists a never-scanned index" 0 'cli_users_email_dup' -- "$cli" indexes --unused --format json
check "indexes without a report is bad usage" 2 'needs --unused or --redundant' -- "$cli" indexes
psql -XAtqc 'DROP TABLE cli_users'
exit $fail
