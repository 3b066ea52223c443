#!/usr/bin/env bash
# regress.sh — runs the pg_regress tests and isolation specs (`make installcheck`, PGXS) against
# the running throwaway cluster (see cluster.sh), as the cluster's owner.
# pg_regress writes results next to its inputs, so it runs in a copy owned by that user.
# Usage: scripts/regress.sh [REGRESS=...] [ISOLATION=...]  (make variables, to run a subset)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stage="$AZORA_TMP/regress"
rm -rf "$stage"
mkdir -p "$stage/test"
cp -r "$root/Makefile" "$root/sql" "$root/expected" "$stage/"
# Tests that need the reference workload load it with \i scripts/elearning.sql.
mkdir -p "$stage/scripts"
cp "$root/scripts/elearning.sql" "$stage/scripts/"
cp -r "$root/test/isolation" "$stage/test/"
if [ "$(id -u)" -eq 0 ]; then
  chown -R postgres: "$stage"
  as=(runuser -u postgres --)
else
  as=()
fi
status=0
"${as[@]}" env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" \
  make -C "$stage" --no-print-directory installcheck "$@" || status=$?
for f in "$stage/regression.diffs" "$stage/output_iso/regression.diffs"; do
  if [ -s "$f" ]; then
    echo "---- $f" >&2
    head -c 20000 "$f" >&2
    mkdir -p "$root/build/test-output" 2>/dev/null && cp "$f" "$root/build/test-output/$(basename "$(dirname "$f")")-regression.diffs" 2>/dev/null || true
  fi
done
exit $status
