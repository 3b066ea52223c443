#!/usr/bin/env bash
# bench.sh — `make bench`: builds everything, then runs each benchmark runner test/bench/*.sh
# inside its own throwaway cluster (a runner may start more clusters itself, e.g. to compare
# shared_preload_libraries settings). Figures go into docs/benchmarks.md by hand, with the
# command printed here. Run one: scripts/bench.sh NAME (test/bench/NAME.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
scripts/build.sh all
only=${1:-}
for runner in test/bench/*.sh; do
  [ -e "$runner" ] || continue
  name=$(basename "$runner" .sh)
  [ -n "$only" ] && [ "$only" != "$name" ] && continue
  echo "== bench $name   (reproduce: scripts/bench.sh $name)"
  scripts/cluster.sh -- bash "$runner"
done
