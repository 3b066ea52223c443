#!/usr/bin/env bash
# advise_verify.sh — `azora-opt advise --apply --verify` on a real cluster with a workload
# (pgbench, a custom script) running through both windows. Three advised indexes:
#   t_pay (a)    pays: its lookup goes from a sequential scan to an index scan -> kept, and the
#                index exists afterwards, valid;
#   t_stale (b)  does not: the statistics say `b < 500` is 1 % of the rows, in table order
#                (analysed while b = id; then every row got a b below 500 in no order, autovacuum
#                off), so the advisor and the planner expect a short index scan, and the real one
#                reads the whole table in random order, slower than the sequential scan it
#                replaces -> dropped, the index gone;
#   t_lock (c)   cannot be built: another session holds a row lock on t_lock in an open
#                transaction, so CREATE INDEX CONCURRENTLY, after committing its catalog entry,
#                times out (lock_timeout) waiting for it and leaves an INVALID index -> failed,
#                the INVALID index dropped once the session is gone, exit 3.
# Then with the workload stopped, a text run: no statement has enough calls -> inconclusive,
# kept. Also the usage errors of the new options. AZORA_CLI overrides the binary;
# AZORA_VERIFY_WINDOW the window (default 3s).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --conf 'autovacuum = off' \
    --conf 'azora_opt.plan_min_ms = 0' -- bash "$0" inner
fi
cli=${AZORA_CLI:-$root/build/client/azora-opt}
[ -x "$cli" ] || { echo "FAIL: no CLI at $cli (make client)"; exit 1; }
window=${AZORA_VERIFY_WINDOW:-3s}
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

q <<'SQL'
CREATE EXTENSION azora_opt;
CREATE TABLE t_pay (id int, a int, pad text);
INSERT INTO t_pay SELECT i, (i * 7919) % 50021, md5(i::text) FROM generate_series(1, 50000) i;
CREATE TABLE t_stale (id int, b int, pad text);
INSERT INTO t_stale SELECT i, i, md5(i::text) FROM generate_series(1, 50000) i;
CREATE TABLE t_lock (id int, c int, pad text);
INSERT INTO t_lock SELECT i, (i * 7919) % 50021, md5(i::text) FROM generate_series(1, 50000) i;
ANALYZE t_pay, t_stale, t_lock;
-- After the ANALYZE: every b is below 500, scattered over the table; the statistics still say
-- b = id.
UPDATE t_stale SET b = (id * 7919) % 50021 % 500;
SQL

cat >"$AZORA_TMP/workload.sql" <<'SQL'
\set k random(1, 50000)
SELECT pad FROM t_pay WHERE a = :k;
SELECT count(pad) FROM t_stale WHERE b < 500;
SELECT pad FROM t_lock WHERE c = :k;
SQL
pgbench -n -c 2 -T 120 -f "$AZORA_TMP/workload.sql" >"$AZORA_TMP/pgbench.log" 2>&1 &
bench=$!
holder=""
cleanup() {
  kill "$bench" 2>/dev/null || true
  [ -n "$holder" ] && kill "$holder" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
sleep 1

# The advice the test is about: one index on each table.
advice=$("$cli" --format json advise)
for t in t_pay t_stale t_lock; do
  python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(r["relation"].endswith(sys.argv[1]) for r in d["recommendations"]) else 1)' "$t" <<<"$advice" \
    || { echo "FAIL: the advisor does not advise an index on $t (the test's premise):"; echo "$advice"; exit 1; }
done
ok "the advisor advises an index on t_pay, t_stale and t_lock"

