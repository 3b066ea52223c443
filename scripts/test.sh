#!/usr/bin/env bash
# test.sh — `make test`: installs what is missing, builds everything, starts a throwaway cluster
# and Redis, and runs every test (see run-tests.sh). Exits non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
scripts/build.sh all
exec scripts/cluster.sh -- scripts/run-tests.sh "$@"
