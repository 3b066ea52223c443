#!/usr/bin/env bash
# demo.sh — `make demo`: installs what is missing, builds and installs everything, starts a
# throwaway PostgreSQL 15 cluster and Redis, runs each step in scripts/demo/ in order (each prints
# what it does and what it measured), and tears everything down, also on failure or Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
scripts/build.sh all
exec scripts/cluster.sh -- bash -c '
  set -euo pipefail
  for step in scripts/demo/[0-9]*.sh; do
    echo
    echo "=== $(sed -n "2s/^# //p" "$step")"
    start=$(date +%s%N)
    bash "$step"
    echo "    (step took $(( ($(date +%s%N) - start) / 1000000 )) ms)"
  done
  echo
  echo "demo: done; the throwaway cluster and Redis are being stopped and removed."
'
