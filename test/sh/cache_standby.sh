#!/usr/bin/env bash
# cache_standby.sh — the result cache on a real streaming hot standby: by default every call
# there runs its query and stores nothing (the standby's executor never sees the primary's
# writes, so no invalidation could reach its cache); with azora_opt.cache_on_standby = ttl_only
# it caches, and an entry then stays stale after a primary write until its TTL, as documented.
# Starts its own primary + standby.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --standby -- bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }
sb() { psql -X -v ON_ERROR_STOP=1 -At "$AZORA_STANDBY_CONNINFO" "$@"; }
replay() {  # replay V: wait until a direct read on the standby sees v = V
  for _ in $(seq 200); do
    [ "$(sb -c "SELECT v FROM sbt WHERE id = 1" 2>/dev/null)" = "$1" ] && return
    sleep 0.1
  done
  fail "the standby never showed v = $1"
}
read_on_standby() {  # read_on_standby [SET ...]
  sb -c "${1:-SELECT 1}" -c "SELECT azora_opt.cached_json('sb', 'SELECT v FROM sbt WHERE id = 1', '1 hour')" | tail -1
}

q -c "CREATE EXTENSION azora_opt" -c "CREATE TABLE sbt (id int PRIMARY KEY, v int)" \
  -c "INSERT INTO sbt VALUES (1, 0)" >/dev/null
replay 0
[ "$(sb -c "SELECT pg_is_in_recovery()")" = t ] || fail "not a standby"

# Default: bypassed, nothing stored, every answer current.
[ "$(read_on_standby)" = '[{"v":0}]' ] || fail "first read on the standby"
q -c "UPDATE sbt SET v = 1 WHERE id = 1" >/dev/null
replay 1
[ "$(read_on_standby)" = '[{"v":1}]' ] || fail "the standby served a stale value by default"
stats=$(sb -c "SELECT entries, bypassed >= 2, hits FROM azora_opt.cache_stats()")
[ "$stats" = "0|t|0" ] || fail "standby stats (entries|bypassed>=2|hits): $stats"

# ttl_only: cached on the standby, stale after a primary write until the TTL (documented).
ttl_only="SET azora_opt.cache_on_standby = ttl_only"
[ "$(read_on_standby "$ttl_only")" = '[{"v":1}]' ] || fail "first ttl_only read"
q -c "UPDATE sbt SET v = 2 WHERE id = 1" >/dev/null
replay 2
[ "$(read_on_standby "$ttl_only")" = '[{"v":1}]' ] || fail "ttl_only did not serve the cached value"
[ "$(sb -c "SELECT hits FROM azora_opt.cache_stats()")" = 1 ] || fail "no hit in ttl_only mode"
[ "$(read_on_standby)" = '[{"v":2}]' ] || fail "bypass after ttl_only"
echo "standby: bypassed by default (current answers, nothing stored); ttl_only caches (stale up to the TTL)"
