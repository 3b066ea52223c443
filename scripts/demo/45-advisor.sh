#!/usr/bin/env bash
# Which indexes: the advisor's advice for the traffic just tracked, applied, endpoints before/after
set -euo pipefail
source scripts/demo/lib.sh
say "azora-opt advise  (what-if planning over the tracked endpoints; only primary keys exist)"
"$AZORA_CLI" advise | cut -c1-150 | sed 's/^/    /'
courses="SELECT id, title, category, rating FROM courses WHERE published ORDER BY rating DESC NULLS LAST, id LIMIT 20 OFFSET 980"
wallet="SELECT w.balance, t.amount, t.kind FROM wallets w JOIN transactions t ON t.user_id = w.user_id WHERE w.user_id = 4242 ORDER BY t.created_at DESC LIMIT 10"
jobs="SELECT id, title, company, salary FROM jobs WHERE category = 'data' AND remote ORDER BY created_at DESC LIMIT 20"
say "before:"
endpoint "course list (page 50 of 20, by rating)" "$courses"
endpoint "wallet balance + last 10 transactions" "$wallet"
endpoint "job search (category, remote, newest)" "$jobs"
say "azora-opt advise --apply  (CREATE INDEX CONCURRENTLY, one at a time)"
"$AZORA_CLI" advise --apply | sed 's/^/    /'
say "after:"
endpoint "course list (page 50 of 20, by rating)" "$courses"
endpoint "wallet balance + last 10 transactions" "$wallet"
endpoint "job search (category, remote, newest)" "$jobs"
