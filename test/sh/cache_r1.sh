#!/usr/bin/env bash
# cache_r1.sh — race R1 of the result cache (docs/extension/cache.md, "Consistency";
# docs/testing.md): a session whose snapshot already sees a writer's commit must never get a hit
# on the entry filled before that commit, even while the writer has not yet run its
# XACT_EVENT_COMMIT callbacks. Without help that window lasts microseconds; the test-only module
# test/modules/azora_commit_delay, loaded AFTER azora_opt, makes the writer sleep 3 s in its
# COMMIT callback, after ProcArrayEndTransaction and before azora_opt's COMMIT callback. During
# that sleep a reader sees the new row directly and must get it (a miss) through cached_json.
# Only the PRE_COMMIT generation bump makes this pass: moved to COMMIT, the read is a stale hit.
# Builds and installs the module (never installed by the project's build), starts its own cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
SLEEP_MS=3000

if [ "${1:-}" != inner ]; then
  SUDO=()
  [ "$(id -u)" -ne 0 ] && SUDO=(sudo)
  mod="$root/test/modules/azora_commit_delay"
  make -s -C "$mod" PG_CONFIG="$PG_CONFIG" >/dev/null
  # Reinstall only when it changed (a running server may have the installed copy mapped).
  cmp -s "$mod/azora_commit_delay.so" "$("$PG_CONFIG" --pkglibdir)/azora_commit_delay.so" ||
    "${SUDO[@]}" make -s -C "$mod" PG_CONFIG="$PG_CONFIG" install >/dev/null
  # cluster.sh writes shared_preload_libraries = 'azora_opt' first; the later line wins.
  exec "$root/scripts/cluster.sh" --no-redis \
    --conf "shared_preload_libraries = 'azora_opt,azora_commit_delay'" -- bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }
stats() { q -F ' ' -c "SELECT hits, misses, invalidations_write, not_stored FROM azora_opt.cache_stats()"; }
cached() { q -c "SELECT azora_opt.cached_json('r1', 'SELECT v FROM r1 WHERE id = 1') -> 0 ->> 'v'"; }
writer_sleeping() {
  q -c "SELECT count(*) FROM pg_stat_activity
        WHERE application_name = 'r1_writer' AND wait_event = 'PgSleep' AND query LIKE 'UPDATE%'"
}

# The order matters: azora_commit_delay's callback must be registered after azora_opt's.
preload=$(q -c "SHOW shared_preload_libraries")
[ "$preload" = "azora_opt,azora_commit_delay" ] || fail "shared_preload_libraries is '$preload'"

q >/dev/null <<'SQL'
CREATE EXTENSION azora_opt;
CREATE TABLE r1 (id int PRIMARY KEY, v int NOT NULL);
INSERT INTO r1 VALUES (1, 0);
SELECT azora_opt.cache_flush();
SQL

# Fill the entry (old value 0) and prove it is served: the second read is a hit.
[ "$(cached)" = 0 ] || fail "fill did not return 0"
read -r h0 m0 _ _ <<<"$(stats)"
[ "$(cached)" = 0 ] || fail "second read did not return 0"
read -r h1 m1 _ _ <<<"$(stats)"
[ "$h1" -eq $((h0 + 1)) ] && [ "$m1" -eq "$m0" ] || fail "the entry was not a hit before the write"

# W: autocommit UPDATE that sleeps inside COMMIT, after its commit is visible.
start=$(date +%s%N)
PGAPPNAME=r1_writer psql -X -v ON_ERROR_STOP=1 -At \
  -c "SET azora_commit_delay.sleep_ms = $SLEEP_MS" -c "UPDATE r1 SET v = 1 WHERE id = 1" \
  >"$AZORA_TMP/writer.log" 2>&1 &
writer=$!
trap 'wait "$writer" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ "$(writer_sleeping)" = 1 ] && break
  kill -0 "$writer" 2>/dev/null || { cat "$AZORA_TMP/writer.log"; fail "the writer ended early"; }
  sleep 0.05
done
[ "$(writer_sleeping)" = 1 ] || fail "the writer never slept in its COMMIT callback"

# R, inside the window: the direct read sees the commit, so the cached read must too.
read -r hb mb ib nb <<<"$(stats)"
direct=$(q -c "SELECT v FROM r1 WHERE id = 1")
first=$(cached)
second=$(cached)
read -r ha ma ia na <<<"$(stats)"
still=$(writer_sleeping)
echo "inside the window: direct $direct, cached $first then $second;" \
  "hits +$((ha - hb)), misses +$((ma - mb)), write invalidations +$((ia - ib)), not stored +$((na - nb))"
[ "$still" = 1 ] || fail "the writer left its COMMIT callback before the reads ended (inconclusive)"
[ "$direct" = 1 ] || fail "the direct read saw $direct: the commit was not visible yet (inconclusive)"
[ "$first" = 1 ] && [ "$second" = 1 ] || fail "STALE: cached read returned $first, $second after the commit of 1 was visible"
[ "$ha" -eq "$hb" ] || fail "hits inside the window: $((ha - hb))"
[ "$ma" -eq $((mb + 2)) ] || fail "expected 2 misses inside the window, got $((ma - mb))"
[ "$ia" -eq $((ib + 1)) ] || fail "expected 1 write invalidation (the old entry), got $((ia - ib))"

wait "$writer" || { cat "$AZORA_TMP/writer.log"; fail "the writer failed"; }
trap - EXIT
elapsed_ms=$((($(date +%s%N) - start) / 1000000))  # printed only: the checks above prove the sleep

# After the writer's COMMIT callbacks: the cache works again (a miss that stores, then a hit).
read -r hb mb _ _ <<<"$(stats)"
[ "$(cached)" = 1 ] && [ "$(cached)" = 1 ] || fail "after the commit the cache did not return 1"
read -r ha ma _ _ <<<"$(stats)"
[ "$ma" -eq $((mb + 1)) ] && [ "$ha" -eq $((hb + 1)) ] || fail "after the commit: expected a miss then a hit"
echo "ok: the writer took $elapsed_ms ms ($SLEEP_MS ms asleep in COMMIT after visibility); no stale hit; the cache fills again after it"
