#!/usr/bin/env bash
# docs_sql.sh — every ```sql block of README.md and docs/**/*.md runs as written against the demo
# schema (scripts/elearning.sql, as `make demo` loads it), each in its own fresh session and
# database; a block meant to fail says so (`-- error: SSSSS`) and is checked for that SQLSTATE
# (test/docs/sql_blocks.py has the rules). Starts its own cluster, with pg_stat_statements
# preloaded beside azora_opt because docs/extension/tracking.md compares the two, and every
# slowest call's plan captured (plan_min_ms = 0, as the advisor examples assume a captured
# source text).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis \
    --conf "shared_preload_libraries = 'azora_opt, pg_stat_statements'" \
    --conf "azora_opt.plan_min_ms = 0" -- bash "$0" inner
fi

q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
# Two templates: the demo schema and data with the extension (most blocks), and without it (a
# block that runs CREATE EXTENSION azora_opt itself).
q -c 'CREATE DATABASE docs_demo_noext'
q -d docs_demo_noext -f "$root/scripts/elearning.sql" >/dev/null
q -d docs_demo_noext -c 'CREATE EXTENSION pg_stat_statements'
q -c 'CREATE DATABASE docs_demo TEMPLATE docs_demo_noext STRATEGY FILE_COPY'
q -d docs_demo -c 'CREATE EXTENSION azora_opt'
mkdir -p "$AZORA_TMP/docs_sql"
python3 "$root/test/docs/sql_blocks.py" "$root" docs_demo docs_demo_noext "$AZORA_TMP/docs_sql"
