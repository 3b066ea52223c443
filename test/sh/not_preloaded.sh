#!/usr/bin/env bash
# not_preloaded.sh — without shared_preload_libraries, CREATE EXTENSION fails with a clear
# message and hint, and the server keeps running.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/scripts/cluster.sh" --no-preload --no-redis -- bash -c '
  set -uo pipefail
  out=$(psql -X -v VERBOSITY=verbose -c "CREATE EXTENSION azora_opt" 2>&1)
  echo "$out"
  echo "$out" | grep -q "55000: azora_opt must be loaded via shared_preload_libraries" || exit 1
  echo "$out" | grep -q "HINT:  Add .azora_opt. to shared_preload_libraries" || exit 1
  test "$(psql -XAtc "SELECT 1")" = 1 || exit 1
  test "$(psql -XAtc "SELECT count(*) FROM pg_extension WHERE extname = '\''azora_opt'\''")" = 0
'
