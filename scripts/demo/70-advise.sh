#!/usr/bin/env bash
# Where it is slow, and which indexes fix it: the tracked report, the advisor's advice, applied
set -euo pipefail
source scripts/demo/lib.sh
say "azora-opt report --top 5 --order total  (everything the API and the traffic above ran)"
"$AZORA_CLI" report --top 5 --order total | sed 's/^/    /'
say "azora-opt advise  (what-if planning over the tracked statements; only primary keys exist)"
"$AZORA_CLI" advise | cut -c1-160 | sed 's/^/    /'
courses="SELECT id, title, category, rating FROM courses WHERE published ORDER BY rating DESC NULLS LAST, id LIMIT 20 OFFSET 980"
wallet="SELECT w.balance, t.amount, t.kind FROM wallets w JOIN transactions t ON t.user_id = w.user_id WHERE w.user_id = 4242 ORDER BY t.created_at DESC LIMIT 10"
jobs="SELECT id, title, company, salary FROM jobs WHERE category = 'data' AND remote ORDER BY created_at DESC LIMIT 20"
say "endpoint queries before:"
endpoint "course list (page 50 of 20, by rating)" "$courses"
endpoint "wallet balance + last 10 transactions" "$wallet"
endpoint "job search (category, remote, newest)" "$jobs"
say "azora-opt advise --apply  (CREATE INDEX CONCURRENTLY, one at a time)"
"$AZORA_CLI" --format json advise --apply >"$AZORA_TMP/advice.json"
python3 - "$AZORA_TMP/advice.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for a in doc.get("applied", []):
    print(f"      {a['ddl']}\n        built {a['index']} in {a['seconds']:.2f} s, {a['bytes'] / 1024:.0f} kB")
for q in doc.get("replanned", []):
    if q.get("cost_before") is not None and q.get("cost_after") is not None:
        print(f"      query {q['queryid']}: plan cost {q['cost_before']:.1f} -> {q['cost_after']:.1f}")
if not doc.get("applied"):
    print("      (no index recommended)")
PY
say "endpoint queries after:"
endpoint "course list (page 50 of 20, by rating)" "$courses"
endpoint "wallet balance + last 10 transactions" "$wallet"
endpoint "job search (category, remote, newest)" "$jobs"
