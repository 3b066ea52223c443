#!/usr/bin/env bash
# tpch_advisor.sh — the index advisors on TPC-H (issue 15, docs/benchmarks.md "Index advisor on
# TPC-H"): azora_opt's advise_indexes() at budgets of 25/50/100/200 % of the data size against
# pg_qualstats' pg_qualstats_index_advisor() and "one index per predicate column", each judged
# by the real runtime of the 22 queries with its indexes built, relative to primary keys only.
#
#   test/bench/tpch_advisor.sh                 (starts its own throwaway cluster, scripts/cluster.sh)
#   scripts/bench.sh tpch_advisor              (the same inside `make bench`)
#   PG_BIN=$(scripts/private-pg.sh /tmp/pg-x) test/bench/tpch_advisor.sh   (a private build)
#
# Steps: dbgen/qgen 2.14 (electrum/tpch-dbgen) cloned and built — or, when it cannot be fetched or
# built, the data generated in SQL (tpch_data.sql) and the queries from tpch_queries.py's
# templates; the tables with primary keys only (tpch_schema.sql), VACUUM ANALYZE; pg_qualstats
# added to shared_preload_libraries (ALTER SYSTEM + restart); then tpch_advisor.py runs the
# workload once tracked, asks each method for its indexes, and measures (see its docstring).
#
# Knobs (environment):
#   TPCH_SF=0.1         scale factor          TPCH_SETS=3     parameter sets per template
#   TPCH_ROUNDS=1       A B … B A passes (each method measured 2 × ROUNDS times per query)
#   TPCH_TIMEOUT_S=10   statement_timeout of a measured query: a query cancelled with a method's
#                       indexes counts at this time and is not run again with them
#   TPCH_TRACK_TIMEOUT_S=10  statement_timeout of the tracked run. Q17 and Q20 (correlated
#                       subqueries on lineitem) run for minutes on primary keys alone at SF 0.1; a
#                       cancelled statement is counted by neither the tracker nor pg_qualstats, so
#                       no advisor sees it: such queries are left out of the totals, and run once
#                       per method under TPCH_UNTRACKED_TIMEOUT_S=3 to show whether its indexes
#                       happen to serve them
#   TPCH_DBGEN_SRC      where to clone dbgen from (default https://github.com/electrum/tpch-dbgen.git;
#                       a local git directory works too); TPCH_DBGEN=0 skips dbgen (SQL generator)
#   TPCH_CACHE          keeps the dbgen build between runs (default ~/.cache/azora-tpch)
#   TPCH_CONF           extra server settings, ";"-separated ALTER SYSTEM assignments, e.g.
#                       "azora_opt.max_plan_bytes = '64kB'; azora_opt.max_text_bytes = '8kB'"
#   TPCH_OUT            raw results as JSON (default: none)
#   PG_BIN              PostgreSQL binaries (scripts/private-pg.sh gives one with this checkout's
#                       azora_opt; it needs pg_qualstats and hypopg installed in it too)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${AZORA_PG_CTL:-}" ]; then
  exec "$root/scripts/cluster.sh" --no-redis -- bash "$0" "$@"
