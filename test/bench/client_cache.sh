#!/usr/bin/env bash
# client_cache.sh — the client library's cache and shaping benchmark (client_cache_bench.cpp:
# Redis cache hit vs the course-list query, shaping and gzip of a 1000-row page), run by
# scripts/bench.sh client_cache inside a throwaway cluster. Extra arguments go to Google
# Benchmark (default: 5 repetitions, medians).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
exec "$root/build/test/bench/client_cache_bench" "$@"
