#!/usr/bin/env bash
# docs_reference.sh — the docs and the extension name the same settings and functions: every
# azora_opt.* setting the docs name exists with the documented default and context, every
# setting in pg_settings is documented, every function of schema azora_opt is documented and
# every one the docs call exists, with the documented argument names (test/docs/reference.py).
# Starts its own cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis -- bash "$0" inner
fi
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION azora_opt'
python3 "$root/test/docs/reference.py" "$root"
