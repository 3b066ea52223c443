#!/usr/bin/env bash
# demo.sh — `make demo`: installs what is missing, builds and installs everything, starts a
# throwaway PostgreSQL 15 cluster and Redis, runs each step in scripts/demo/ in order (each prints
# what it does and what it measured), and tears everything down, also on failure or Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# demo-results.json goes to the directory make demo was started from.
export AZORA_DEMO_OUT=${AZORA_DEMO_OUT:-$PWD}
cd "$root"
echo "=== install: the Debian packages that are missing (scripts/install-deps.sh)"
scripts/install-deps.sh
echo "=== build: the extension (PGXS), the client library, CLI and example API (CMake)"
scripts/build.sh extension
scripts/build.sh client  # no tests or benchmarks: the demo does not run them
echo "=== start: a throwaway PostgreSQL 15 cluster (azora_opt preloaded) and Redis"
exec scripts/cluster.sh -- bash -c '
  set -euo pipefail
  steps=(scripts/demo/[0-9]*.sh)
  n=0
  for step in "${steps[@]}"; do
    n=$((n + 1))
    echo
    echo "=== [$n/${#steps[@]}] $(sed -n "2s/^# //p" "$step")"
    start=$(date +%s%N)
    bash "$step"
    echo "    (step took $(( ($(date +%s%N) - start) / 1000000 )) ms)"
  done
  echo
  echo "demo: done; the throwaway cluster and Redis are being stopped and removed."
'
