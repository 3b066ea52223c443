#!/usr/bin/env bash
# cli_width.sh — every azora-opt command's text output fits 100 columns (issue 16: "tables that
# fit 100 columns"), against its own primary and streaming standby holding real data made to be
# wide: 400-character query texts, 63-character table, column and index names, 19-digit query
# ids, thousands of calls, a 200-character cache key, a two-node report (per-node column),
# advise --apply and --apply --verify, indexes, cache, --help of the tool and of each command —
# each also with -x. `metrics` is exempt: it is Prometheus exposition text, a machine format
# whose lines must not be broken. AZORA_CLI overrides the binary.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --standby -- bash "$0" inner
fi
cli=${AZORA_CLI:-$root/build/client/azora-opt}
[ -x "$cli" ] || { echo "FAIL: no CLI at $cli (make client)"; exit 1; }
fail=0
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
# fits DESCRIPTION -- CMD...: CMD's stdout is no wider than 100 code points, and not empty.
fits() {
  local what=$1; shift 2
  local out status widest
  out=$("$@" 2>"$AZORA_TMP/fits.err"); status=$?
  printf '== %s\n%s\n' "$what" "$out" >>"$AZORA_TMP/cli_width.txt"  # AZORA_KEEP_TMP=1 keeps it
  widest=$(python3 -c 'import sys; print(max([len(l) for l in sys.stdin.read().splitlines()] or [0]))' <<<"$out")
  if [ -z "$out" ] || [ "$widest" -gt 100 ]; then
    echo "FAIL: $what: $widest columns wide (status $status):"
    python3 -c 'import sys
for l in sys.stdin.read().splitlines():
    if len(l) > 100: print("  " + l)' <<<"$out" | head -8
    [ -z "$out" ] && head -5 "$AZORA_TMP/fits.err"
    fail=1
  else
    echo "ok: $what ($widest columns)"
  fi
}
long=a_table_whose_name_takes_all_of_the_sixty_three_bytes_postgres_
col=a_column_whose_name_is_long_enough_to_overflow_any_narrow_cell_
q -c 'CREATE EXTENSION azora_opt' \
  -c 'ALTER SYSTEM SET azora_opt.plan_min_ms = 0' -c 'SELECT pg_reload_conf()' >/dev/null
q -c "CREATE TABLE $long (id int PRIMARY KEY, $col text NOT NULL, grp int)" \
  -c "SET azora_opt.track = 'none'" \
  -c "INSERT INTO $long SELECT g, 'value number ' || g, g % 10 FROM generate_series(1, 20000) g" \
  -c "ANALYZE $long"
# A statement whose text is some 400 characters; a cheap one called 3000 times.
select_list=$(for i in $(seq 1 12); do printf "%s AS alias_%02d_of_a_long_select_list, " "$col" "$i"; done)
for i in 1 2 3; do
  q -c "SELECT ${select_list}id FROM $long WHERE $col = 'value number $i' AND grp IN (1, 2, 3, 4, 5, 6, 7)" >/dev/null
done
for i in $(seq 1 3000); do echo "SELECT $i AS n;"; done | q >/dev/null
qid=$(q -c "SELECT queryid FROM azora_opt.queries WHERE query LIKE 'SELECT ${col}%' LIMIT 1")
[ -n "$qid" ] || { echo "FAIL: the long statement is not tracked"; exit 1; }
# A cached entry with a long key and a source relation.
key="courses:$(printf 'x%.0s' $(seq 1 190))"
q -c "SELECT azora_opt.cached_json('$key', 'SELECT count(*) FROM $long')" >/dev/null
# The standby's own calls, for the merged report's per-node column.
for _ in $(seq 1 50); do
  psql -X -At -d "$AZORA_STANDBY_CONNINFO" -c "SELECT 1 FROM pg_class WHERE relname = '$long'" 2>/dev/null | grep -q 1 && break
  sleep 0.2
done
for i in 1 2 3; do
  psql -X -q -At -d "$AZORA_STANDBY_CONNINFO" -c "SELECT ${select_list}id FROM $long WHERE $col = 'value number $i' AND grp IN (1, 2, 3, 4, 5, 6, 7)" >/dev/null
