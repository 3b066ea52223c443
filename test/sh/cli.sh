#!/usr/bin/env bash
# cli.sh — the azora-opt command line against the running throwaway cluster: each command's
# output, psql's connection options, exit codes (1 bad usage or input, 2 connection, 3 server
# error, with SQLSTATE and hint), sizes as pg_size_pretty writes them, and the same server
# given twice to report counted once. AZORA_CLI overrides the binary.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cli=${AZORA_CLI:-$root/build/client/azora-opt}
fail=0
check() {  # check DESCRIPTION EXPECTED_STATUS PATTERN -- CMD...
  local what=$1 want=$2 pattern=$3; shift 4
  local out status
  out=$("$@" 2>&1); status=$?
  if [ "$status" -ne "$want" ] || ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL: $what (status $status, want $want; pattern '$pattern')"; echo "$out" | head -20
    fail=1
  else
    echo "ok: $what"
  fi
}
# json_ok ARGS...: azora-opt ARGS prints JSON valid against test/docs/cli_json_schema.json.
json_ok() {
  local out
  if out=$("$cli" --format json "$@" 2>"$AZORA_TMP/json_ok.err" | python3 "$root/test/docs/cli_json.py" "$@" 2>&1); then
    echo "ok: JSON of $* matches its schema"
  else
    echo "FAIL: JSON of $* against test/docs/cli_json_schema.json:"; echo "$out" | head -10
    head -5 "$AZORA_TMP/json_ok.err"; fail=1
  fi
}
psql -XAtqc 'CREATE EXTENSION IF NOT EXISTS azora_opt'
# Capture every slowest call's plan (plan_min_ms is server-wide: ALTER SYSTEM, then reload).
psql -XAtq -c 'ALTER SYSTEM SET azora_opt.plan_min_ms = 0' -c 'SELECT pg_reload_conf()' >/dev/null
trap "psql -XAtq -c 'ALTER SYSTEM RESET azora_opt.plan_min_ms' -c 'SELECT pg_reload_conf()' >/dev/null" EXIT
check "version" 0 '^azora_opt extension 1\.2\.0 \(server 15[0-9]{4}\)$' -- "$cli" version
check "version as JSON" 0 '"server_version_num": 15[0-9]{4}' -- "$cli" --format json version
json_ok version
json_ok ping
check "ping over the socket" 0 '^pong from backend [0-9]+ in [0-9]+ us$' -- "$cli" ping
check "ping over TCP with -d" 0 '^pong from backend' -- "$cli" -d "$AZORA_PG_TCP_CONNINFO" ping
check "help lists the commands" 0 'report \[--top N\]' -- "$cli" --help
check "help of one command" 0 'exact to the histogram' -- "$cli" report --help
# Every command's --help: its usage line and at least one line on its options or behaviour.
for c in $("$cli" --help | sed -nE 's/^  ([a-z]+)( .*)?$/\1/p'); do
  out=$("$cli" "$c" --help); status=$?
  if [ "$status" -eq 0 ] && grep -q "^usage: azora-opt .* $c" <<<"$out" && [ "$(grep -c . <<<"$out")" -ge 3 ]; then
    echo "ok: $c --help"; else echo "FAIL: $c --help (status $status):"; echo "$out"; fail=1; fi
