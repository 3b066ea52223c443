#!/usr/bin/env bash
# cache_subscriber.sh — tables a logical-replication subscription writes are never served stale
# by the result cache (docs/extension/cache.md, "Writers the hooks do not see": the apply worker
# skips ExecutorStart, so its writes bump no generation).
#
# One cluster with wal_level = logical holds a publisher database (pubdb) and a subscriber
# database (subdb, with azora_opt). The slot is created in pubdb first and the subscription
# uses it (create_slot = false): CREATE SUBSCRIPTION creating a slot in its own cluster would
# wait for its own transaction. For each change on the publisher (UPDATE, INSERT, DELETE,
# TRUNCATE): the subscriber reads through cached_json and cached first (twice, so the entry is
# stored if it may be), the publisher commits the change, we wait (up to 20 s) until the
# subscriber's direct read shows it, and then the cached reads must equal the direct read.
# Queries: the replicated table, a view over it, and a join with a local table. A purely local
# table must still be cached (a hit), so the check does not pass by caching nothing.
# Starts its own cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis --conf 'wal_level = logical' -- bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
pubq() { psql -X -v ON_ERROR_STOP=1 -q -At -d pubdb "$@"; }
subq() { psql -X -v ON_ERROR_STOP=1 -q -At -d subdb "$@"; }
start=$(date +%s)

psql -X -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE pubdb" -c "CREATE DATABASE subdb"
pubq <<'SQL'
CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL, label text);
INSERT INTO items SELECT g, g * 10, 'item ' || g FROM generate_series(1, 5) g;
CREATE PUBLICATION azora_pub FOR TABLE items;
SELECT pg_create_logical_replication_slot('azora_sub_slot', 'pgoutput') \gset
SQL
subq <<SQL
CREATE EXTENSION azora_opt;
CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL, label text);
CREATE TABLE local_names (id int PRIMARY KEY, name text);
INSERT INTO local_names SELECT g, 'name ' || g FROM generate_series(1, 10) g;
CREATE VIEW big_items AS SELECT id, v FROM items WHERE v >= 20;
CREATE SUBSCRIPTION azora_sub
  CONNECTION 'host=$PGHOST port=$PGPORT user=postgres dbname=pubdb'
  PUBLICATION azora_pub WITH (create_slot = false, slot_name = 'azora_sub_slot');
SQL

# Initial sync: every table of the subscription ready ('r'), and the rows there.
for i in $(seq 200); do
  [ "$(subq -c "SELECT count(*) FILTER (WHERE srsubstate <> 'r') || '/' || count(*) FROM pg_subscription_rel")" = 0/1 ] &&
    [ "$(subq -c "SELECT count(*) FROM items")" = 5 ] && break
  [ "$i" = 200 ] && fail "initial sync did not finish in 20 s: $(subq -c "SELECT srrelid::regclass, srsubstate FROM pg_subscription_rel")"
  sleep 0.1
done
echo "subscription ready: $(subq -c "SELECT string_agg(srrelid::regclass::text || '=' || srsubstate::text, ' ') FROM pg_subscription_rel")"

# Each query: label|query|column definition list for cached().
queries=(
  "table|SELECT id, v, label FROM items|id int, v int, label text"
  "sum|SELECT count(*) AS n, sum(v) AS total FROM items|n bigint, total bigint"
  "view|SELECT id, v FROM big_items|id int, v int"
  "join|SELECT i.id, i.v, l.name FROM items i JOIN local_names l USING (id)|id int, v int, name text"
)
# outcome FORM QUERY COLDEF KEY: the rows as a sorted jsonb array.
outcome() {
  local form=$1 query=$2 coldef=$3 key=$4 sql
  case "$form" in
    direct) sql="SELECT to_jsonb(x) FROM ($query) x" ;;
    json) sql="SELECT jsonb_array_elements(azora_opt.cached_json('$key:j', \$q\$$query\$q\$, '1 hour')::jsonb)" ;;
    rows) sql="SELECT to_jsonb(x) FROM azora_opt.cached('$key:r', \$q\$$query\$q\$, '1 hour') AS x($coldef)" ;;
  esac
  subq -c "SELECT coalesce(jsonb_agg(r ORDER BY r::text), '[]') FROM ($sql) z(r)" 2>>"$AZORA_TMP/notices.log"
}
hits() { subq -c "SELECT hits FROM azora_opt.cache_stats()"; }

checks=0 stale=0
# step NAME PUBLISHER_SQL: fill, change on the publisher, wait for the subscriber, compare.
step() {
  local name=$1 change=$2 entry label query coldef before after d j r h0
  for entry in "${queries[@]}"; do
    IFS='|' read -r label query coldef <<<"$entry"
    for _ in 1 2; do outcome json "$query" "$coldef" "$label" >/dev/null; outcome rows "$query" "$coldef" "$label" >/dev/null; done
  done
  before=$(subq -c "SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY id), '[]') FROM items x")
  pubq -c "$change"
  for i in $(seq 200); do
    after=$(subq -c "SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY id), '[]') FROM items x")
    [ "$after" != "$before" ] && break
    [ "$i" = 200 ] && fail "$name: the subscriber's direct read did not change within 20 s"
    sleep 0.1
  done
  # The change has been applied; compare every query and form with the direct read.
  for entry in "${queries[@]}"; do
    IFS='|' read -r label query coldef <<<"$entry"
    d=$(outcome direct "$query" "$coldef" "$label")
    h0=$(hits)
    j=$(outcome json "$query" "$coldef" "$label")
    r=$(outcome rows "$query" "$coldef" "$label")
    hit=$(($(hits) - h0))
    for form in json rows; do
      checks=$((checks + 1))
      got=$j; [ "$form" = rows ] && got=$r
      if [ "$got" = "$d" ]; then
        printf '  %-9s %-6s %-5s ok\n' "$name" "$label" "$form"
      else
        stale=$((stale + 1))
        printf '  %-9s %-6s %-5s STALE (hits during the two cached reads: %s)\n' "$name" "$label" "$form" "$hit"
        # The first few in full.
        if [ "$stale" -le 3 ]; then printf '    direct: %s\n    cached: %s\n' "$d" "$got"; fi
      fi
    done
  done
}

echo "subscriber reads after each publisher change (cached_json = json, cached = rows):"
step update "UPDATE items SET v = v + 1000 WHERE id IN (2, 4)"
step insert "INSERT INTO items VALUES (6, 60, 'item 6')"
step delete "DELETE FROM items WHERE id = 1"
step truncate "TRUNCATE items"
step refill "INSERT INTO items SELECT g, g, 'again ' || g FROM generate_series(1, 3) g"

# A purely local table in the subscriber database is still cached: the second read is a hit.
local_q='SELECT id, name FROM local_names WHERE id <= 3'
h0=$(hits)
subq -c "SELECT azora_opt.cached_json('local', \$q\$$local_q\$q\$)" >/dev/null
subq -c "SELECT azora_opt.cached_json('local', \$q\$$local_q\$q\$)" >/dev/null
local_hits=$(($(hits) - h0))

subq -c "DROP SUBSCRIPTION azora_sub"   # also drops the slot in pubdb
secs=$(($(date +%s) - start))
echo "cache_subscriber: $checks checks, $stale stale answers; local table hits: $local_hits (${secs}s)"
[ "$stale" = 0 ] || fail "$stale cached reads of subscribed tables were stale after the change was applied"
[ "$local_hits" -ge 1 ] || fail "a local (not subscribed) table was not served from the cache"
