#!/usr/bin/env bash
# cache_hit.sh — the result cache's benchmark: the seed's course-list page (20 courses joined to
# their instructor, newest first, with the index it needs) through azora_opt.cached_json (all
# hits after a warm-up) vs the direct query (rows, and the same JSON via json_agg), pgbench -M
# prepared, 1 client pinned to CPU 1 with the server pinned to CPU 0; then cached hits with 1
# vs 2 clients, server and pgbench unpinned (2 clients need both CPUs), sampling what their
# backends wait on (azora_opt LWLock waits would mean hits serialise). Variants interleaved
# within each round, order reversed every other round; medians over rounds.
# Run by scripts/bench.sh cache_hit inside a throwaway cluster. Knobs: ROUNDS (3), DURATION (10).
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
out="${AZORA_TMP:-/tmp}/cache_hit"
mkdir -p "$out"
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

q <<'SQL'
CREATE EXTENSION IF NOT EXISTS azora_opt;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email text NOT NULL);
INSERT INTO users SELECT g, 'instructor ' || g, 'i' || g || '@example.org'
FROM generate_series(1, 500) g;
CREATE TABLE courses (id int PRIMARY KEY, title text NOT NULL, description text,
                      price numeric(8,2), instructor_id int NOT NULL REFERENCES users,
                      published boolean NOT NULL, created_at timestamptz NOT NULL);
INSERT INTO courses
SELECT g, 'Course ' || g, repeat('about the course ', 10), (g % 100) + 0.99, 1 + g % 500,
       g % 10 <> 0, now() - g * interval '1 hour'
FROM generate_series(1, 20000) g;
CREATE INDEX courses_published_created ON courses (created_at DESC) WHERE published;
ANALYZE;
SQL
page_query="SELECT c.id, c.title, c.price, u.name AS instructor FROM courses c JOIN users u ON u.id = c.instructor_id WHERE c.published ORDER BY c.created_at DESC LIMIT 20 OFFSET"
cat >"$out/direct.pgbench" <<PGB
\set page random(0, 9)
$page_query :page * 20;
PGB
cat >"$out/direct_json.pgbench" <<PGB
\set page random(0, 9)
SELECT json_agg(p) FROM ($page_query :page * 20) p;
PGB
cat >"$out/cached.pgbench" <<PGB
\set page random(0, 9)
SELECT azora_opt.cached_json('courses/list/' || :page::text, '$page_query \$1::int * 20', '1 hour', ARRAY[:page::text]);
PGB
# Same document from the cache and from json_agg, for every page.
for p in 0 9; do
  a=$(q -c "SELECT azora_opt.cached_json('courses/list/$p', '$page_query \$1::int * 20', '1 hour', ARRAY['$p'])::text")
  b=$(q -c "SELECT json_agg(p)::text FROM ($page_query $p * 20) p")
  [ "$a" = "$b" ] || { echo "page $p: cached and json_agg differ" >&2; exit 1; }
done

postmaster=$(head -1 "$AZORA_PGDATA/postmaster.pid")
# sample_waits FILE: every 20 ms, one line per active pgbench backend: WAIT_TYPE:WAIT_EVENT.
sample_waits() {
  : >"$1"
  while :; do
    psql -X -At -c "SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-')
                    FROM pg_stat_activity WHERE application_name = 'pgbench' AND state = 'active'" \
      >>"$1" 2>/dev/null || true
    sleep 0.02
  done
}
pin_server() { taskset -a -p -c "$1" "$postmaster" >/dev/null; }
# bench LABEL CLIENTS CPU SCRIPT -> TPS
bench() {
  local cpus=$3
  taskset -c "$cpus" "$PG_BIN/pgbench" -n -M prepared -c "$2" -j "$2" -T "$DURATION" \
    -f "$out/$4.pgbench" >"$out/$1.log" 2>&1 || { cat "$out/$1.log" >&2; return 1; }
  sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$out/$1.log" | tail -1
}
: >"$out/results.tsv"
pinned=(direct direct_json cached)
echo "rounds=$ROUNDS duration=${DURATION}s"
for round in $(seq 1 "$ROUNDS"); do
  order=("${pinned[@]}")
  [ $((round % 2)) -eq 0 ] && order=(cached direct_json direct)
  pin_server 0
  line="round $round:"
  for v in "${order[@]}"; do
    tps=$(bench "$v-$round" 1 1 "$v")
    printf '%s\t%s\n' "$v" "$tps" >>"$out/results.tsv"
    line+="  $v $tps"
  done
  pin_server 0,1
  for c in 1 2; do
    [ $((round % 2)) -eq 0 ] && c=$((3 - c))
    # While the hits run, sample what the pgbench backends wait on: a hit path serialised by a
    # lock would show them waiting on the azora_opt LWLock tranche.
    sample_waits "$out/waits$c-$round" &
    sampler=$!
    tps=$(bench "hits$c-$round" "$c" 0,1 cached)
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    printf 'hits_%sc\t%s\n' "$c" "$tps" >>"$out/results.tsv"
    line+="  hits/${c}c $tps (lock waits $(grep -c '^LWLock:azora_opt$' "$out/waits$c-$round" || true) of $(wc -l <"$out/waits$c-$round") samples)"
  done
  echo "$line"
done
q -c "SELECT 'cache: ' || hits || ' hits, ' || misses || ' misses' FROM azora_opt.cache_stats()"
python3 - "$out/results.tsv" <<'PY'
import statistics, sys
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n') if l]
med = {}
for v in sorted({r[0] for r in rows}):
    med[v] = statistics.median(float(r[1]) for r in rows if r[0] == v)
    print(f"{v:12s} median TPS {med[v]:9.1f}")
print(f"cached / direct rows  x{med['cached'] / med['direct']:.2f}")
print(f"cached / direct json  x{med['cached'] / med['direct_json']:.2f}")
print(f"hits 2 clients / 1    x{med['hits_2c'] / med['hits_1c']:.2f}")
PY