# A session writes to t_lock and stays in its transaction (no snapshot held: READ COMMITTED
# between statements), so only t_lock's build waits for it. A watcher ends that transaction
# once the build has failed: 3 s after the build's INVALID index appeared (lock_timeout is 1 s).
mkfifo "$AZORA_TMP/holder"
psql -X -q <"$AZORA_TMP/holder" >"$AZORA_TMP/holder.log" 2>&1 &
holder=$!
exec 3>"$AZORA_TMP/holder"
echo "BEGIN; INSERT INTO t_lock VALUES (0, 0, 'held'); SELECT 'holding';" >&3
for _ in $(seq 1 50); do
  [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'")" = 1 ] && break
  sleep 0.1
done
(
  for _ in $(seq 1 600); do
    [ "$(q -c "SELECT count(*) FROM pg_index WHERE indrelid = 't_lock'::regclass AND NOT indisvalid")" -gt 0 ] && break
    sleep 0.1
  done
  sleep 3
  echo "COMMIT;" >&3
) &
watcher=$!

status=0
"$cli" --format json advise --apply --verify --window "$window" --min-calls 20 \
  --max-window 30s --lock-timeout 1s >"$AZORA_TMP/verify.json" 2>"$AZORA_TMP/verify.err" || status=$?
wait "$watcher" || true
exec 3>&-
if [ "$status" -eq 3 ]; then ok "exit 3: an index could not be built"; else
  bad "exit $status, want 3"; cat "$AZORA_TMP/verify.err"; fi
if python3 "$root/test/docs/cli_json.py" --format json advise --apply --verify <"$AZORA_TMP/verify.json"; then
  ok "the JSON matches test/docs/cli_json_schema.json"
else
  bad "the JSON does not match its schema"
fi
# verdict TABLE: the verdict of the index advised on TABLE, and its reason
verdict() {
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for i in d["verify"]["indexes"]:
    if i["relation"].endswith(sys.argv[2]):
        print(i["verdict"], "|", i["reason"])' "$AZORA_TMP/verify.json" "$1"
}
n_indexes() { q -c "SELECT count(*) FROM pg_index WHERE indrelid = '$1'::regclass${2:+ AND $2}"; }

v=$(verdict t_pay)
if [[ $v == kept* ]] && [ "$(n_indexes t_pay indisvalid)" = 1 ]; then
  ok "t_pay's index paid: kept, and it exists, valid ($v)"
else
  bad "t_pay: verdict '$v', $(n_indexes t_pay indisvalid) valid indexes; want kept and 1"
fi
v=$(verdict t_stale)
if [[ $v == dropped* ]] && [ "$(n_indexes t_stale)" = 0 ]; then
  ok "t_stale's index did not pay: dropped, and it is gone ($v)"
else
  bad "t_stale: verdict '$v', $(n_indexes t_stale) indexes; want dropped and 0"
fi
v=$(verdict t_lock)
if [[ $v == failed*"lock timeout"* ]] && [ "$(n_indexes t_lock)" = 0 ] &&
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
i = [i for i in d["verify"]["indexes"] if i["relation"].endswith("t_lock")][0]
sys.exit(0 if i["error"]["sqlstate"] == "55P03" and i["invalid_index"] and i["invalid_index_dropped"] else 1)' "$AZORA_TMP/verify.json"; then
  ok "t_lock's build timed out on the lock: failed, its INVALID index dropped, none left ($v)"
else
  bad "t_lock: verdict '$v', $(n_indexes t_lock) indexes left ($(n_indexes t_lock 'NOT indisvalid') invalid)"
  python3 -m json.tool "$AZORA_TMP/verify.json" | grep -A12 t_lock | head -30
fi
# The figures behind the verdicts: the kept index's statement got faster and read fewer blocks
# or as few; the dropped one's got slower.
python3 - "$AZORA_TMP/verify.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
by_index = {}
for s in d["verify"]["statements"]:
    for name in s["indexes"]:
        by_index[name] = s
rc = 0
for i in d["verify"]["indexes"]:
    if i["verdict"] == "failed":
        continue
    s = by_index[i["index"]]
    b, a = s["before"], s["after"]
    line = f'{i["relation"]}: mean {b["mean_ms"]:.3f} -> {a["mean_ms"]:.3f} ms, p95 {b["p95_ms"]:.3f} -> {a["p95_ms"]:.3f} ms, {b["calls"]} -> {a["calls"]} calls'
    want_faster = i["verdict"] == "kept"
    if b["calls"] >= 20 and a["calls"] >= 20 and (a["mean_ms"] < b["mean_ms"]) == want_faster:
        print("ok: " + line)
    else:
        print("FAIL: " + line + f' (verdict {i["verdict"]})')
        rc = 1
sys.exit(rc)
PY
grep -q holding "$AZORA_TMP/holder.log" || bad "the lock-holding session did not run: $(cat "$AZORA_TMP/holder.log")"

# No workload: the next run's statements have no calls in their windows -> inconclusive, kept.
kill "$bench" 2>/dev/null || true
wait "$bench" 2>/dev/null || true
out=$("$cli" advise --apply --verify --window 1s --max-window 1s --lock-timeout 1s 2>&1) || {
  bad "the run without a workload failed: $out"; }
if grep -qE '^ *inconclusive |^verdict +\| inconclusive$' <<<"$out" && grep -q 'not enough calls' <<<"$out" &&
  [ "$(n_indexes t_stale indisvalid)" = 1 ] && [ "$(n_indexes t_lock indisvalid)" = 1 ]; then
  ok "without calls: inconclusive, the indexes kept (text output)"
  sed 's/^/    /' <<<"$out"
else
  bad "without calls: want inconclusive and the t_stale and t_lock indexes kept:"; echo "$out"
fi

# Usage errors: exit 1 before anything is built.
for args in "--verify" "--apply --verify --window soon" "--apply --verify --lock-timeout 0" \
  "--apply --verify --min-calls 0" "--apply --verify --window 10s --max-window 5s" \
  "--apply --verify --min-gain x" "--apply --window 5s"; do
  st=0
  # shellcheck disable=SC2086
  "$cli" advise $args >/dev/null 2>&1 || st=$?
  if [ "$st" -eq 1 ]; then ok "advise $args: exit 1"; else bad "advise $args: exit $st, want 1"; fi
done
exit $fail
