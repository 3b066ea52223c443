#!/usr/bin/env bash
# sqlsmith.sh — 3000 random queries (sqlsmith, fixed seed) against the e-learning tables with
# the extension loaded and azora_opt.track = all (so nested statements go through the hooks
# too), run as an ordinary role that may read all statistics and call the extension's public
# functions with random arguments. Passes when no backend crashed, no azora_opt internal error
# (a C++ exception that should never happen) reached the log, and the server and the tracker
# still answer with consistent counts.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
db=smith_$$
role=smith_$$
fail() { echo "FAIL: $*"; exit 1; }
psql -XAtq -c "CREATE DATABASE $db" || fail "create database"
trap 'psql -XAtq -c "DROP DATABASE IF EXISTS $db" -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1' EXIT
export PGDATABASE=$db
psql -XAtq -c "CREATE EXTENSION IF NOT EXISTS azora_opt" || fail "create extension"
psql -Xq -v scale=1 -v ON_ERROR_STOP=1 -f "$root/scripts/elearning.sql" || fail "seed"
psql -XAtq -c "ALTER DATABASE $db SET azora_opt.track = 'all'" \
  -c "CREATE ROLE $role LOGIN" -c "GRANT pg_read_all_stats TO $role" \
  -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO $role" || fail "role"
log_lines_before=$(wc -l <"$AZORA_PG_LOG")

timeout 300 sqlsmith --target="host=$PGHOST port=$PGPORT dbname=$db user=$role" --seed=42 \
  --max-queries=3000 --exclude-catalog >"$AZORA_TMP/sqlsmith.out" 2>&1
status=$?
tail -n 5 "$AZORA_TMP/sqlsmith.out"
[ "$status" -eq 0 ] || fail "sqlsmith exited $status"

new_log=$(tail -n +"$((log_lines_before + 1))" "$AZORA_PG_LOG")
if grep -E 'terminated by signal|was terminated by|PANIC|azora_opt: internal error' <<<"$new_log"; then
  fail "the server log shows a crash or an azora_opt internal error"
fi
test "$(psql -XAtc 'SELECT 1')" = 1 || fail "server does not answer"
read -r entries calls < <(psql -XAt -F ' ' -c "SELECT count(*), coalesce(sum(calls), 0) FROM azora_opt.queries WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")
echo "tracked $entries statements, $calls calls in $db"
[ "$entries" -gt 100 ] || fail "too few statements tracked ($entries)"
info=$(psql -XAtc "SELECT entries <= max FROM azora_opt.info()")
[ "$info" = t ] || fail "info() inconsistent"
echo "ok"
