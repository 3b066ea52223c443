#!/usr/bin/env bash
# pgss_agreement.sh — azora_opt and pg_stat_statements loaded together, in both orders, count a
# broad workload identically: a full outer join per (userid, dbid, queryid, toplevel) of
# pg_stat_statements and azora_opt.queries has equal calls, rows and plans and no key on one side
# only. Both track = all, track_utility = on, track_planning = on.
#
# Workload (database agr, two roles): simple protocol and multi-statement strings, the extended
# protocol (pgbench -M extended and -M prepared), DDL and other utilities, DO blocks, SQL and
# PL/pgSQL functions with nested statements, a procedure with COMMIT/ROLLBACK, cursors
# (DECLARE/FETCH/MOVE/CLOSE), COPY to and from, CREATE TABLE AS, SELECT INTO, REFRESH
# MATERIALIZED VIEW, EXPLAIN ANALYZE, PREPARE/EXECUTE, two-phase commit, failing statements.
#
# Where PostgreSQL 15's pg_stat_statements is itself wrong, the comparison is adapted
# (docs/extension/tracking.md, "Differences from pg_stat_statements"):
#  * statements run by the planner (a stable function folded while planning) are top-level for
#    it: phase 1 compares the statements on agr_plan_t summed over toplevel;
#  * with track_utility = off, statements inside DO blocks and CALL are top-level for it: phase 2
#    (track_utility = off) compares every statement summed over toplevel;
#  * utilities run from a named prepared statement are counted once per connection by it (it
#    clears the query id in the cached plan): phase 3 leaves them out of the join and checks that
#    azora_opt counts every execution;
#  * azora_opt.queries also lists entries created at parse time whose statement never finished
#    (calls = 0, plans = 0: it failed); pg_stat_statements hides these "sticky" entries, so only
#    entries with calls or plans are compared, on both sides.
# The checks run from database postgres, so they never count themselves.
# AZORA_AGREEMENT_VERBOSE=1 prints every compared key.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  status=0
  for order in 'pg_stat_statements, azora_opt' 'azora_opt, pg_stat_statements'; do
    echo "== shared_preload_libraries = '$order'"
    # cluster.sh writes shared_preload_libraries = 'azora_opt' first; the later line wins.
    "$root/scripts/cluster.sh" --no-redis \
      --conf "shared_preload_libraries = '$order'" \
      --conf "azora_opt.track = all" --conf "pg_stat_statements.track = all" \
      --conf "azora_opt.track_utility = on" --conf "pg_stat_statements.track_utility = on" \
      --conf "azora_opt.track_planning = on" --conf "pg_stat_statements.track_planning = on" \
      -- bash "$0" inner "$order" || status=1
  done
  [ "$status" = 0 ] && echo "PASS pgss_agreement" || echo "FAIL pgss_agreement"
  exit "$status"
fi

