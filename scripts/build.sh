#!/usr/bin/env bash
# build.sh — builds (and installs) the parts: `extension`, `client`, or `all` (default).
# The extension is built with PGXS and installed into PostgreSQL 15's directories (as root, or
# through sudo); the client library, CLI, tests and benchmarks are built with CMake in build/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
what=${1:-all}
jobs=$(nproc 2>/dev/null || echo 2)

SUDO=()
[ "$(id -u)" -ne 0 ] && SUDO=(sudo)

if [ "$what" = all ] || [ "$what" = extension ]; then
  echo "build: extension (PGXS)"
  make -s -j"$jobs" >/dev/null
  "${SUDO[@]}" make -s install >/dev/null
fi
if [ "$what" = all ] || [ "$what" = client ]; then
  echo "build: client, CLI, tests, benchmarks (CMake)"
  # Make's own flags would make CMake's sub-makes print every directory they enter.
  unset MAKEFLAGS MFLAGS MAKELEVEL
  cmake -S . -B build -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  cmake --build build -j"$jobs" >build.log 2>&1 || { cat build.log >&2; exit 1; }
fi
