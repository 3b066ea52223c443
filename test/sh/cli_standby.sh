#!/usr/bin/env bash
# cli_standby.sh — `azora-opt report` over a primary and its real streaming standby, each
# tracking its own reads: one query's entries merge into one row whose calls are the sum and
# whose p95 comes from the summed histogram buckets. The workload makes the difference visible:
# 90 fast calls (1 ms) on the primary, 10 slow ones (50 ms) on the standby. The true p95 of the
# 100 calls is a slow call (>= 50 ms); averaging the two nodes' p95s would give about 25 ms and
# weighting them by calls about 6 ms.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --standby -- bash "$0" inner
fi
cli="$root/build/client/azora-opt"
fail() { echo "FAIL: $*" >&2; exit 1; }
primary="$AZORA_PG_CONNINFO"
standby="$AZORA_STANDBY_CONNINFO"
psql -XAtq -d "$primary" -c "CREATE EXTENSION azora_opt"
# Wait until the standby replayed the CREATE EXTENSION.
for _ in $(seq 1 100); do
  [ "$(psql -XAt -d "$standby" -c "SELECT count(*) FROM pg_extension WHERE extname = 'azora_opt'")" = 1 ] && break
  sleep 0.1
done
psql -XAtq -d "$primary" -c "SELECT azora_opt.reset()" >/dev/null
psql -XAtq -d "$standby" -c "SELECT azora_opt.reset()" >/dev/null
for _ in $(seq 1 90); do echo "SELECT pg_sleep(0.001);"; done | psql -XAtq -d "$primary" >/dev/null
for _ in $(seq 1 10); do echo "SELECT pg_sleep(0.05);"; done | psql -XAtq -d "$standby" >/dev/null

json=$("$cli" -d "$primary" -d "$standby" --format json report --order p95 --top 50)
python3 - "$json" <<'PY'
import json, sys
rows = [r for r in json.loads(sys.argv[1]) if r["query"].startswith("SELECT pg_sleep")]
assert len(rows) == 1, f"one merged row for pg_sleep, got {rows}"
r = rows[0]
assert r["calls"] == 100, f"calls summed over both nodes: {r['calls']}"
nodes = sorted(n["calls"] for n in r["nodes"])
assert nodes == [10, 90], f"per-node calls: {r['nodes']}"
assert 49.0 <= r["p95_ms"] < 75.0, f"merged p95 from summed buckets must be a slow call (>= 50 ms, less the 2 % bound): {r['p95_ms']}"
p95s = sorted(n["p95_ms"] for n in r["nodes"])
assert p95s[0] < 25.0 and p95s[1] >= 49.0, f"per-node p95s: {p95s}"
print(f"ok: merged p95 {r['p95_ms']:.3f} ms over {r['calls']} calls; per node {p95s}")
PY
# Each node alone reports only its own calls.
for pair in "$primary:90" "$standby:10"; do
  dsn=${pair%:*}; want=${pair##*:}
  got=$("$cli" -d "$dsn" --format json report --order calls --top 50 |
        python3 -c 'import json,sys; print([r["calls"] for r in json.load(sys.stdin) if r["query"].startswith("SELECT pg_sleep")][0])')
  [ "$got" = "$want" ] || fail "one node's report: $got calls, want $want"
done
echo "ok: each node alone reports its own calls"
# The text table shows the per-node breakdown.
"$cli" -d "$primary" -d "$standby" report --order p95 --top 3 | tee "$AZORA_TMP/report.txt"
grep -q 'per node (calls/p95 ms)' "$AZORA_TMP/report.txt" || fail "no per-node column"
grep -qE 'local:[0-9]+ 90/[0-9.]+, local:[0-9]+ 10/[0-9.]+' "$AZORA_TMP/report.txt" || fail "per-node breakdown missing"
# A node that is down: connection error, exit 2.
set +e
"$cli" -d "$primary" -d "host=/nonexistent port=1" report >/dev/null 2>&1; status=$?
set -e
[ "$status" = 2 ] || fail "a dead node must exit 2, got $status"
echo "PASS cli_standby"