order=$2
PGBENCH=${PGBENCH:-${PG_BIN:-/usr/lib/postgresql/15/bin}/pgbench}
fail() { echo "FAIL ($order): $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }
# The workload: errors are part of it, so no ON_ERROR_STOP; output is not looked at.
run() { psql -X -q "$@" >/dev/null 2>&1 || true; }

[ "$(q -c "SHOW shared_preload_libraries")" = "$order" ] || fail "libraries not loaded as asked"
q -c "CREATE EXTENSION pg_stat_statements" -c "CREATE EXTENSION azora_opt" >/dev/null
q -c "CREATE DATABASE agr" -c "CREATE ROLE agr_user LOGIN" >/dev/null
q -d agr <<'SQL' >/dev/null
CREATE TABLE agr_t (id int PRIMARY KEY, v int, s text);
INSERT INTO agr_t SELECT g, g % 10, 'row ' || g FROM generate_series(1, 2000) g;
CREATE TABLE agr_log (n int);
CREATE TABLE agr_plan_t (id int);
INSERT INTO agr_plan_t SELECT generate_series(1, 100);
GRANT SELECT, INSERT ON agr_t, agr_log TO agr_user;
-- Not inlinable (it has a FROM clause): run through the executor, nested.
CREATE FUNCTION agr_sql(n int) RETURNS bigint LANGUAGE sql
  AS $$ SELECT count(*) FROM agr_t WHERE v = n % 10 $$;
CREATE FUNCTION agr_plpgsql(n int) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  r bigint;
  row record;
BEGIN
  SELECT count(*) INTO r FROM agr_t WHERE id <= n;
  INSERT INTO agr_log VALUES (n);
  PERFORM agr_sql(n);
  EXECUTE 'SELECT count(*) FROM agr_log WHERE n = $1' INTO r USING n;
  FOR row IN SELECT id FROM agr_t WHERE id <= n ORDER BY id LOOP
    r := r + row.id;
  END LOOP;
  BEGIN
    PERFORM 1 / (n - n);
  EXCEPTION WHEN division_by_zero THEN
    INSERT INTO agr_log VALUES (-n);
  END;
  RETURN r;
END $$;
CREATE PROCEDURE agr_proc() LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO agr_log VALUES (1000);
  COMMIT;
  INSERT INTO agr_log VALUES (1001);
  ROLLBACK;
  UPDATE agr_log SET n = n WHERE n = 1000;
END $$;
-- STABLE and not inlinable: the planner runs it to estimate "id < agr_stable(...)".
CREATE FUNCTION agr_stable(n int) RETURNS int STABLE LANGUAGE sql
  AS $$ SELECT max(id) + n FROM agr_plan_t $$;
ANALYZE;
SQL

# The extended protocol, with and without named prepared statements. Utilities are in their own
# script: run from a named prepared statement, pg_stat_statements 15 counts them once only (phase 3).
cat >"$AZORA_TMP/agr.pgbench" <<'PGB'
\set id random(1, 2000)
SELECT s FROM agr_t WHERE id = :id;
UPDATE agr_t SET v = v WHERE id = :id;
SELECT agr_sql(:id);
SELECT agr_plpgsql(3);
PGB
cat >"$AZORA_TMP/agr_utility.pgbench" <<'PGB'
SET application_name = 'agr';
DO $$ BEGIN PERFORM count(*) FROM agr_log; END $$;
CALL agr_proc();
PGB
utility_texts="'CALL agr_proc()', 'DO \$\$ BEGIN PERFORM count(*) FROM agr_log; END \$\$',
  'SET application_name = ''agr'''"
pgbench() {  # pgbench MODE SCRIPT: 2 clients x 15 transactions
  "$PGBENCH" -n -M "$1" -c 2 -j 2 -t 15 -f "$2" agr >"$AZORA_TMP/pgbench.log" 2>&1 ||
    { cat "$AZORA_TMP/pgbench.log"; fail "pgbench -M $1 -f $(basename "$2") failed"; }
}

workload() {
  run -d agr <<'SQL'
SELECT count(*) FROM agr_t WHERE v = 3;
SELECT count(*) FROM agr_t WHERE v = 4;
SELECT s FROM agr_t WHERE id = 17;
UPDATE agr_t SET s = s || '!' WHERE id <= 10;
DELETE FROM agr_log WHERE n > 100000;
INSERT INTO agr_log SELECT generate_series(1, 20);
VACUUM ANALYZE agr_log;
SET work_mem = '8MB';
SHOW work_mem;
RESET work_mem;
BEGIN;
SELECT count(*) FROM agr_log;
COMMIT;
BEGIN;
INSERT INTO agr_log VALUES (7);
ROLLBACK;
CREATE TEMP TABLE agr_tmp (a int);
INSERT INTO agr_tmp VALUES (1), (2);
DROP TABLE agr_tmp;
-- DO blocks and functions with nested statements.
DO $$ BEGIN PERFORM count(*) FROM agr_t WHERE v = 1; UPDATE agr_t SET v = v WHERE id = 5; END $$;
DO $$ DECLARE i int; BEGIN FOR i IN 1..5 LOOP INSERT INTO agr_log VALUES (i); END LOOP; END $$;
DO $$ BEGIN EXECUTE 'CREATE TEMP TABLE agr_do_tmp (a int)'; EXECUTE 'DROP TABLE agr_do_tmp'; END $$;
SELECT agr_plpgsql(10);
SELECT agr_plpgsql(20);
SELECT agr_sql(3), agr_sql(4);
SELECT agr_sql(v) FROM agr_t WHERE id <= 3;
CALL agr_proc();
CALL agr_proc();
-- A stable function evaluated by the planner (and by the executor).
SELECT count(*) FROM agr_t WHERE id < agr_stable(10);
SELECT count(*) FROM agr_t WHERE id < agr_stable(20);
-- Cursors.
BEGIN;
DECLARE agr_c CURSOR FOR SELECT * FROM agr_t ORDER BY id;
FETCH 10 FROM agr_c;
FETCH 5 FROM agr_c;
MOVE 3 FROM agr_c;
FETCH ALL FROM agr_c;
CLOSE agr_c;
COMMIT;
BEGIN;
DECLARE agr_h CURSOR WITH HOLD FOR SELECT id FROM agr_t WHERE v = 2;
COMMIT;
FETCH 7 FROM agr_h;
CLOSE agr_h;
-- COPY both ways.
COPY agr_log TO STDOUT;
COPY (SELECT id, s FROM agr_t WHERE v = 1) TO STDOUT;
COPY agr_log FROM STDIN;
501
502
503
\.
-- CREATE TABLE AS, SELECT INTO, materialized views, EXPLAIN ANALYZE.
CREATE TABLE agr_ctas AS SELECT * FROM agr_t WHERE v = 5;
SELECT * INTO agr_into FROM agr_t WHERE v = 6;
CREATE MATERIALIZED VIEW agr_mv AS SELECT v, count(*) FROM agr_t GROUP BY v;
REFRESH MATERIALIZED VIEW agr_mv;
REFRESH MATERIALIZED VIEW agr_mv;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM agr_t WHERE v = 2;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) UPDATE agr_log SET n = n WHERE n = 501;
EXPLAIN SELECT * FROM agr_t WHERE id = 1;
DROP TABLE agr_ctas, agr_into;
DROP MATERIALIZED VIEW agr_mv;
-- PREPARE / EXECUTE (custom plans, then a generic one).
PREPARE agr_p(int) AS SELECT count(*) FROM agr_t WHERE v = $1;
EXECUTE agr_p(1);
EXECUTE agr_p(2);
EXECUTE agr_p(3);
EXECUTE agr_p(4);
EXECUTE agr_p(5);
EXECUTE agr_p(6);
EXECUTE agr_p(7);
DEALLOCATE agr_p;
PREPARE agr_q AS INSERT INTO agr_log VALUES (9);
EXECUTE agr_q;
DEALLOCATE agr_q;
-- Two-phase commit.
BEGIN;
INSERT INTO agr_log VALUES (2001);
PREPARE TRANSACTION 'agr_tx1';
COMMIT PREPARED 'agr_tx1';
BEGIN;
INSERT INTO agr_log VALUES (2002);
PREPARE TRANSACTION 'agr_tx2';
ROLLBACK PREPARED 'agr_tx2';
-- Statements that fail: at parse, in the executor, in a utility, in a DO block, in a function.
SELECT * FROM agr_missing;
SELECT 1 / 0;
INSERT INTO agr_t VALUES (1, 1, 'duplicate');
CREATE TABLE agr_t (id int);
DO $$ BEGIN PERFORM 1 / 0; END $$;
SELECT agr_sql(1 / 0);
BEGIN;
SELECT 1 / 0;
SELECT 1;
ROLLBACK;
SQL
  # A multi-statement simple query, and an ordinary role.
  run -d agr -c "SELECT count(*) FROM agr_t WHERE v = 8; SELECT 2 AS two; UPDATE agr_log SET n = n WHERE n = 3"
  run -d agr -U agr_user -c "SELECT count(*) FROM agr_t WHERE v = 9" -c "INSERT INTO agr_log VALUES (42)" \
    -c "SELECT agr_sql(5)" -c "DO \$\$ BEGIN PERFORM count(*) FROM agr_log; END \$\$"
  pgbench extended "$AZORA_TMP/agr.pgbench"
  pgbench extended "$AZORA_TMP/agr_utility.pgbench"
  pgbench prepared "$AZORA_TMP/agr.pgbench"
}

