#!/usr/bin/env bash
# fuzz.sh — builds every test/fuzz/*_fuzz.cpp with libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer (clang), and runs each for a bounded time; exits non-zero when a
# target crashes, leaks or hits undefined behaviour (the reproducer is kept in the output dir).
#
#   scripts/fuzz.sh [NAME...]        NAME = cursor for test/fuzz/cursor_fuzz.cpp; default: all
#   AZORA_FUZZ_SECONDS=20            time per target
#   AZORA_FUZZ_DIR=build-fuzz        objects, binaries, corpora, crash files
#
# A target links against the whole client library (client/src/*.cpp, compiled once with the
# sanitizers and reused while no client file changes), so a new *_fuzz.cpp needs no edit here.
# Seed inputs, when present, come from test/fuzz/corpus/NAME/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
secs=${AZORA_FUZZ_SECONDS:-20}
out=${AZORA_FUZZ_DIR:-$root/build-fuzz}
CXX=${CXX_FUZZ:-clang++}
mkdir -p "$out/obj"

common=(-std=c++17 -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  -Iclient/include -Iclient/src $(pkg-config --cflags libpq libpqxx hiredis zlib libcrypto))
libs=($(pkg-config --libs libpq libpqxx hiredis zlib libcrypto) -lpthread)

# The library, instrumented for coverage but without libFuzzer's main.
objs=()
for src in client/src/*.cpp; do
  obj="$out/obj/$(basename "$src" .cpp).o"
  # Rebuilt when its source or any header changed (other sources' edits do not matter).
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] ||
    [ -n "$(find client/include client/src -name '*.hpp' -newer "$obj" -print -quit)" ]; then
    echo "fuzz.sh: compiling $src"
    "$CXX" "${common[@]}" -fsanitize=fuzzer-no-link,address,undefined -c "$src" -o "$obj"
  fi
  objs+=("$obj")
done

targets=()
if [ $# -gt 0 ]; then
  for n in "$@"; do targets+=("test/fuzz/${n}_fuzz.cpp"); done
else
  for f in test/fuzz/*_fuzz.cpp; do [ -e "$f" ] && targets+=("$f"); done
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz.sh: no test/fuzz/*_fuzz.cpp" >&2; exit 1; }

failed=0
for src in "${targets[@]}"; do
  name=$(basename "$src" _fuzz.cpp)
  bin="$out/${name}_fuzz"
  echo "== fuzz $name (${secs}s)"
  "$CXX" "${common[@]}" -fsanitize=fuzzer,address,undefined "$src" "${objs[@]}" "${libs[@]}" -o "$bin"
  corpus="$out/corpus/$name"
  mkdir -p "$corpus" "$out/crashes/$name"
  seeds=()
  [ -d "test/fuzz/corpus/$name" ] && seeds=("test/fuzz/corpus/$name")
  if ! "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$out/crashes/$name/" "$corpus" "${seeds[@]}" 2>"$out/$name.log"; then
    echo "fuzz.sh: $name FAILED; reproducer(s) in $out/crashes/$name/; log tail:" >&2
    tail -40 "$out/$name.log" >&2
    failed=1
  else
    grep -E '^stat::number_of_executed_units' "$out/$name.log" || true
    echo "fuzz.sh: $name ok"
  fi
done
exit "$failed"
