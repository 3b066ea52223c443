#!/usr/bin/env bash
# cache_full.sh — a full result cache under concurrent fills: a 1 MB cache (16 partitions of
# 64 kB), 4 pgbench clients filling 3000 keys of 100 B to 20 kB results while reading them back.
# Every answer is checked (right key, right length: no entry ever serves another's bytes), the
# cache stays within its capacity, evicts, and keeps serving hits; results larger than a
# partition are returned uncached. Starts its own cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --conf "azora_opt.cache_size = 1MB" -- bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }
PGBENCH=${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}

q >/dev/null <<'SQL'
CREATE EXTENSION azora_opt;
-- Raises if the cached answer is not this key's: its id and its length must match.
CREATE FUNCTION check_fill(k int, n int) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  doc json := azora_opt.cached_json('full:' || k, 'SELECT $1::int AS k, repeat(''x'', $2::int) AS pad',
                                    NULL, ARRAY[k::text, n::text]);
BEGIN
  IF (doc -> 0 ->> 'k')::int <> k OR length(doc -> 0 ->> 'pad') <> n THEN
    RAISE EXCEPTION 'key % got a wrong answer: %', k, left(doc::text, 60);
  END IF;
END $$;
SQL
cat >"$AZORA_TMP/fill.pgbench" <<'PGB'
\set k random(1, 3000)
SELECT check_fill(:k, 100 + (:k * 7) % 20000);
PGB
"$PGBENCH" -n -c 4 -j 2 -t 5000 -f "$AZORA_TMP/fill.pgbench" >"$AZORA_TMP/fill.log" 2>&1 ||
  { tail -20 "$AZORA_TMP/fill.log"; fail "a fill or a check failed"; }

IFS='|' read -r entries used cap hits stores evictions limit < <(q -c \
  "SELECT entries, bytes_used, bytes_cap, hits, stores, evictions, entry_limit_bytes FROM azora_opt.cache_stats()")
echo "1 MB cache after 20000 calls: $entries entries, $used of $cap bytes, $hits hits, $stores stores, $evictions evictions"
[ "$used" -le "$cap" ] || fail "bytes_used $used exceeds bytes_cap $cap"
[ "$evictions" -gt 0 ] || fail "a full cache evicted nothing"
[ "$hits" -gt 0 ] || fail "no hits"
[ "$entries" -gt 0 ] || fail "no entries"

# Larger than a partition: returned, not stored, with a NOTICE.
big=$((limit + 1000))
out=$(q -c "SET azora_opt.cache_max_entry_bytes = '100MB'" \
  -c "SELECT length(azora_opt.cached_json('huge', 'SELECT repeat(''y'', $big) AS pad')::text)" 2>&1)
echo "$out" | grep -q "larger than one cache partition" || fail "no notice for a huge result: $out"
echo "$out" | grep -qx "$((big + 12))" || fail "huge result not returned whole: $out"
[ "$(q -c "SELECT count(*) FROM azora_opt.cache_entries() WHERE key = 'huge'")" = 0 ] ||
  fail "a result larger than a partition was stored"
q -c "SELECT 1" >/dev/null || fail "server gone"
echo "huge result ($big bytes) returned uncached with a notice"