done
check "no command is bad usage (1)" 1 '^usage: azora-opt' -- "$cli"
check "unknown command is bad usage" 1 "unknown command 'frobnicate'" -- "$cli" frobnicate
check "plan without a queryid is bad usage" 1 'plan needs one queryid' -- "$cli" plan
check "unknown option is bad usage" 1 'unknown option --bogus' -- "$cli" report --bogus
check "bad --order is bad usage" 1 '--order must be one of' -- "$cli" report --order latency
check "bad --format is bad usage" 1 '--format must be text or json' -- "$cli" --format xml report
check "unreachable server exits 2" 2 'cannot reach the server' -- "$cli" -d "host=/nonexistent/azora port=1" ping
check "--version without a server" 0 '^azora-opt [0-9]+\.[0-9]+\.[0-9]+$' -- env PGHOST=/nonexistent/azora "$cli" --version
check "-V is --version" 0 '^azora-opt [0-9]+\.[0-9]+\.[0-9]+$' -- "$cli" -V
check "-? is --help" 0 '^  -h, --host=HOST' -- "$cli" '-?'
check "help of a command with -?" 0 'exact to the histogram' -- "$cli" report '-?'
# psql's connection options: -h/-p/-U/-d over the PG* variables; -d a database name or a conninfo.
nopg=(env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE)
check "-h -p -U -d (socket)" 0 '^pong from backend' -- "${nopg[@]}" "$cli" -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres ping
check "-h -p over TCP, --username= --dbname=" 0 '^pong from backend' -- "${nopg[@]}" "$cli" -h 127.0.0.1 -p "$PGPORT" --username=postgres --dbname=postgres ping
check "-hHOST -pPORT attached" 0 '^pong from backend' -- "${nopg[@]}" PGUSER=postgres PGDATABASE=postgres "$cli" "-h$PGHOST" "-p$PGPORT" ping
check "-h wins over PGHOST" 0 '^pong from backend' -- env PGHOST=/nonexistent/azora "$cli" -h "$PGHOST" ping
check "-d DBNAME is a database name" 0 '^pong from backend' -- env PGDATABASE=azora_no_such_db "$cli" -d postgres ping
check "-d DBNAME that does not exist" 2 'database "azora_no_such_db" does not exist' -- "$cli" -d azora_no_such_db ping
check "-p is used" 2 'cannot reach the server' -- "$cli" -p 1 ping
check "a -d conninfo's port wins over -p (psql)" 0 '^pong from backend' -- "$cli" -p 1 -d "$AZORA_PG_CONNINFO" ping
check "-d URI" 0 '^pong from backend' -- "${nopg[@]}" "$cli" -d "postgresql://postgres@127.0.0.1:$PGPORT/postgres" ping
check "-d with an unknown conninfo keyword is bad usage" 1 'invalid connection option "bogus"' -- "$cli" -d "bogus=1" ping
check "-p not a number is bad usage" 1 '-p needs a port number' -- "$cli" -p abc ping
check "-h without a value is bad usage" 1 '-h needs a value' -- "$cli" ping -h
check "an unknown short option is bad usage" 1 'unknown option -z' -- "$cli" report -z
# Bad input is exit 1, checked before the server sees it or refused by it (class 22).
check "plan abc is bad input (1)" 1 "the queryid must be a 64-bit integer.*got 'abc'" -- "$cli" plan abc
check "plan of a queryid out of range is bad input" 1 'must be a 64-bit integer' -- "$cli" plan 99999999999999999999
check "plan 12x is bad input" 1 'must be a 64-bit integer' -- "$cli" plan 12x
check "advise --min-improvement abc is bad input" 1 '--min-improvement must be a number' -- "$cli" advise --min-improvement abc
check "advise --budget too large is bad input" 1 'size out of range' -- "$cli" advise --budget 99999999999999999999
# Tracking commands over a known workload.
json_ok reset
for i in 1 2 3; do psql -XAtqc "SELECT count(*) FROM generate_series(1, $i * 1000) AS g WHERE g % 7 = 0" >/dev/null; done
qid=$(psql -XAtc "SELECT queryid FROM azora_opt.queries WHERE query LIKE 'SELECT count(*) FROM generate_series%'")
# report's table is wider than 100 columns (19-digit query ids): one record per statement.
record_of() {  # record_of QUERYID ARGS...: the record of QUERYID in `azora-opt ARGS`, one line
  local id=$1; shift
  "$cli" "$@" | awk -v id="$id" '/^-\[ RECORD/ { if (on) exit } /^queryid +\| / { on = ($3 == id) } on' | tr -s ' \n' ' '
}
check "report shows the statement with its calls" 0 "^queryid \\| $qid calls \\| 3 .*query \\| SELECT count\\(\\*\\) FROM generate_series\\(\\\$1, \\\$2 \\* \\\$3\\)" -- record_of "$qid" report --top 5 --order calls
json_ok report --top 5
# The CLI computes percentiles from the raw buckets: they must equal the server's own.
want=$(psql -XAtc "SELECT round(p95_exec_time::numeric, 3) || ' ' || round(p50_exec_time::numeric, 3) FROM azora_opt.queries WHERE queryid = $qid")
got=$("$cli" --format json report --top 50 --order calls | python3 -c "
import json, sys
for r in json.load(sys.stdin):
    if r['queryid'] == $qid: print('%.3f %.3f' % (r['p95_ms'], r['p50_ms']))")
if [ "$want" = "$got" ]; then echo "ok: report's p95/p50 equal the server's ($got)"; else
  echo "FAIL: report's p95/p50 '$got' differ from the server's '$want'"; fail=1; fi
# The same server twice (its socket and its TCP address) is counted once, with a note; two
# databases of one server too (the tracker holds every database's entries).
calls_of() { python3 -c "import json,sys; print(sum(r['calls'] for r in json.load(sys.stdin) if r['queryid'] == $qid))"; }
one=$("$cli" --format json report --top 50 --order calls | calls_of)
twice=$("$cli" -d "$AZORA_PG_CONNINFO" -d "$AZORA_PG_TCP_CONNINFO" --format json report --top 50 --order calls 2>/dev/null | calls_of)
if [ "$one" = 3 ] && [ "$twice" = 3 ]; then echo "ok: report -d SOCKET -d TCP of one server counts its 3 calls once"; else
  echo "FAIL: report of one server given twice: $twice calls (alone: $one, want 3)"; fail=1; fi
check "report names the repeated server" 0 'is the same server as -d #1 .*system identifier [0-9]+: counted once' -- "$cli" -d "$AZORA_PG_CONNINFO" -d "$AZORA_PG_TCP_CONNINFO" report
psql -XAtq -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS cli_other" -c "CREATE DATABASE cli_other"
twice=$("$cli" -d "$AZORA_PG_CONNINFO" -d "$AZORA_PG_TCP_CONNINFO dbname=cli_other" --format json report --top 50 --order calls 2>/dev/null | calls_of)
if [ "$twice" = 3 ]; then echo "ok: report over two databases of one server counts once"; else
  echo "FAIL: report over two databases of one server: $twice calls (want 3)"; fail=1; fi
psql -XAtq -c "DROP DATABASE cli_other"
# Without pg_control_system() (revoked in some hardened setups) a server is its postmaster's
# start time and port: still read once.
psql -XAtq -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS cli_reader" -c "CREATE ROLE cli_reader LOGIN" \
  -c "REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC"
check "one server twice without pg_control_system()" 0 'same server as -d #1 .*system identifier unreadable: counted once' -- \
  "$cli" -U cli_reader -d "$AZORA_PG_CONNINFO user=cli_reader" -d "$AZORA_PG_TCP_CONNINFO user=cli_reader" report
psql -XAtq -c "GRANT EXECUTE ON FUNCTION pg_control_system() TO PUBLIC" -c "DROP ROLE cli_reader"
check "one server given twice: no per-node column" 0 '^queryid \| -?[0-9]+ calls .* slow \| [0-9]+ query \| ' -- record_of "$qid" -d "$AZORA_PG_CONNINFO" -d "$AZORA_PG_TCP_CONNINFO" report --order calls
check "plan of the slowest call" 0 'Function Scan on generate_series' -- "$cli" plan "$qid"
check "plan as JSON" 0 '"source_text": "SELECT count' -- "$cli" --format json plan "$qid"
json_ok plan "$qid"
check "plan of an unknown queryid is a server-side miss (3)" 3 'no plan recorded' -- "$cli" plan 42
check "metrics is Prometheus text" 0 '^# TYPE azora_db_query_duration_seconds histogram' -- "$cli" metrics
check "info" 0 'plan_captures' -- "$cli" info
check "info JSON: stats_reset is ISO 8601" 0 '^yes$' -- bash -c "\"$cli\" --format json info | python3 -c \"import json,sys,re; v=json.load(sys.stdin)[0]['stats_reset']; print('yes' if re.fullmatch(r'\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?[+-]\\d\\d:\\d\\d', v) else 'no: ' + v)\""
check "info as JSON" 0 '"entries": [0-9]+' -- "$cli" --format json info
json_ok info
# Result cache commands over a known entry: one miss and one hit since the counters were read.
stat() { "$cli" --format json cache stats | python3 -c "import json,sys; r=json.load(sys.stdin)[0]; print(r['hits'], r['misses'])"; }
psql -XAtq -c "SELECT azora_opt.cache_flush()" >/dev/null
read -r hits0 misses0 < <(stat)
psql -XAtq -c "SELECT azora_opt.cached_json('cli:courses:1', 'SELECT 1 AS one')" \
  -c "SELECT azora_opt.cached_json('cli:courses:1', 'SELECT 1 AS one')" >/dev/null
read -r hits1 misses1 < <(stat)
if [ "$((hits1 - hits0)) $((misses1 - misses0))" = "1 1" ]; then echo "ok: cache stats count one miss and one hit"; else
  echo "FAIL: cache stats: hits $hits0 -> $hits1, misses $misses0 -> $misses1 (want +1 each)"; fail=1; fi
want=$(psql -XAtc "SELECT pg_size_pretty(bytes_cap) || ' / ' || pg_size_pretty(entry_limit_bytes) FROM azora_opt.cache_stats()")
got=$("$cli" cache stats | python3 -c "
import sys
f = dict(l.split(' | ', 1) for l in sys.stdin.read().splitlines() if ' | ' in l)
f = {k.strip(): v.strip() for k, v in f.items()}
print(f['bytes_cap'] + ' / ' + f['entry_limit_bytes'])")
if [ "$want" = "$got" ]; then echo "ok: cache stats sizes as pg_size_pretty ($got)"; else
  echo "FAIL: cache stats sizes '$got', pg_size_pretty says '$want'"; fail=1; fi
# Records wider than 100 columns print one field a line (psql -x); -x forces it.
for c in "cache stats" info; do
  w=$("$cli" $c | awk '{ n = length($0); if (n > m) m = n } END { print m + 0 }')
  if [ "$w" -le 100 ]; then echo "ok: $c fits 100 columns ($w)"; else
    echo "FAIL: $c is $w columns wide"; "$cli" $c | head -5; fail=1; fi
done
check "cache stats expanded: the hit rate rounded" 0 '^hit_rate +\| [01]\.[0-9]{3}$' -- "$cli" cache stats
check "-x: cache entries one field a line" 0 '^key +\| cli:courses:1$' -- "$cli" -x cache entries
check "-x: report one field a line" 0 '^calls +\| [0-9]+$' -- "$cli" --expanded report --top 1
check "cache stats as a record" 0 '^-\[ RECORD 1 \]-+\+-+$' -- "$cli" cache stats
check "cache entries, the size in bytes" 0 '^ *cli:courses:1 \| +[0-9]+ bytes \|' -- "$cli" cache entries
json_ok cache stats
json_ok cache entries
json_ok cache invalidate "cli:nomatch:*"
check "cache entries JSON: source_relations is a JSON array" 0 '^yes$' -- bash -c "\"$cli\" --format json cache entries | python3 -c \"import json,sys; r=[e for e in json.load(sys.stdin) if e['key'] == 'cli:courses:1'][0]; print('yes' if r['source_relations'] == [] else 'no: %s' % r)\""
check "cache entries JSON: age and ttl_left are seconds" 0 '^yes$' -- bash -c "\"$cli\" --format json cache entries | python3 -c \"import json,sys; r=[e for e in json.load(sys.stdin) if e['key'] == 'cli:courses:1'][0]; ok=all(isinstance(r[k], (int, float)) and 0 <= r[k] <= 86400 for k in ('age', 'ttl_left')); print('yes' if ok else 'no: %s' % r)\""
check "cache invalidate by glob" 0 '^1 cache entry invalidated for cli:\*$' -- "$cli" cache invalidate 'cli:*'
check "cache invalidate without a pattern is bad usage" 1 'cache takes' -- "$cli" cache invalidate
check "cache invalidate with a malformed glob: 22023, bad input (1)" 1 '22023' -- "$cli" cache invalidate 'abc\'
check "cache flush" 0 '^cache flushed \([0-9]+ entries removed\)$' -- "$cli" cache flush
json_ok cache flush
# Index advisor: advice for a tracked workload on a table without indexes, as text and JSON,
# (the one-off loads run untracked: the advisor charges tracked writes as index upkeep)
# bad options, --apply (one line per index with its build time, then the plans before/after),
# and the unused / redundant reports.
psql -XAtq -c 'SET client_min_messages = warning' -c 'DROP TABLE IF EXISTS cli_users' \
  -c 'CREATE TABLE cli_users (id int PRIMARY KEY, email text NOT NULL, grp int)' \
  -c "SET azora_opt.track = 'none'" \
  -c "INSERT INTO cli_users SELECT g, 'u' || g || '@x.org', g % 10 FROM generate_series(1, 20000) g" \
  -c 'ANALYZE cli_users'
for i in 1 2 3; do psql -XAtqc "SELECT id FROM cli_users WHERE email = 'u$i@x.org'" >/dev/null; done
check "advise shows the index with its DDL" 0 'CREATE INDEX CONCURRENTLY ON public.cli_users \(email\)' -- "$cli" advise
# The advise record's fields are the ones docs/cli.md shows (wider than 100: expanded).
fields='/^-\[ RECORD 1 \]/ { on = 1; next } /^(-\[ RECORD|\$ )/ { if (on) exit } on && /^[a-z]/ { print $1 }'
doc_head=$(awk '/^\$ azora-opt advise$/ { doc = 1 } doc' "$root/docs/cli.md" | awk "$fields" | tr '\n' ' ')
got_head=$("$cli" advise 2>/dev/null | awk "$fields" | tr '\n' ' ')
if [ -n "$doc_head" ] && [ "$doc_head" = "$got_head" ]; then echo "ok: advise's columns are docs/cli.md's ($got_head)"; else
  echo "FAIL: advise's header '$got_head', docs/cli.md shows '$doc_head'"; fail=1; fi
check "advise shows the query ids" 0 "^queryids +\\| $(psql -XAtc "SELECT queryid FROM azora_opt.queries WHERE query LIKE 'SELECT id FROM cli_users WHERE email%'")\$" -- "$cli" advise
check "advise --format json" 0 '"ddl": "CREATE INDEX CONCURRENTLY ON public.cli_users \(email\)"' -- "$cli" advise --format json
json_ok advise
check "advise JSON: columns and queryids are JSON arrays" 0 '^yes$' -- bash -c "\"$cli\" --format json advise | python3 -c \"import json,sys; r=json.load(sys.stdin)['recommendations'][0]; print('yes' if r['columns'] == ['email'] and r['queryids'] and all(isinstance(q, int) for q in r['queryids']) else 'no: %s' % r)\""
check "advise within a tiny budget advises nothing" 0 '^no index would help' -- "$cli" advise --budget 8kB
check "advise with a zero budget: 22023, bad input (1)" 1 'SQLSTATE 22023' -- "$cli" advise --budget 0
check "advise with an unknown option is bad usage" 1 "unknown option --frob" -- "$cli" advise --frob
check "advise with a bad size is bad usage" 1 "unknown size unit" -- "$cli" advise --budget 5parsecs
applied=$("$cli" advise --apply 2>&1)
check "advise --apply: a progress line" 0 '^\[1/1\] CREATE INDEX CONCURRENTLY ON public.cli_users \(email\)$' -- echo "$applied"
check "advise --apply: the build time and size" 0 '^ +built cli_users_email_idx in [0-9.]+ s, [1-9][0-9]* (bytes|kB|MB) ' -- echo "$applied"
size=$(psql -XAtc "SELECT pg_size_pretty(pg_relation_size('cli_users_email_idx'))")
check "advise --apply: the size as pg_size_pretty writes it" 0 "^ +built cli_users_email_idx in [0-9.]+ s, $size \\(estimated [0-9]+ (bytes|kB|MB)\\)$" -- echo "$applied"
check "advise --apply: the statement re-planned" 0 '^ +query -?[0-9]+: plan cost [0-9.]+ -> [0-9.]+$' -- echo "$applied"
printf '%s\n' "$applied" >"$AZORA_TMP/applied.txt"  # its NOTICE has quotes: never inline it
check "advise --apply: cost fell" 0 '^yes$' -- bash -c "grep -oE 'plan cost [0-9.]+ -> [0-9.]+' '$AZORA_TMP/applied.txt' | awk '{ print (\$3 > \$5) ? \"yes\" : \"no\" }'"
check "the applied index exists" 0 '^cli_users_email_idx$' -- psql -XAtc "SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'cli_users'::regclass AND NOT indisprimary"
psql -XAtqc 'CREATE INDEX cli_users_email_dup ON cli_users (email)'
check "indexes --redundant names the duplicate (expanded: wider than 100)" 0 '^drop_ddl +\| DROP INDEX CONCURRENTLY public.cli_users_email_dup$' -- "$cli" indexes --redundant
check "indexes --unused lists a never-scanned index" 0 'cli_users_email_dup' -- "$cli" indexes --unused --format json
json_ok indexes --unused
json_ok indexes --redundant
check "indexes without a report is bad usage" 1 'needs exactly one of --unused, --redundant' -- "$cli" indexes
psql -XAtqc 'DROP TABLE cli_users'
# A partitioned table: the index is created on the parent (no CONCURRENTLY there in
# PostgreSQL 15) and its size is the sum of its partitions' indexes, not the parent's 0 bytes.
psql -XAtq -c 'SET client_min_messages = warning' -c 'DROP TABLE IF EXISTS cli_part' \
  -c 'CREATE TABLE cli_part (id int, v int) PARTITION BY RANGE (id)' \
  -c 'CREATE TABLE cli_part_1 PARTITION OF cli_part FOR VALUES FROM (0) TO (10000)' \
  -c 'CREATE TABLE cli_part_2 PARTITION OF cli_part FOR VALUES FROM (10000) TO (20000)' \
  -c "SET azora_opt.track = 'none'" \
  -c 'INSERT INTO cli_part SELECT g, g % 5000 FROM generate_series(0, 19999) g' -c 'ANALYZE cli_part'
for i in 1 2 3; do psql -XAtqc "SELECT id FROM cli_part WHERE v = $i" >/dev/null; done
part=$("$cli" --format json advise --apply)
check "advise --apply on a partitioned table: the parent's size is its partitions'" 0 '^yes$' -- \
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); a=[x for x in d['applied'] if 'cli_part' in x['ddl']]; print('yes' if a and all(x['bytes'] > 0 for x in a) else 'no: %s' % a)" "$part"
if python3 "$root/test/docs/cli_json.py" advise --apply <<<"$part" >/dev/null; then echo "ok: JSON of advise --apply matches its schema"; else
  echo "FAIL: JSON of advise --apply:"; python3 "$root/test/docs/cli_json.py" advise --apply <<<"$part"; fail=1; fi
psql -XAtqc 'DROP TABLE cli_part'
# Errors the user can act on: a role without privileges, a database without the extension.
psql -XAtq -c "DROP ROLE IF EXISTS cli_nobody" -c "CREATE ROLE cli_nobody LOGIN"
check "metrics without privilege: 42501 and a hint" 3 'metrics needs pg_read_all_stats' -- "$cli" -d "$AZORA_PG_CONNINFO user=cli_nobody" metrics
psql -XAtq -c "DROP DATABASE IF EXISTS cli_noext" -c "CREATE DATABASE cli_noext"
check "no extension in the database: a hint to create it" 3 'CREATE EXTENSION azora_opt' -- "$cli" -d "$AZORA_PG_CONNINFO dbname=cli_noext" report
psql -XAtq -c "DROP DATABASE cli_noext" -c "DROP ROLE cli_nobody"
# The exporter: serves metrics, keeps serving (azora_opt_up 0) while the server restarts, and
# reconnects afterwards.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$cli" -d "$AZORA_PG_CONNINFO" exporter --listen "127.0.0.1:$port" 2>"$AZORA_TMP/exporter.log" &
exporter=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
check "exporter serves the metrics" 0 '^azora_opt_up 1$' -- curl -sf "http://127.0.0.1:$port/metrics"
check "exporter output passes promtool" 0 '' -- bash -c "curl -sf http://127.0.0.1:$port/metrics | promtool check metrics"
"$AZORA_PG_CTL" stop -m fast >/dev/null
check "exporter while the server is down" 0 '^azora_opt_up 0$' -- curl -sf "http://127.0.0.1:$port/metrics"
"$AZORA_PG_CTL" start >/dev/null
check "exporter reconnects" 0 '^azora_opt_up 1$' -- curl -sf "http://127.0.0.1:$port/metrics"
check "exporter counts the failed scrape" 0 '^azora_opt_exporter_scrape_failures_total 1$' -- curl -sf "http://127.0.0.1:$port/metrics"
kill "$exporter"; wait "$exporter" 2>/dev/null
exit $fail