fi
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export PATH="$PG_BIN:$PATH"
sf=${TPCH_SF:-0.1}
sets=${TPCH_SETS:-3}
src=${TPCH_DBGEN_SRC:-https://github.com/electrum/tpch-dbgen.git}
cache=${TPCH_CACHE:-${HOME:-/tmp}/.cache/azora-tpch}
work="$AZORA_TMP/tpch"
mkdir -p "$work"
chmod 755 "$work"
start=$(date +%s)
say() { echo "[tpch $(($(date +%s) - start))s] $*" >&2; }

for lib in pg_qualstats hypopg; do
  [ -f "$PG_BIN/../lib/$lib.so" ] || {
    echo "tpch_advisor: $lib is not installed in $PG_BIN/../lib (apt-get install postgresql-15-${lib/pg_/pg-}; for a" \
      "private copy made before that, remove it and run scripts/private-pg.sh again)" >&2
    exit 1
  }
done

# Which azora_opt this measures: the one installed in PG_BIN's lib, which is this checkout's only
# when PG_BIN comes from scripts/private-pg.sh (or after an install); a stale system-wide build
# would be measured silently otherwise.
so="$PG_BIN/../lib/azora_opt.so"
if [ -f "$root/azora_opt.so" ] && cmp -s "$root/azora_opt.so" "$so"; then
  build="this checkout's build ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
else
  build="NOT this checkout's build ($so)"
  say "warning: $so is not this checkout's azora_opt.so (run make, and PG_BIN=\$(scripts/private-pg.sh DIR))"
fi

# 1. dbgen and qgen, built once per cache directory.
dbgen=""
if [ "${TPCH_DBGEN:-1}" != 0 ]; then
  if [ ! -x "$cache/dbgen/qgen" ]; then
    rm -rf "$cache/dbgen.tmp"
    mkdir -p "$cache"
    if timeout 120 git clone --quiet "$src" "$cache/dbgen.tmp" 2>"$work/clone.log" &&
      make -s -C "$cache/dbgen.tmp" MACHINE=LINUX DATABASE=ORACLE WORKLOAD=TPCH dbgen qgen >"$work/make.log" 2>&1; then
      mv "$cache/dbgen.tmp" "$cache/dbgen"
    else
      reason=$(tail -n 1 "$work/make.log" 2>/dev/null || tail -n 1 "$work/clone.log")
      say "dbgen could not be fetched or built from $src ($reason); generating the data in SQL instead"
    fi
  fi
  [ -x "$cache/dbgen/qgen" ] && dbgen="$cache/dbgen"
fi

# 2. Tables with primary keys only, and the data.
psql -X -q -v ON_ERROR_STOP=1 -f "$root/test/bench/tpch_schema.sql" 2>/dev/null
if [ -n "$dbgen" ]; then
  say "dbgen $(git -C "$dbgen" rev-parse --short HEAD 2>/dev/null || echo '?') at scale factor $sf"
  (cd "$work" && DSS_CONFIG="$dbgen" "$dbgen/dbgen" -q -f -s "$sf" -b "$dbgen/dists.dss")
  for t in region nation part supplier partsupp customer orders lineitem; do
    # dbgen ends every row with the delimiter.
    sed 's/|$//' "$work/$t.tbl" | psql -X -q -v ON_ERROR_STOP=1 -c "\\copy $t FROM STDIN WITH (DELIMITER '|')"
    rm -f "$work/$t.tbl"
  done
  python3 "$root/test/bench/tpch_queries.py" qgen "$dbgen" "$sf" "$sets" >"$work/queries.json"
  source_name="dbgen/qgen 2.14"
else
  say "SQL data generator at scale factor $sf"
  psql -X -q -v ON_ERROR_STOP=1 -v sf="$sf" -f "$root/test/bench/tpch_data.sql" >/dev/null
  python3 "$root/test/bench/tpch_queries.py" builtin "$sf" "$sets" >"$work/queries.json"
  source_name="SQL generator (tpch_data.sql, tpch_queries.py)"
fi
psql -X -q -v ON_ERROR_STOP=1 -c "VACUUM ANALYZE"
say "loaded: $(psql -X -At -c "SELECT pg_size_pretty(sum(pg_relation_size(c.oid))) FROM pg_class c
  WHERE relname IN ('region','nation','part','supplier','partsupp','customer','orders','lineitem')") of tables"

# 3. pg_qualstats needs shared_preload_libraries; it samples every statement here (sample_rate 1,
# settable once the library is loaded).
{
  echo "ALTER SYSTEM SET shared_preload_libraries = 'azora_opt', 'pg_qualstats';"
  IFS=';' read -r -a extra <<<"${TPCH_CONF:-}"
  for a in "${extra[@]}"; do
    [ -n "${a// /}" ] && echo "ALTER SYSTEM SET $a;"
  done
} | psql -X -q -v ON_ERROR_STOP=1
"$AZORA_PG_CTL" restart >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -c "ALTER SYSTEM SET pg_qualstats.sample_rate = 1" -c "SELECT pg_reload_conf()" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION azora_opt" -c "CREATE EXTENSION pg_qualstats" -c "CREATE EXTENSION hypopg"
[ -n "${TPCH_CONF:-}" ] && say "settings: $TPCH_CONF"

# 4. Track, advise, measure (with a python3 that has psycopg2: a pyenv one may not see Debian's).
py=python3
python3 -c 'import psycopg2' 2>/dev/null || py=/usr/bin/python3
"$py" "$root/test/bench/tpch_advisor.py" --queries "$work/queries.json" --sf "$sf" --source "$source_name" --build "$build" \
   --rounds "${TPCH_ROUNDS:-1}" --timeout "${TPCH_TIMEOUT_S:-10}" --track-timeout "${TPCH_TRACK_TIMEOUT_S:-10}" \
  --untracked-timeout "${TPCH_UNTRACKED_TIMEOUT_S:-3}" ${TPCH_OUT:+--out "$TPCH_OUT"}
say "done"