done

for x in "" -x; do
  fits "--help $x" -- "$cli" $x --help
  fits "no command (usage on stderr) $x" -- bash -c "\"$cli\" $x 2>&1"
  for c in $("$cli" --help | sed -nE 's/^  ([a-z]+)( .*)?$/\1/p'); do
    fits "$c --help $x" -- "$cli" $x "$c" --help
  done
  fits "version $x" -- "$cli" $x version
  fits "ping $x" -- "$cli" $x ping
  fits "report $x" -- "$cli" $x report
  fits "report --order calls $x" -- "$cli" $x report --order calls --top 3
  fits "report over the primary and the standby $x" -- "$cli" $x -d "$AZORA_PG_CONNINFO" -d "$AZORA_STANDBY_CONNINFO" report
  fits "plan of the long statement $x" -- "$cli" $x plan "$qid"
  fits "info $x" -- "$cli" $x info
  fits "cache stats $x" -- "$cli" $x cache stats
  fits "cache entries $x" -- "$cli" $x cache entries
  fits "advise $x" -- "$cli" $x advise
done
fits "cache invalidate" -- "$cli" cache invalidate 'nomatch:*'
# --apply builds the advised index; a duplicate of it (63-character name) for indexes.
fits "advise --apply" -- "$cli" advise --apply
q -c "CREATE INDEX an_index_whose_name_takes_all_sixty_three_bytes_that_postgres_allo ON $long ($col)"
for x in "" -x; do
  fits "indexes --unused $x" -- "$cli" $x indexes --unused
  fits "indexes --redundant $x" -- "$cli" $x indexes --redundant
done
# --apply --verify: drop what --apply built, then a workload running through both windows.
for index in $(q -c "SELECT indexrelid::regclass FROM pg_index WHERE indrelid = '$long'::regclass AND NOT indisprimary"); do
  q -c "DROP INDEX $index"
done
(for _ in $(seq 1 200); do
  for i in 1 2 3; do echo "SELECT ${select_list}id FROM $long WHERE $col = 'value number $i' AND grp IN (1, 2, 3, 4, 5, 6, 7);"; done
  echo "SELECT pg_sleep(0.02);"
done | q >/dev/null) &
load=$!
check_verdicts=$("$cli" advise 2>&1)
grep -q 'CREATE INDEX' <<<"$check_verdicts" || { echo "FAIL: nothing to advise before --verify:"; echo "$check_verdicts"; fail=1; }
fits "advise --apply --verify" -- "$cli" advise --apply --verify --window 500ms --min-calls 3
kill "$load" 2>/dev/null; wait "$load" 2>/dev/null
# A short index name leaves the verdict table room for its reason wrapped (a table, not records).
q -c "CREATE TABLE w (id int, v text)" -c "SET azora_opt.track = 'none'" \
  -c "INSERT INTO w SELECT g, 'v' || g FROM generate_series(1, 20000) g" -c "ANALYZE w"
for i in 1 2 3; do q -c "SELECT id FROM w WHERE v = 'v$i'" >/dev/null; done
(for i in $(seq 1 300); do echo "SELECT id FROM w WHERE v = 'v$i';"; echo "SELECT pg_sleep(0.01);"; done | q >/dev/null) &
load=$!
fits "advise --apply --verify, short names" -- "$cli" advise --apply --verify --window 500ms --min-calls 3
kill "$load" 2>/dev/null; wait "$load" 2>/dev/null
if awk '/^== advise --apply --verify, short names/ { on = 1 } on' "$AZORA_TMP/cli_width.txt" |
  grep -A1 -E '^ kept +\| [0-9]+ kB +\| .*\| w_v_idx +\| ' | tail -1 | grep -qE '^ +\| .*\| +\| [a-z]'; then
  echo "ok: the verdict table keeps its rows, the reason wrapped"
else
  echo "FAIL: the verdict table of a short index name is not a table with its reason wrapped:"
  awk '/^== advise --apply --verify, short names/ { on = 1 } on' "$AZORA_TMP/cli_width.txt" | tail -12
  fail=1
fi
fits "reset" -- "$cli" reset
fits "cache flush" -- "$cli" cache flush
exit $fail
