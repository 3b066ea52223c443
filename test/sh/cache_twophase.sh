#!/usr/bin/env bash
# cache_twophase.sh — two-phase commit and the result cache: a prepared transaction's writes are
# invisible until COMMIT PREPARED, and COMMIT PREPARED (from another session, also after a
# server restart that emptied the cache's shared memory) invalidates what they change. Starts
# its own cluster with max_prepared_transactions.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --conf "max_prepared_transactions = 5" -- \
    bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }
read_v() { q -c "SELECT azora_opt.cached_json('tp', 'SELECT v FROM tp WHERE id = 1')"; }
expect() {  # expect WHAT VALUE
  local got
  got=$(read_v)
  [ "$got" = "[{\"v\":$2}]" ] || fail "$1: got $got, expected v = $2"
}

q -c "CREATE EXTENSION azora_opt" -c "CREATE TABLE tp (id int PRIMARY KEY, v int)" \
  -c "INSERT INTO tp VALUES (1, 0)" >/dev/null

# Prepared, then committed from another session.
expect "before" 0
q -c "BEGIN" -c "UPDATE tp SET v = 1 WHERE id = 1" -c "PREPARE TRANSACTION 'a'" >/dev/null
expect "while prepared (not visible yet)" 0
expect "while prepared, a hit" 0
q -c "COMMIT PREPARED 'a'" >/dev/null
expect "after COMMIT PREPARED" 1

# ROLLBACK PREPARED changes nothing.
q -c "BEGIN" -c "UPDATE tp SET v = 99 WHERE id = 1" -c "PREPARE TRANSACTION 'b'" >/dev/null
expect "while b is prepared" 1
q -c "ROLLBACK PREPARED 'b'" >/dev/null
expect "after ROLLBACK PREPARED" 1

# Prepared before a restart: the cache (empty after it) is filled without the prepared rows,
# then COMMIT PREPARED must still invalidate.
q -c "BEGIN" -c "UPDATE tp SET v = 2 WHERE id = 1" -c "PREPARE TRANSACTION 'c'" >/dev/null
$AZORA_PG_CTL restart >/dev/null
expect "after the restart, c still prepared" 1
expect "after the restart, a hit" 1
hits=$(q -c "SELECT hits FROM azora_opt.cache_stats()")
[ "$hits" -ge 1 ] || fail "the entry was not cached after the restart"
q -c "COMMIT PREPARED 'c'" >/dev/null
expect "after COMMIT PREPARED of a transaction prepared before the restart" 2
echo "two-phase commit: prepared writes invisible, COMMIT PREPARED invalidates (also after a restart)"
