#!/usr/bin/env bash
# metrics_format.sh — both Prometheus expositions pass `promtool check metrics` (format and
# naming lint): the extension's azora_opt.metrics() after a workload, and the client library's
# registry after the demo program exercised the pool, timer, cache and response encoding.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
db=metrics_format_$$
psql -XAtq -c "CREATE DATABASE $db"
trap 'psql -XAtq -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
export PGDATABASE=$db
psql -XAtq -c "CREATE EXTENSION IF NOT EXISTS azora_opt"
psql -Xq -v scale=1 -f "$root/scripts/elearning.sql"
for i in 1 2 3 4 5; do
  psql -XAtq -c "SELECT count(*) FROM transactions WHERE user_id = $i" >/dev/null
  psql -XAtq -c "SELECT id FROM courses WHERE category = 'data' ORDER BY id LIMIT 5" >/dev/null
done
psql -XAt -c "SELECT azora_opt.metrics()" >"$AZORA_TMP/extension.prom"
grep -q '^azora_db_query_duration_seconds_bucket{queryid="' "$AZORA_TMP/extension.prom"
echo "extension: $(wc -l <"$AZORA_TMP/extension.prom") lines"
promtool check metrics <"$AZORA_TMP/extension.prom"

AZORA_PG_CONNINFO="$AZORA_PG_CONNINFO dbname=$db" "$root/build/client/azora-demo" --prometheus |
  sed -n '/^---- prometheus$/,$p' | tail -n +2 >"$AZORA_TMP/client.prom"
for family in azora_db_query_duration_seconds azora_cache_hits_total azora_cache_misses_total \
  azora_pool_connections azora_response_size_bytes; do
  grep -q "^# TYPE $family " "$AZORA_TMP/client.prom" || { echo "client: no $family"; exit 1; }
done
echo "client: $(wc -l <"$AZORA_TMP/client.prom") lines"
promtool check metrics <"$AZORA_TMP/client.prom"
echo "both expositions pass promtool"
