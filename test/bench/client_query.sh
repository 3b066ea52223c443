#!/usr/bin/env bash
# client_query.sh — the client's query/pool benchmark (pipelined vs sequential, keyset vs offset
# at page 1000 of 20, pool acquire+release), 5 interleaved repetitions, ratios of the medians.
# Run by scripts/bench.sh inside a throwaway cluster: scripts/bench.sh client_query
set -euo pipefail
bin=${AZORA_BENCH_BIN:-build/test/bench/client_query_bench}
"$bin" --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=true --benchmark_color=false
