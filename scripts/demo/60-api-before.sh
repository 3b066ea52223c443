#!/usr/bin/env bash
# Before: the seed's "Before" API (all rows, SELECT *, no cache, no gzip) under a wrk load
set -euo pipefail
source scripts/demo/lib.sh
api_start before
say "azora-example-api --mode before on $API_URL ($API_THREADS workers, one pooled connection each)"
say "wrk: ${DEMO_LOAD_SECONDS} s, 2 threads, $API_THREADS connections, test/bench/api_mix.lua"
say "      (35 % course list, 25 % course detail, 20 % job search, 18 % wallet, 2 % course update)"
api_load before
api_stop
say "before: $(load_value before rps) req/s, p50 $(load_value before p50_ms) ms, p95 $(load_value before p95_ms) ms, p99 $(load_value before p99_ms) ms, $(load_value before non2xx) non-2xx"