# compare PHASE SUMMED MIN_KEYS MIN_NESTED [SKIPPED]: the full outer join; statements matching the
# SQL condition SUMMED (on query) are summed over toplevel first, those matching SKIPPED are left
# out. Prints the differing keys; fails if there are any, or if fewer keys than asked were seen.
compare() {
  local phase=$1 summed=$2 skipped=${5:-false}
  local sides="
    WITH agr AS (SELECT oid FROM pg_database WHERE datname = 'agr'),
    p0 AS (SELECT userid, dbid, queryid, toplevel, calls, rows, plans, query
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM agr) AND calls + plans > 0
             AND NOT ($skipped)),
    a0 AS (SELECT userid, dbid, queryid, toplevel, calls, rows, plans, query
           FROM azora_opt.queries WHERE dbid = (SELECT oid FROM agr) AND calls + plans > 0
             AND NOT ($skipped)),
    summed AS (SELECT queryid FROM p0 WHERE $summed UNION SELECT queryid FROM a0 WHERE $summed),
    p AS (SELECT userid, dbid, queryid,
                 CASE WHEN queryid IN (SELECT queryid FROM summed) THEN 'any' ELSE toplevel::text END AS top,
                 sum(calls) AS calls, sum(rows) AS rows, sum(plans) AS plans, min(query) AS query
          FROM p0 GROUP BY 1, 2, 3, 4),
    a AS (SELECT userid, dbid, queryid,
                 CASE WHEN queryid IN (SELECT queryid FROM summed) THEN 'any' ELSE toplevel::text END AS top,
                 sum(calls) AS calls, sum(rows) AS rows, sum(plans) AS plans, min(query) AS query
          FROM a0 GROUP BY 1, 2, 3, 4),
    j AS (SELECT coalesce(p.userid, a.userid) AS userid, coalesce(p.queryid, a.queryid) AS queryid,
                 coalesce(p.top, a.top) AS top, p.calls AS p_calls, a.calls AS a_calls,
                 p.rows AS p_rows, a.rows AS a_rows, p.plans AS p_plans, a.plans AS a_plans,
                 left(regexp_replace(coalesce(p.query, a.query), '\s+', ' ', 'g'), 70) AS query
          FROM p FULL JOIN a ON p.userid = a.userid AND p.dbid = a.dbid
                            AND p.queryid = a.queryid AND p.top = a.top)"
  local summary diff
  summary=$(q -c "$sides SELECT count(*) FILTER (WHERE p_calls IS NOT NULL AND a_calls IS NOT NULL),
      count(*) FILTER (WHERE a_calls IS NULL), count(*) FILTER (WHERE p_calls IS NULL),
      count(*) FILTER (WHERE p_calls IS NOT NULL AND a_calls IS NOT NULL AND (p_calls, p_rows, p_plans)
                                                                  IS DISTINCT FROM (a_calls, a_rows, a_plans)),
      count(*) FILTER (WHERE top = 'false' AND p_calls > 0 AND a_calls > 0),
      count(*) FILTER (WHERE top = 'any'),
      coalesce(sum(p_calls), 0)
      FROM j")
  IFS='|' read -r both only_p only_a unequal nested summed_keys calls <<<"$summary"
  if [ "${AZORA_AGREEMENT_VERBOSE:-0}" = 1 ]; then
    psql -X -P pager=off -c "$sides SELECT * FROM j ORDER BY query, top"
  fi
  echo "$phase: $both keys on both sides ($nested nested, $summed_keys summed over toplevel," \
    "$calls calls in pg_stat_statements); $only_p only in pg_stat_statements," \
    "$only_a only in azora_opt; $unequal with different calls/rows/plans"
  if [ "$only_p" != 0 ] || [ "$only_a" != 0 ] || [ "$unequal" != 0 ]; then
    diff=$(psql -X -P pager=off -c "$sides SELECT CASE WHEN a_calls IS NULL THEN 'pgss only'
          WHEN p_calls IS NULL THEN 'azora only' ELSE 'differ' END AS side, userid, queryid, top,
          p_calls, a_calls, p_rows, a_rows, p_plans, a_plans, query
        FROM j WHERE a_calls IS NULL OR p_calls IS NULL
          OR (p_calls, p_rows, p_plans) IS DISTINCT FROM (a_calls, a_rows, a_plans)
        ORDER BY side, query, top")
    echo "$diff"
    return 1
  fi
  # Not vacuous: the workload was seen, nested statements and utilities included.
  [ "$both" -ge "$3" ] || fail "$phase: only $both keys compared, expected at least $3"
  [ "$nested" -ge "$4" ] || fail "$phase: only $nested nested keys compared, expected at least $4"
}

status=0
reset="SELECT pg_stat_statements_reset(), azora_opt.reset()"

# Phase 1: track_utility = on. Only the planner-run statement (on agr_plan_t) is summed.
q -c "$reset" >/dev/null
workload
compare "phase 1 (track_utility = on)" "query LIKE '%agr\\_plan\\_t%'" 60 10 || status=1
# Evidence that the workload reached the rows of utilities in both: FETCH 10 returned 10 rows.
fetch_rows=$(q -c "SELECT coalesce((SELECT sum(rows) FROM pg_stat_statements
  WHERE query = 'FETCH 10 FROM agr_c')::text, 'none') || '|' || coalesce((SELECT sum(rows)
  FROM azora_opt.queries WHERE query = 'FETCH 10 FROM agr_c')::text, 'none')")
