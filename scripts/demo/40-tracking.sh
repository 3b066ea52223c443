#!/usr/bin/env bash
# Where it is slow: 10 s of endpoint traffic, then what azora_opt tracked (top, plan, metrics)
set -euo pipefail
source scripts/demo/lib.sh
"$AZORA_CLI" reset >/dev/null
# Keep the plan of every statement's slowest call, however fast (the default keeps only calls
# over the 50 ms slow threshold). A server-wide setting: ALTER SYSTEM, then reload.
psql -XAtq -c "ALTER SYSTEM SET azora_opt.plan_min_ms = 0" -c "SELECT pg_reload_conf()" >/dev/null
cat >"$AZORA_TMP/endpoints.pgbench" <<'PGB'
\set page random(1, 90)
\set user random(1, 10000)
\set cat random(0, 6)
SELECT id, title, category, rating FROM courses WHERE published ORDER BY rating DESC NULLS LAST, id LIMIT 20 OFFSET (:page - 1) * 20;
SELECT w.balance, t.amount, t.kind FROM wallets w JOIN transactions t ON t.user_id = w.user_id WHERE w.user_id = :user ORDER BY t.created_at DESC LIMIT 10;
SELECT id, title, company, salary FROM jobs WHERE category = (ARRAY['engineering','design','sales','support','data','marketing','finance'])[:cat + 1] AND remote ORDER BY created_at DESC LIMIT 20;
PGB
say "pgbench: 4 clients, 10 s of the three endpoints (course list, wallet, job search)"
/usr/lib/postgresql/15/bin/pgbench -n -c 4 -j 2 -T 10 -f "$AZORA_TMP/endpoints.pgbench" 2>&1 |
  grep -E '^(tps|latency average|number of transactions actually)' | sed 's/^/    /'
say "azora-opt top 3 p95  (per normalized statement: constants became \$n)"
"$AZORA_CLI" top 3 p95 | sed 's/^/    /'
qid=$(psql -XAtc "SELECT queryid FROM azora_opt.top_queries(1, 'p95')")
say "azora-opt plan $qid  (the slowest call's plan, captured at ExecutorEnd)"
"$AZORA_CLI" plan "$qid" | sed 's/^/      /' | head -20
say "azora-opt metrics  (Prometheus text; the p95 alert reads this histogram)"
"$AZORA_CLI" metrics | grep -E "^azora_db_query_duration_seconds_(bucket\{queryid=\"$qid\",le=\"0.0(05|1|25|5)\"|count\{queryid=\"$qid\")|^azora_db_query_(calls|slow_calls)_total" | sed 's/^/      /' | head -8
psql -XAtc "SELECT format('%s slow calls over %s ms of %s calls in all', sum(slow_calls), current_setting('azora_opt.slow_threshold_ms'), sum(calls)) FROM azora_opt.queries" | sed 's/^/    /'
