#!/usr/bin/env bash
# client_metrics.sh — per-query and per-response cost of the client's metrics (QueryTimer,
# its observer, encode_response's size histogram), 5 interleaved repetitions, medians.
# Run by scripts/bench.sh inside a throwaway cluster: scripts/bench.sh client_metrics
set -euo pipefail
bin=${AZORA_BENCH_BIN:-build/test/bench/client_metrics_bench}
"$bin" --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=true --benchmark_color=false
