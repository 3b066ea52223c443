#!/usr/bin/env bash
# cache_disabled.sh — azora_opt.cache_size = 0 disables the result cache: no shared memory is
# reserved for it and every cache function fails with 55000 and a message saying so, while the
# rest of the extension works. Starts its own cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --conf "azora_opt.cache_size = 0" -- bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -At "$@"; }

q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION azora_opt" >/dev/null
[ "$(q -c "SHOW azora_opt.cache_size")" = 0 ] || fail "cache_size is not 0"
for call in "cached_json('k', 'SELECT 1')" "cache_invalidate('k')" \
  "cache_invalidate_pattern('k*')" "cache_stats()" "cache_entries()" "cache_flush()"; do
  out=$(q -v VERBOSITY=verbose -c "SELECT * FROM azora_opt.$call" 2>&1 || true)
  echo "$out" | grep -q "ERROR:  55000: the azora_opt result cache is disabled (azora_opt.cache_size = 0)" ||
    fail "$call: $out"
  echo "$out" | grep -q "HINT:  Set azora_opt.cache_size" || fail "$call: no hint: $out"
done
out=$(q -c "SELECT * FROM azora_opt.cached('k', 'SELECT 1 AS a') AS t(a int)" 2>&1 || true)
echo "$out" | grep -q "result cache is disabled" || fail "cached(): $out"
# TTL presets need no cache; the tracker still works.
[ "$(q -c "SELECT azora_opt.ttl('short')")" = "00:01:00" ] || fail "ttl() without the cache"
q -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM azora_opt.queries" >/dev/null || fail "tracker broken"
# The segment was never requested.
[ "$(q -c "SELECT count(*) FROM pg_shmem_allocations WHERE name = 'azora_opt result cache'")" = 0 ] ||
  fail "the cache reserved shared memory"
echo "cache_size = 0: every cache function says the cache is disabled; ttl() and the tracker work"
