#!/usr/bin/env bash
# cache_pattern.sh — cache_invalidate_pattern() cannot be turned into a denial of service
# (docs/extension/cache.md, "cache_invalidate_pattern"): with 20k entries of 1000-byte keys,
#   * a pattern over 4096 bytes (5 million '*') is 22023 before any key is looked at;
#   * the most hostile pattern of the allowed length ('*a*a...*b', 4095 bytes) finishes, matching
#     nothing (the matcher is linear; the old one backtracked for 77 s);
#   * statement_timeout cancels a long invalidation (57014): the scan checks for interrupts
#     between batches, and the entries it did not reach are still there;
#   * another role's '*' removes only its own entries.
# Times are printed, never asserted. Starts its own cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis -- bash "$0" inner
fi
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }
KEYS=${KEYS:-20000}

q >/dev/null <<SQL
CREATE EXTENSION azora_opt;
CREATE TABLE kv (id int PRIMARY KEY, v int);
INSERT INTO kv SELECT g, g FROM generate_series(1, 10) g;
DO \$\$
BEGIN
  FOR i IN 1..$KEYS LOOP
    PERFORM azora_opt.cached_json(rpad('k' || i || ':', 1000, 'a'), 'SELECT v FROM kv WHERE id = 1');
  END LOOP;
END \$\$;
CREATE ROLE other_app;
GRANT SELECT ON kv TO other_app;
SQL
entries() { q -c "SELECT count(*) FROM azora_opt.cache_entries()"; }
n=$(entries)
[ "$n" -ge $((KEYS * 9 / 10)) ] || fail "only $n of $KEYS entries stored"
echo "entries: $n"

# Too long: refused with 22023 before any scan.
out=$(q -c "SELECT azora_opt.cache_invalidate_pattern(repeat('*', 5000000))" 2>&1 || true)
grep -q 'pattern is 5000000 bytes long' <<<"$out" || fail "a 5 MB pattern was not refused: $out"
state=$(psql -X -At -c "\set VERBOSITY sqlstate" -c "SELECT azora_opt.cache_invalidate_pattern(repeat('*', 5000000))" 2>&1 || true)
grep -q 22023 <<<"$state" || fail "expected SQLSTATE 22023, got: $state"

# The most hostile allowed pattern: matches nothing, finishes.
start=$(date +%s%N)
removed=$(q -c "SELECT azora_opt.cache_invalidate_pattern(repeat('*a', 2047) || 'b')")
ms=$((($(date +%s%N) - start) / 1000000))
[ "$removed" = 0 ] || fail "the hostile pattern removed $removed entries"
[ "$(entries)" = "$n" ] || fail "entries changed after a pattern that matches nothing"
echo "hostile 4095-byte pattern over $n keys of 1000 bytes: $ms ms, 0 removed"

# statement_timeout is honoured: cancelled mid-scan, the rest kept.
out=$(psql -X -At -c "\set VERBOSITY sqlstate" -c "SET statement_timeout = '1ms'" \
  -c "SELECT azora_opt.cache_invalidate_pattern('k*')" 2>&1 || true)
grep -q 57014 <<<"$out" || fail "statement_timeout did not cancel the invalidation: $out"
left=$(entries)
[ "$left" -gt 0 ] || fail "a cancelled invalidation removed everything"
echo "statement_timeout = 1ms: cancelled (57014), $left of $n entries left"

# Another role removes only what it stored.
q >/dev/null -c "SET ROLE other_app" -c "SELECT azora_opt.cached_json('mine', 'SELECT v FROM kv WHERE id = 2')"
by_other=$(q -c "SET ROLE other_app" -c "SELECT azora_opt.cache_invalidate_pattern('*')" | tail -1)
[ "$by_other" = 1 ] || fail "other_app's '*' removed $by_other entries (its own: 1)"
[ "$(entries)" = "$left" ] || fail "other_app's '*' removed another role's entries"
removed=$(q -c "SELECT azora_opt.cache_invalidate_pattern('k*')")
echo "other_app's '*': 1 removed (its own); the superuser's 'k*': $removed removed"
[ "$removed" = "$left" ] || fail "'k*' removed $removed of $left"
echo "ok"
