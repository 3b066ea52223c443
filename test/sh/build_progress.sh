#!/usr/bin/env bash
# build_progress.sh — `make client`, the quick path a new user is pointed to (issue 16 item 4:
# it used to print nothing for six minutes and build 39 test and benchmark targets): after a
# change to one source file it says what it builds, one line per step with its percentage, in
# parallel (one job per core), builds the library and the CLI only, and names what it made.
# It rebuilds build/ in place (one file and its links: seconds, not minutes).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
unset MAKEFLAGS MFLAGS MAKELEVEL
out="$AZORA_TMP/build_progress.txt"
touch "$root/client/cli/main.cpp"
make -C "$root" --no-print-directory client >"$out" 2>&1 ||
  { tail -n 30 "$out"; echo "FAIL: make client"; exit 1; }
fail=0
check() {  # description, extended regex that some line of the output must match
  if grep -Eq -- "$2" "$out"; then
    echo "ok: $1"
  else
    echo "FAIL: $1 (no line matching /$2/)"
    fail=1
  fi
}
jobs=$(nproc 2>/dev/null || echo 2)
check "announces the quick path and its job count" "^build: client library and CLI .*-j$jobs"
check "the changed file, with its progress" '^build: \[ *[0-9]+%\] cli/main\.cpp$'
check "the CLI's link step" '^build: \[ *[0-9]+%\] link azora-opt$'
check "what it made" '^build: client done: build/client/azora-opt'
# The quick path builds no test or benchmark target.
if grep -E '^build: \[' "$out" | grep -Eq '_test|_bench|unit/|bench/'; then
  echo "FAIL: the quick path built tests or benchmarks:"
  grep -E '^build: \[' "$out" | grep -E '_test|_bench|unit/|bench/' | head -5
  fail=1
else
  echo "ok: no test or benchmark target"
fi
# Compiler noise stays in build.log: every line printed is one of build.sh's.
if grep -Ev '^build: ' "$out" | grep -q .; then
  echo "FAIL: lines other than progress were printed:"
  grep -Ev '^build: ' "$out" | head -5
  fail=1
else
  echo "ok: only progress lines ($(wc -l <"$out") of them)"
fi
[ "$fail" -eq 0 ] && echo "PASS build_progress" || { cat "$out"; exit 1; }
