#!/usr/bin/env bash
# run-tests.sh — every test suite, run inside scripts/cluster.sh; prints one line per test and
# a last line "N passed, N failed". Exits 1 when anything failed.
#   format      clang-format agrees with every C++ file
#   regress     pg_regress files (sql/, expected/) and isolation specs (test/isolation/)
#   shell       test/sh/*.sh: scenarios that need their own cluster or a server restart
#   ctest       the GoogleTest suites (one ctest test per TEST)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
passed=0
failed=0
failures=()
log="$AZORA_TMP/tests"
mkdir -p "$log"

record() {  # record NAME STATUS
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1)); echo "ok      $1"
  else
    failed=$((failed + 1)); failures+=("$1"); echo "FAILED  $1"
  fi
}

echo "== format"
format_errors=$(git ls-files '*.cpp' '*.hpp' '*.h' | xargs -r clang-format --dry-run --Werror 2>&1 | grep 'error:')
[ -z "$format_errors" ] || head -20 <<<"$format_errors"
record "format (clang-format)" "$([ -z "$format_errors" ] && echo 0 || echo 1)"

echo "== regress and isolation"
scripts/regress.sh >"$log/regress.log" 2>&1
regress_status=$?
while read -r name result; do
  record "regress $name" "$([ "$result" = ok ] && echo 0 || echo 1)"
done < <(sed -nE 's/^(test|permutation|     )? *([A-Za-z0-9_.-]+) +\.\.\. (ok|FAILED|failed).*/\2 \3/p' "$log/regress.log")
if [ "$regress_status" -ne 0 ] && ! grep -qE '\.\.\. (FAILED|failed)' "$log/regress.log"; then
  record "regress (run)" 1
fi
[ "$regress_status" -eq 0 ] || { echo "---- regress log"; tail -n 200 "$log/regress.log"; }

echo "== shell scenarios"
for t in test/sh/*.sh; do
  [ -e "$t" ] || continue
  name=$(basename "$t" .sh)
  if bash "$t" >"$log/sh-$name.log" 2>&1; then record "shell $name" 0; else
    record "shell $name" 1; tail -n 50 "$log/sh-$name.log"
  fi
done

echo "== ctest"
ctest --test-dir build --output-on-failure --timeout 300 >"$log/ctest.log" 2>&1
ctest_status=$?
while read -r name result; do
  record "ctest $name" "$([ "$result" = Passed ] && echo 0 || echo 1)"
done < <(sed -nE 's/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: ([^ ]+) \.+ *\**(Passed|Failed|Timeout|Exception|Not Run|SEGFAULT|Subprocess aborted).*/\1 \2/p' "$log/ctest.log")
if [ "$ctest_status" -ne 0 ]; then
  grep -q 'Failed\|Timeout\|Exception' "$log/ctest.log" || record "ctest (run)" 1
  echo "---- ctest failures"; grep -B2 -A30 -E '\[  FAILED  \]|Failure|Exception' "$log/ctest.log" | head -150
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "Failed:"; printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
