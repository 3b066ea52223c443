#!/usr/bin/env bash
# Where it is slow, and which indexes fix it: the report, the advice, applied under load and verified
set -euo pipefail
source scripts/demo/lib.sh
say "azora-opt report --top 5 --order total  (everything the API and the traffic above ran)"
"$AZORA_CLI" report --top 5 --order total | sed 's/^/    /'
say "azora-opt advise  (what-if planning over the tracked statements; only primary keys exist)"
"$AZORA_CLI" advise | sed 's/^/    /'
courses="SELECT id, title, category, rating FROM courses WHERE published ORDER BY rating DESC NULLS LAST, id LIMIT 20 OFFSET 980"
wallet="SELECT w.balance, t.amount, t.kind FROM wallets w JOIN transactions t ON t.user_id = w.user_id WHERE w.user_id = 4242 ORDER BY t.created_at DESC LIMIT 10"
jobs="SELECT id, title, company, salary FROM jobs WHERE category = 'data' AND remote ORDER BY created_at DESC LIMIT 20"
say "endpoint queries before:"
endpoint "course list (page 50 of 20, by rating)" "$courses"
endpoint "wallet balance + last 10 transactions" "$wallet"
endpoint "job search (category, remote, newest)" "$jobs"
# Closing the loop: the indexes are applied while the API serves traffic, and each is kept
# only if the statements it was advised for really got faster (or read fewer blocks) over a
# window of real calls after its build than before it (docs/cli.md, "Verifying applied indexes").
window=${DEMO_VERIFY_WINDOW:-5s}
api_start before
wrk -t2 -c"$API_THREADS" -d300s --timeout 10s -s test/bench/api_mix.lua "$API_URL" >/dev/null 2>&1 &
wrk_pid=$!
say "azora-opt advise --apply --verify --window $window  (the API under wrk meanwhile: CREATE INDEX"
say "  CONCURRENTLY with a lock timeout, then each index kept or dropped by what its statements measured)"
status=0
"$AZORA_CLI" --format json advise --apply --verify --window "$window" --min-calls 20 --max-window 60s \
  >"$AZORA_TMP/advice.json" || status=$?
kill "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" 2>/dev/null || true
api_stop
python3 - "$AZORA_TMP/advice.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))["verify"]
print(f"      windows: {doc['before_seconds']:.1f} s before the builds, {doc['after_seconds']:.1f} s after")
if not doc["indexes"]:
    print("      (no index recommended)")
def pct(x):
    return "-" if x is None else f"{-100 * x:+.1f} %"
for i in doc["indexes"]:
    name = i["index"] or i["ddl"]
    size = f"{i['bytes'] / 1024:.0f} kB" if i["bytes"] is not None else "-"
    print(f"      {i['verdict']:<12} {name:<44} {size:>8}  mean {pct(i['mean_gain'])}, blocks {pct(i['blocks_gain'])}")
    print(f"                   {i['reason']}")
print("      per statement (mean ms and p95 ms, before -> after, calls in each window):")
for s in doc["statements"]:
    b, a = s["before"], s["after"]
    f = lambda w, k: "-" if w[k] is None else f"{w[k]:.3f}"
    print(f"      {s['queryid']:>21}  mean {f(b, 'mean_ms')} -> {f(a, 'mean_ms')}  p95 {f(b, 'p95_ms')} -> {f(a, 'p95_ms')}"
          f"  calls {b['calls']} / {a['calls']}  {s['verdict']}")
PY
[ "$status" -eq 0 ] || say "(azora-opt exited $status: an index could not be built or dropped, see above)"
say "endpoint queries after:"
endpoint "course list (page 50 of 20, by rating)" "$courses"
endpoint "wallet balance + last 10 transactions" "$wallet"
endpoint "job search (category, remote, newest)" "$jobs"
