#!/usr/bin/env bash
# cache_stampede.sh — stampede protection of the result cache: 8 sessions that miss the same key
# at once run its (slow) query exactly once and all return the filled result; a filler killed
# with pg_terminate_backend mid-fill leaves no claim behind, so the next caller fills the key
# at once instead of waiting for azora_opt.cache_fill_wait. Starts its own cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis -- bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }

q >/dev/null <<'SQL'
CREATE EXTENSION azora_opt;
CREATE TABLE one_row (id int);
INSERT INTO one_row VALUES (1);
CREATE SEQUENCE fills;
-- Counts its executions and takes a while. IMMUTABLE so the cache accepts the query, called
-- with a column so it runs at execution time.
CREATE FUNCTION slow(id int, secs float8) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN PERFORM pg_sleep(secs); RETURN nextval('fills'); END $$;
SQL

# 1. Eight concurrent misses of one key: one execution, eight equal answers.
for i in 1 2 3 4 5 6 7 8; do
  PGOPTIONS="-c azora_opt.cache_fill_wait=60s" \
    q -c "SELECT azora_opt.cached_json('stampede', 'SELECT slow(id, 2) AS n FROM one_row')" \
    >"$AZORA_TMP/out.$i" &
done
wait
executions=$(q -c "SELECT last_value FROM fills")
[ "$executions" = 1 ] || fail "the query ran $executions times for 8 concurrent misses"
for i in 2 3 4 5 6 7 8; do
  cmp -s "$AZORA_TMP/out.1" "$AZORA_TMP/out.$i" || fail "session $i got $(cat "$AZORA_TMP/out.$i")"
done
waits=$(q -c "SELECT fill_waits FROM azora_opt.cache_stats()")
echo "8 concurrent misses: $executions execution, answer $(cat "$AZORA_TMP/out.1"), $waits waited"

# 2. The filler is terminated mid-fill: the next caller fills the key itself, without waiting
# for the (60 s) fill wait; statement_timeout would stop a caller that waited.
q -c "SELECT azora_opt.cached_json('killed', 'SELECT slow(id, 30) AS n FROM one_row')" \
  >/dev/null 2>&1 &
filler=$!
for _ in $(seq 100); do
  pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE query LIKE '%''killed''%' AND pid <> pg_backend_pid()")
  [ -n "$pid" ] && break
  sleep 0.1
done
[ -n "$pid" ] || fail "the filler did not start"
sleep 0.5
q -c "SELECT pg_terminate_backend($pid)" >/dev/null
wait "$filler" || true
answer=$(PGOPTIONS="-c azora_opt.cache_fill_wait=60s -c statement_timeout=20s" \
  q -c "SELECT azora_opt.cached_json('killed', 'SELECT slow(id, 0) AS n FROM one_row')")
[ "$answer" = '[{"n":2}]' ] || fail "after the kill the next caller got $answer"
again=$(q -c "SELECT azora_opt.cached_json('killed', 'SELECT slow(id, 0) AS n FROM one_row')")
[ "$again" = "$answer" ] || fail "the refill was not stored: $again"
echo "terminated filler: next caller filled $answer at once, then a hit"
