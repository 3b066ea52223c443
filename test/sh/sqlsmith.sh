#!/usr/bin/env bash
# sqlsmith.sh — random queries (sqlsmith, fixed seed) against the e-learning tables with the
# extension loaded and azora_opt.track = all (so nested statements go through the hooks too), run
# as an ordinary role that may read all statistics and call the extension's public functions
# with random arguments; then the index advisor over what that tracked (issue 15): advise_indexes()
# at each budget, as the superuser and once as the ordinary role, each in a fresh backend, timed
# and its peak memory measured (test/sh/advise_probe.py). Passes when no backend crashed, no
# azora_opt internal error (a C++ exception that should never happen) reached the log, the server
# and the tracker still answer with consistent counts, and every advise_indexes() call returned
# rows without an error, within the time and memory bounds.
#
# Knobs (the defaults are the make test run; docs/testing.md has the recorded long run):
#   SQLSMITH_QUERIES=3000         random queries
#   SQLSMITH_SEED=42              sqlsmith's seed
#   SQLSMITH_BUDGETS="NULL 1MB"   advise_indexes() budgets (NULL or bytes with kB/MB/GB)
#   SQLSMITH_ADVISE_TIMEOUT=600   seconds one advise_indexes() call may take
#   SQLSMITH_ADVISE_MAX_MB=2048   peak private memory (MB) one advise_indexes() backend may reach
#   SQLSMITH_KEEP=0               1: keep the database and role (a long run's tracked workload
#                                 stays for more advise_probe.py calls in the same cluster)
# azora_opt.advisor_min_calls is 1 for the advise calls: sqlsmith's statements are nearly all
# distinct and run once, and at the default (2) the advisor would leave almost all of them out.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
queries=${SQLSMITH_QUERIES:-3000}
seed=${SQLSMITH_SEED:-42}
budgets=${SQLSMITH_BUDGETS:-NULL 1MB}
advise_timeout=${SQLSMITH_ADVISE_TIMEOUT:-600}
advise_max_mb=${SQLSMITH_ADVISE_MAX_MB:-2048}
db=smith_$$
role=smith_$$
fail() { echo "FAIL: $*"; exit 1; }
psql -XAtq -c "CREATE DATABASE $db" || fail "create database"
if [ "${SQLSMITH_KEEP:-0}" = 1 ]; then
  echo "keeping database $db and role $role"
else
  trap 'psql -XAtq -c "DROP DATABASE IF EXISTS $db" -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1' EXIT
fi
export PGDATABASE=$db
psql -XAtq -c "CREATE EXTENSION IF NOT EXISTS azora_opt" || fail "create extension"
psql -Xq -v scale=1 -v ON_ERROR_STOP=1 -f "$root/scripts/elearning.sql" || fail "seed"
psql -XAtq -c "ALTER DATABASE $db SET azora_opt.track = 'all'" \
  -c "CREATE ROLE $role LOGIN" -c "GRANT pg_read_all_stats TO $role" \
  -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO $role" || fail "role"
log_lines_before=$(wc -l <"$AZORA_PG_LOG")

check_log() {  # check_log WHAT: no crash or internal error in the log since the start
  # Streamed, not read into a variable: a long run logs hundreds of MB of sqlsmith's errors.
  if tail -n +"$((log_lines_before + 1))" "$AZORA_PG_LOG" |
    grep -E -B2 -A20 'terminated by signal|was terminated by|PANIC|azora_opt: internal error'; then
    fail "the server log shows a crash or an azora_opt internal error ($1)"
  fi
  test "$(psql -XAtc 'SELECT 1')" = 1 || fail "server does not answer ($1)"
}

started=$(date +%s)
# 0.1 s a query is several times what sqlsmith needs here: the bound only catches a hang.
timeout $((300 + queries / 10)) sqlsmith --target="host=$PGHOST port=$PGPORT dbname=$db user=$role" \
  --seed="$seed" --max-queries="$queries" --exclude-catalog >"$AZORA_TMP/sqlsmith.out" 2>&1
status=$?
tail -n 5 "$AZORA_TMP/sqlsmith.out"
echo "sqlsmith: $queries queries (seed $seed) in $(($(date +%s) - started)) s"
[ "$status" -eq 0 ] || fail "sqlsmith exited $status"
check_log "sqlsmith"
read -r entries calls < <(psql -XAt -F ' ' -c "SELECT count(*), coalesce(sum(calls), 0) FROM azora_opt.queries WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")
echo "tracked $entries statements, $calls calls in $db"
[ "$entries" -gt 100 ] || fail "too few statements tracked ($entries)"
info=$(psql -XAtc "SELECT entries <= max FROM azora_opt.info()")
[ "$info" = t ] || fail "info() inconsistent"

# The advisor over everything sqlsmith left in the tracker.
echo "advisable (calls >= 1, queryid known): $(psql -XAtc "SELECT count(*) FROM azora_opt.queries WHERE queryid IS NOT NULL AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")"
probe=(/usr/bin/python3 "$root/test/sh/advise_probe.py" --min-calls 1 --timeout "$advise_timeout"
  --max-anon-mb "$advise_max_mb")
# shellcheck disable=SC2086  # budgets is a word list
"${probe[@]}" $budgets || fail "advise_indexes() as the superuser"
check_log "advise_indexes() as the superuser"
PGUSER=$role "${probe[@]}" NULL || fail "advise_indexes() as $role"
check_log "advise_indexes() as $role"
echo "ok"