echo "FETCH 10 rows (pg_stat_statements|azora_opt): $fetch_rows"

# Phase 2: track_utility = off for both (session settings: superuser), statements under utilities.
q -c "$reset" >/dev/null
PGOPTIONS="-c azora_opt.track_utility=off -c pg_stat_statements.track_utility=off" run -d agr <<'SQL'
DO $$ BEGIN PERFORM count(*) FROM agr_t WHERE v = 1; UPDATE agr_t SET v = v WHERE id = 5; END $$;
DO $$ DECLARE i int; BEGIN FOR i IN 1..3 LOOP INSERT INTO agr_log VALUES (i); END LOOP; END $$;
SELECT agr_plpgsql(10);
CALL agr_proc();
CREATE TABLE agr_ctas AS SELECT * FROM agr_t WHERE v = 5;
DROP TABLE agr_ctas;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM agr_t WHERE v = 2;
SELECT count(*) FROM agr_t WHERE v = 3;
SQL
compare "phase 2 (track_utility = off)" "true" 8 0 || status=1
# For the record: how many keys pg_stat_statements 15 files under another toplevel.
split=$(q -c "WITH agr AS (SELECT oid FROM pg_database WHERE datname = 'agr')
  SELECT count(*) FROM (SELECT queryid, toplevel FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM agr) AND calls > 0) p
  FULL JOIN (SELECT queryid, toplevel FROM azora_opt.queries
    WHERE dbid = (SELECT oid FROM agr) AND calls > 0) a USING (queryid, toplevel)
  WHERE p.queryid IS NULL OR a.queryid IS NULL")
