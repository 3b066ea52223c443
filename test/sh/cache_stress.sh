#!/usr/bin/env bash
# cache_stress.sh — the result cache's consistency checker under load (docs/extension/cache.md,
# "Consistency"). pgbench writers increment 10 counters; pgbench readers call check(k), which
# reads counter k directly, then through cached_json: the cached value must never be smaller
# than the direct one read just before it (that would be a committed write the cache missed).
# Passes with 0 stale answers over at least 100k cached reads, of which hits are counted and
# must be the majority (so the check exercised the cache, not just misses). Starts its own
# cluster. READS (default 100000) sets the number of cached reads.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis -- bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }
PGBENCH=${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}
READS=${READS:-100000}
readers=4
per_reader=$(((READS + readers - 1) / readers))

q >/dev/null <<'SQL'
CREATE EXTENSION azora_opt;
CREATE TABLE counters (id int PRIMARY KEY, v bigint NOT NULL);
INSERT INTO counters SELECT g, 0 FROM generate_series(1, 10) g;
CREATE TABLE stale (k int, direct bigint, cached bigint, at timestamptz DEFAULT clock_timestamp());
-- VOLATILE plpgsql: each statement takes a new snapshot, so the direct read's snapshot precedes
-- the cached call (which takes its own, newer one on a miss).
CREATE FUNCTION check_counter(k int) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  direct bigint;
  cached bigint;
BEGIN
  SELECT v INTO direct FROM counters WHERE id = k;
  cached := (azora_opt.cached_json('ctr:' || k, 'SELECT v FROM counters WHERE id = $1',
                                   '1 hour', ARRAY[k::text]) -> 0 ->> 'v')::bigint;
  IF cached < direct THEN
    INSERT INTO stale (k, direct, cached) VALUES (k, direct, cached);
  END IF;
END $$;
SQL
q -c "SELECT azora_opt.cache_flush()" >/dev/null
before=$(q -c "SELECT hits + misses + bypassed FROM azora_opt.cache_stats()")
hits_before=$(q -c "SELECT hits FROM azora_opt.cache_stats()")

cat >"$AZORA_TMP/write.pgbench" <<'PGB'
\set k random(1, 10)
UPDATE counters SET v = v + 1 WHERE id = :k;
PGB
cat >"$AZORA_TMP/read.pgbench" <<'PGB'
\set k random(1, 10)
SELECT check_counter(:k);
PGB
# Writers run until the readers are done; 2 clients at a fixed rate keep hits possible.
"$PGBENCH" -n -c 2 -j 1 -R 300 -T 600 -f "$AZORA_TMP/write.pgbench" >"$AZORA_TMP/write.log" 2>&1 &
writers=$!
"$PGBENCH" -n -c $readers -j 2 -t "$per_reader" -f "$AZORA_TMP/read.pgbench" \
  >"$AZORA_TMP/read.log" 2>&1 || { cat "$AZORA_TMP/read.log"; fail "readers failed"; }
kill -TERM "$writers" 2>/dev/null || true
wait "$writers" 2>/dev/null || true

stale=$(q -c "SELECT count(*) FROM stale")
reads=$(($(q -c "SELECT hits + misses + bypassed FROM azora_opt.cache_stats()") - before))
hits=$(($(q -c "SELECT hits FROM azora_opt.cache_stats()") - hits_before))
writes=$(q -c "SELECT sum(v) FROM counters")
echo "cached reads: $reads, hits: $hits, committed increments: $writes, stale answers: $stale"
[ "$stale" = 0 ] || { q -c "SELECT * FROM stale LIMIT 10"; fail "$stale stale answers"; }
[ "$reads" -ge "$READS" ] || fail "only $reads cached reads"
[ "$writes" -gt 0 ] || fail "the writers wrote nothing"
[ $((hits * 2)) -gt "$reads" ] || fail "only $hits hits of $reads reads"
