#!/usr/bin/env bash
# cache_fuzz.sh — the result cache's differential fuzzer (test/fuzz/cache_diff_fuzz.py): 4
# sessions interleave writes, DDL, SET / SET ROLE, savepoints, rollbacks and two-phase commits
# chosen by a seeded RNG; every cached_json read is compared at once with the same query run
# directly by the same session (rows as a multiset, or the same SQLSTATE). Passes with 0
# differences and a non-zero number of cache hits. Starts its own cluster (autovacuum off, so
# nothing but the fuzzer takes locks or changes plans).
#
# Knobs (environment): FUZZ_SEED (default 20261203), FUZZ_OPS (default 20000), FUZZ_SESSIONS
# (default 4), FUZZ_FOCUS=names|partitions|inheritance|functions|settings|privileges|ddl|sequences
# (one class of the grammar, or a comma list), FUZZ_BYPASS=1 (a new key per read: the fuzzer
# against itself), FUZZ_KEEP_GOING=1, FUZZ_VERBOSE=1. A difference prints the seed, the operation
# number, both answers and the last 50 operations; the same seed and FUZZ_OPS replay it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --conf 'max_prepared_transactions = 10' \
    --conf 'autovacuum = off' -- bash "$0" inner
fi

export FUZZ_SEED=${FUZZ_SEED:-20261203}
export FUZZ_OPS=${FUZZ_OPS:-20000}
# Debian's interpreter: it has python3-psycopg2 (scripts/install-deps.sh); a pyenv python3 on the
# PATH may not.
exec /usr/bin/python3 "$root/test/fuzz/cache_diff_fuzz.py"
