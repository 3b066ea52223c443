#!/usr/bin/env bash
# fuzz.sh — every libFuzzer target in test/fuzz/ (cursor decoder, JSON shaping, ...) runs for a
# bounded time under ASan/UBSan and must not crash (scripts/fuzz.sh; needs no servers).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
AZORA_FUZZ_SECONDS=${AZORA_FUZZ_SECONDS:-20} exec "$root/scripts/fuzz.sh"