echo "phase 2: before summing over toplevel, $split rows of the join had no partner (pg_stat_statements 15's nesting)"

# Phase 3: utilities run from named prepared statements (pgbench -M prepared). pg_stat_statements
# 15 zeroes the query id in the cached plan, so it counts only the first execution per
# connection; azora_opt must count all 30 (2 clients x 15); everything else must agree.
q -c "$reset" >/dev/null
pgbench prepared "$AZORA_TMP/agr_utility.pgbench"
compare "phase 3 (prepared utilities)" "false" 3 3 "query IN ($utility_texts)" || status=1
counts=$(q -c "SELECT string_agg(coalesce(p.calls, 0) || '/' || coalesce(a.calls, 0), ' ' ORDER BY t.query)
  FROM unnest(ARRAY[$utility_texts]) t(query)
  LEFT JOIN (SELECT query, sum(calls) AS calls FROM pg_stat_statements
             WHERE userid = 10 AND toplevel GROUP BY 1) p USING (query)
  LEFT JOIN (SELECT query, sum(calls) AS calls FROM azora_opt.queries
             WHERE userid = 10 AND toplevel GROUP BY 1) a USING (query)")
echo "phase 3: utilities from prepared statements, calls pg_stat_statements/azora_opt: $counts"
[ "$(sed 's|[0-9]*/||g' <<<"$counts")" = "30 30 30" ] ||
  { echo "phase 3: azora_opt must count every execution (30 each)"; status=1; }

[ "$status" = 0 ] || fail "pg_stat_statements and azora_opt disagree"
echo "ok ($order)"
