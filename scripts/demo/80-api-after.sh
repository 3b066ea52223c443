#!/usr/bin/env bash
# After: the seed's "After" API done right (pages, projection, cache, shaping, gzip), same load
set -euo pipefail
source scripts/demo/lib.sh
api_start after
say "azora-example-api --mode after on $API_URL (same pool size, same wrk mix and duration)"
api_load after
curl -sf "$API_URL/metrics" >"$AZORA_TMP/after.metrics"
api_stop
say "after: $(load_value after rps) req/s, p50 $(load_value after p50_ms) ms, p95 $(load_value after p95_ms) ms, p99 $(load_value after p99_ms) ms, $(load_value after non2xx) non-2xx"
