#!/usr/bin/env bash
# build.sh — builds (and installs) the parts, in parallel (one job per core), one line per step:
#   extension    the extension with PGXS, installed into PostgreSQL 15's directories (as root, or
#                through sudo)
#   client       the client library, the azora-opt CLI, the demo program and the example API
#                (CMake, in build/): the quick path, no tests or benchmarks (`make client`)
#   client-all   the same plus every GoogleTest suite and benchmark (`make test` needs them)
#   all          extension and client-all (default; `make test`, `make bench`)
# The full compiler output goes to build.log; on failure its errors are printed.
# AZORA_BUILD_TESTS=OFF / AZORA_BUILD_BENCHMARKS=OFF leave those out of client-all (and out of
# the CMake configuration, so GoogleTest / Google Benchmark need not be installed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
what=${1:-all}
jobs=$(nproc 2>/dev/null || echo 2)
case "$what" in
  all | extension | client | client-all) ;;
  *) echo "usage: scripts/build.sh [all|extension|client|client-all]" >&2; exit 1 ;;
esac
# A calling make's flags (its jobserver, -s, -C) are not ours: each build sets its own -j, and
# CMake's sub-makes would otherwise print every directory they enter.
unset MAKEFLAGS MFLAGS MAKELEVEL

SUDO=()
[ "$(id -u)" -ne 0 ] && SUDO=(sudo)

# Runs a build command with its output in build.log, printing one short line per step (CMake's
# "[ 42%] Building CXX object .../pool.cpp.o" becomes "build: [ 42%] client/src/pool.cpp"), and
# on failure the errors and the log's tail.
run_logged() {
  local status=0
  "$@" 2>&1 | tee -a build.log | sed -un -E \
    -e 's#^\[ *([0-9]+)%\] Building CXX object .*/CMakeFiles/[^/]+\.dir/(.*)\.o$#build: [\1%] \2#p' \
    -e 's#^\[ *([0-9]+)%\] Linking CXX (executable|static library|shared library) (.*)$#build: [\1%] link \3#p' \
    -e 's#^g\+\+ .* -c -o ([^ ]+)\.o .*#build: \1.cpp#p' \
    -e 's#^(gcc|g\+\+) .* -shared -o ([^ ]+\.so) .*#build: link \2#p' || status=$?
  [ "$status" -eq 0 ] && return 0
  echo "build: FAILED ($*); the errors (full log: $root/build.log):" >&2
  grep -E -A3 'error:|Error [0-9]|CMake Error|undefined reference' build.log | head -60 >&2 ||
    tail -n 40 build.log >&2
  return "$status"
}

: >build.log
if [ "$what" = all ] || [ "$what" = extension ]; then
  echo "build: extension (PGXS, -j$jobs)"
  run_logged make -j"$jobs"
  "${SUDO[@]}" make -s install-extension >/dev/null
  echo "build: extension installed"
fi
if [ "$what" != extension ]; then
  # The quick path leaves the tests out of a first configuration (GoogleTest and Google
  # Benchmark need not be installed) and otherwise keeps what build/ was configured with;
  # client-all turns them on unless the variables say OFF.
  options=()
  if [ "$what" = client-all ] || [ "$what" = all ]; then
    options=(-DAZORA_BUILD_TESTS="${AZORA_BUILD_TESTS:-ON}"
      -DAZORA_BUILD_BENCHMARKS="${AZORA_BUILD_BENCHMARKS:-ON}")
  elif [ ! -f build/CMakeCache.txt ] || [ -n "${AZORA_BUILD_TESTS:-}${AZORA_BUILD_BENCHMARKS:-}" ]; then
    options=(-DAZORA_BUILD_TESTS="${AZORA_BUILD_TESTS:-OFF}"
      -DAZORA_BUILD_BENCHMARKS="${AZORA_BUILD_BENCHMARKS:-OFF}")
  fi
  targets=(--target azora_client azora_client_shared azora-opt azora-demo azora-example-api)
  if [ "$what" = client ]; then
    echo "build: client library and CLI (CMake in build/, -j$jobs; tests and benchmarks: make client-all)"
  else
    echo "build: client library, CLI, tests and benchmarks (CMake in build/, -j$jobs)"
    targets=()
  fi
  run_logged cmake -S . -B build -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" \
    "${options[@]}"
  run_logged cmake --build build -j"$jobs" "${targets[@]}"
  echo "build: client done: build/client/azora-opt, build/client/libazora_client.{a,so}"
fi
