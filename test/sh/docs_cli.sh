#!/usr/bin/env bash
# docs_cli.sh — every `$ ...` example of docs/cli.md runs as written and exits as documented
# (0 unless marked `# exit N`; a `--format json` one must print valid JSON), against its own
# primary and streaming standby with the demo schema and a small workload: the statement of the
# `plan` example (its query id is PostgreSQL's and the same on every PostgreSQL 15), e-learning
# lookups for `advise`, and pg_sleep calls on the standby for the merged `report`. JSON output
# is checked against its command's schema (test/docs/cli_json_schema.json); text output documented
# as a table or as expanded records must have that shape and names, and fit 100 columns
# (test/docs/cli_examples.py). AZORA_CLI overrides the binary (default
# build/client/azora-opt).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --standby -- bash "$0" inner
fi
cli=${AZORA_CLI:-$root/build/client/azora-opt}
[ -x "$cli" ] || { echo "FAIL: no CLI at $cli (make client)"; exit 1; }
bindir="$AZORA_TMP/docs_cli_bin"
mkdir -p "$bindir"
ln -sf "$cli" "$bindir/azora-opt"
export PATH="$bindir:$PATH"
export PRIMARY="$AZORA_PG_CONNINFO" STANDBY="$AZORA_STANDBY_CONNINFO"

q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
q -f "$root/scripts/elearning.sql" >/dev/null
q -c 'CREATE EXTENSION azora_opt'
# Capture every slowest call's plan (the plan example), then the workload.
q -c 'ALTER SYSTEM SET azora_opt.plan_min_ms = 0' -c 'SELECT pg_reload_conf()' >/dev/null
for i in 1 2 3; do
  q -c "SELECT count(*) FROM generate_series(1, $i * 1000) AS g WHERE g % 7 = 0" \
    -c "SELECT id, name FROM users WHERE email = 'user$((i * 7))@example.com'" \
    -c "SELECT amount, kind FROM transactions WHERE user_id = $((i * 11)) ORDER BY created_at DESC LIMIT 10" \
    >/dev/null
done
# The standby replays the extension; its own tracker counts the reads it serves.
for _ in $(seq 1 50); do
  psql -X -At -d "$STANDBY" -c "SELECT 1 FROM pg_extension WHERE extname = 'azora_opt'" 2>/dev/null | grep -q 1 && break
  sleep 0.2
done
for _ in 1 2 3; do psql -X -q -At -d "$STANDBY" -c 'SELECT pg_sleep(0.01)' >/dev/null; done
python3 "$root/test/docs/cli_examples.py" "$root"
