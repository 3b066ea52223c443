#!/usr/bin/env bash
# prometheus_e2e.sh — a real Prometheus (Debian's `prometheus`) on a free loopback port, with
# docs/monitoring/prometheus-rules.yml loaded, scrapes the example API and `azora-opt exporter`
# (azora_opt.metrics()) every second while test/bench/api_mix.lua loads the API. Through Prometheus' HTTP API (/api/v1/query, /api/v1/rules)
# it checks that the target is up, that the API's series arrived with the values the API
# itself reports, that every rule evaluates without error, and that the recording
# azora:cache_hit_ratio:total equals hits / (hits + misses) from the API's own /metrics.
# Starts its own cluster, Redis, API, exporter and Prometheus, and stops them all.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" -- bash "$0" inner
fi

fail() { echo "FAIL: $*"; exit 1; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

psql -X -v ON_ERROR_STOP=1 -Atq -v scale=1 -f "$root/scripts/elearning.sql"
psql -X -Atq -c "CREATE EXTENSION azora_opt"
exporter_port=$(free_port)
"$root/build/client/azora-opt" -d "$AZORA_PG_CONNINFO" exporter --listen "127.0.0.1:$exporter_port" \
  >"$AZORA_TMP/exporter.log" 2>&1 &
pids+=($!)
api_port=$(free_port)
"$root/build/client/azora-example-api" --mode after --listen "127.0.0.1:$api_port" --threads 4 \
  >"$AZORA_TMP/api.log" 2>&1 &
pids+=($!)
api="http://127.0.0.1:$api_port"
for _ in $(seq 1 100); do curl -s -o /dev/null "$api/metrics" && break; sleep 0.1; done
curl -s -o /dev/null "$api/metrics" || fail "the API did not start: $(cat "$AZORA_TMP/api.log")"

prom_port=$(free_port)
cat >"$AZORA_TMP/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $root/docs/monitoring/prometheus-rules.yml
scrape_configs:
  - job_name: api
    static_configs:
      - targets: ['127.0.0.1:$api_port']
  - job_name: azora_opt
    static_configs:
      - targets: ['127.0.0.1:$exporter_port']
EOC
prometheus --config.file="$AZORA_TMP/prometheus.yml" --storage.tsdb.path="$AZORA_TMP/prometheus-data" \
  --web.listen-address="127.0.0.1:$prom_port" >"$AZORA_TMP/prometheus.log" 2>&1 &
pids+=($!)
prom="http://127.0.0.1:$prom_port"
for _ in $(seq 1 150); do curl -sf -o /dev/null "$prom/-/ready" && break; sleep 0.2; done
curl -sf -o /dev/null "$prom/-/ready" || fail "Prometheus not ready: $(tail -20 "$AZORA_TMP/prometheus.log")"
echo "Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') on $prom scraping $api"

wrk -t1 -c4 -d2s -s "$root/test/bench/api_mix.lua" "$api" | grep '^api_mix:'

# query EXPR: the first result's value ("" when there is none).
query() {
  curl -s --get "$prom/api/v1/query" --data-urlencode "query=$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["status"] == "success", r
res = r["data"]["result"]
print(res[0]["value"][1] if res else "")'
}
# The API's own view, now that the load has stopped (scrapes do not touch the caches).
read -r hits misses < <(curl -s "$api/metrics" | awk '
  /^azora_cache_hits_total/ { h += $NF } /^azora_cache_misses_total/ { m += $NF } END { print h, m }')
[ "${hits:-0}" != 0 ] && [ "${misses:-0}" != 0 ] || fail "no cache traffic: hits=$hits misses=$misses"
expected=$(python3 -c "print($hits / ($hits + $misses))")
echo "API counters: hits=$hits misses=$misses, hit ratio $expected"

# Wait for a scrape and a rule evaluation after the load ended.
got=""
for _ in $(seq 1 30); do
  got=$(query 'azora:cache_hit_ratio:total{job="api"}')
  [ -n "$got" ] && python3 -c "import sys; sys.exit(0 if abs($got - $expected) < 1e-12 else 1)" && break
  sleep 0.5
done
python3 -c "import sys; sys.exit(0 if '$got' and abs(float('$got') - $expected) < 1e-12 else 1)" ||
  fail "azora:cache_hit_ratio:total is '$got', the API's counters imply $expected"
echo "ok: recording azora:cache_hit_ratio:total = $got"

[ "$(query 'up{job="api"}')" = 1 ] || fail "API target not up"
[ "$(query 'up{job="azora_opt"}')" = 1 ] && [ "$(query 'azora_opt_up{job="azora_opt"}')" = 1 ] ||
  fail "exporter target not up: $(tail -5 "$AZORA_TMP/exporter.log")"
echo "ok: both targets up (the API and azora-opt exporter)"
[ "$(query 'sum(azora_cache_hits_total{job="api"})')" = "$hits" ] || fail "hits differ"
[ "$(query 'sum(azora_cache_misses_total{job="api"})')" = "$misses" ] || fail "misses differ"
requests=$(curl -s "$api/metrics" | awk '/^http_request_duration_seconds_count\{[^}]*route="\/api/ { s += $NF } END { print s }')
[ "$(query 'sum(http_request_duration_seconds_count{job="api",route=~"/api/.*"})')" = "$requests" ] ||
  fail "request counts differ from the API's $requests"
echo "ok: series arrived with the API's values (hits $hits, misses $misses, $requests API requests)"
for family in azora_pool_connections azora_db_query_duration_seconds_bucket azora_response_size_bytes_bucket \
  http_request_duration_seconds_bucket; do
  n=$(query "count($family{job=\"api\"})")
  [ -n "$n" ] && [ "$n" -gt 0 ] || fail "no $family series"
done
echo "ok: pool, query, payload and latency histograms scraped"
# The server side: the API's statements, tracked by azora_opt, per queryid.
# Every SELECT and UPDATE the API ran (its QueryTimer's count) is a call azora_opt tracked; the
# server also counts the exporter's own metrics() calls, so at least as many.
api_queries=$(curl -s "$api/metrics" | awk '/^azora_db_query_duration_seconds_count\{operation="(select|update)"/ { s += $NF } END { print s }')
calls=$(query 'sum(azora_db_query_calls_total{job="azora_opt"})')
python3 -c "import sys; sys.exit(0 if '$calls' and $api_queries > 0 and float('$calls') >= $api_queries else 1)" ||
  fail "azora_opt tracked '$calls' calls, the API ran $api_queries queries"
# rate() needs two scrapes of a statement's buckets: wait for the rule to have them.
n=""
for _ in $(seq 1 40); do
  n=$(query 'count(azora:db_query_duration_seconds:p95_5m{job="azora_opt",queryid!=""})')
  [ -n "$n" ] && [ "$n" -gt 0 ] && break
  sleep 0.5
done
[ -n "$n" ] && [ "$n" -gt 0 ] || fail "no per-queryid p95 recording for azora_opt"
echo "ok: azora_opt.metrics() through the exporter: $calls statement calls (the API ran $api_queries), p95 recorded for $n statements"
curl -s "$prom/api/v1/rules" | python3 -c '
import json, sys
rules = [r for g in json.load(sys.stdin)["data"]["groups"] for r in g["rules"]]
bad = [(r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"]
kinds = sorted({r["type"] for r in rules})
assert len(rules) == 13 and not bad, (len(rules), bad)
print("ok: all %d rules loaded and evaluating without error (%s)" % (len(rules), ", ".join(kinds)))'
