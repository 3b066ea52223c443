#!/usr/bin/env bash
# monitoring.sh — the monitoring files of docs/monitoring/ are valid and use only real metric
# names: `promtool check rules` and `promtool test rules` (each alert fires on a synthetic
# series and stays quiet on a healthy one), the Grafana dashboard parses, and every metric name
# in the rules' and the dashboard's PromQL is a recording rule of the rules file, a series of
# the real /metrics of the example API (after a wrk run) or of the real azora_opt.metrics() as
# `azora-opt exporter` serves it, or listed in docs/monitoring/pending-metrics.txt (names of
# code not landed yet; a pending name that is emitted now is an error too). Own cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mon="$root/docs/monitoring"
if [ "${1:-}" != inner ]; then
  promtool check rules "$mon/prometheus-rules.yml"
  (cd "$mon" && promtool test rules prometheus-rules.test.yml)
  exec "$root/scripts/cluster.sh" -- bash "$0" inner
fi

api="$root/build/client/azora-example-api"
psql -X -v ON_ERROR_STOP=1 -Atq -v scale=1 -f "$root/scripts/elearning.sql"
psql -X -Atq -c "CREATE EXTENSION azora_opt"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$api" --mode after --listen "127.0.0.1:$port" --threads 4 >"$AZORA_TMP/api.log" 2>&1 &
api_pid=$!
trap 'kill $api_pid 2>/dev/null; wait $api_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/metrics" && break; sleep 0.1; done
wrk -t1 -c4 -d1s -s "$root/test/bench/api_mix.lua" "http://127.0.0.1:$port" | grep '^api_mix:'
curl -s "http://127.0.0.1:$port/metrics" >"$AZORA_TMP/api.prom"
# azora_opt.metrics() as Prometheus gets it: through `azora-opt exporter` (which adds azora_opt_up).
exporter_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$root/build/client/azora-opt" -d "$AZORA_PG_CONNINFO" exporter --listen "127.0.0.1:$exporter_port" \
  >"$AZORA_TMP/exporter.log" 2>&1 &
exporter_pid=$!
for _ in $(seq 1 100); do curl -s -o "$AZORA_TMP/extension.prom" "http://127.0.0.1:$exporter_port/metrics" && break; sleep 0.1; done
kill $exporter_pid; wait $exporter_pid 2>/dev/null || true
grep -q '^azora_opt_up 1$' "$AZORA_TMP/extension.prom" || { echo "FAIL: exporter: $(cat "$AZORA_TMP/exporter.log")"; exit 1; }

python3 - "$mon" "$AZORA_TMP/api.prom" "$AZORA_TMP/extension.prom" <<'PY'
import json, re, sys, yaml

mon, *expositions = sys.argv[1:]
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "offset", "inf", "nan"}

def names(expr):
    """Metric names in a PromQL expression (not functions, labels, keywords or numbers)."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)   # strings
    s = re.sub(r'\{[^}]*\}', ' ', s)                                      # label matchers
    s = re.sub(r'\[[^\]]*\]', ' ', s)                                     # ranges
    s = re.sub(r'\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)', ' ', s)
    s = re.sub(r'(?<![A-Za-z0-9_:.])\d+(ms|s|m|h|d|w|y)\b', ' ', s)        # durations (offset)
    s = re.sub(r'(?<![A-Za-z0-9_:.])\d+(\.\d*)?([eE][+-]?\d+)?', ' ', s)  # numbers
    out = set()
    for m in re.finditer(r'[A-Za-z_:][A-Za-z0-9_:]*', s):
        if s[m.end():].lstrip().startswith('('):
            continue  # a function
        if m.group(0).lower() not in KEYWORDS:
            out.add(m.group(0))
    return out

# The extractor itself, on a known expression (a broken extractor would pass anything).
probe = ('sum by (le, cache) (rate(azora_cache_hitz_total{cache="a b",le!="1e6"}[5m])) / on (job) '
         'histogram_quantile(0.95, azora_pool_size offset 5m) > 1.5e+06 and rec:ord')
assert names(probe) == {"azora_cache_hitz_total", "azora_pool_size", "rec:ord"}, names(probe)

emitted = set()
for path in expositions:
    for line in open(path):
        if line.strip() and not line.startswith('#'):
            emitted.add(re.match(r'[A-Za-z_:][A-Za-z0-9_:]*', line).group(0))
pending = {l.strip() for l in open(f"{mon}/pending-metrics.txt") if l.strip() and not l.startswith('#')}

rules = yaml.safe_load(open(f"{mon}/prometheus-rules.yml"))
recorded, used = set(), {}
for group in rules["groups"]:
    for rule in group["rules"]:
        if "record" in rule:
            recorded.add(rule["record"])
        for n in names(rule["expr"]):
            used.setdefault(n, set()).add("rule " + rule.get("record", rule.get("alert")))
dash = json.load(open(f"{mon}/grafana-dashboard.json"))
exprs = 0
for panel in dash["panels"]:
    for target in panel.get("targets", []):
        exprs += 1
        for n in names(target["expr"]):
            used.setdefault(n, set()).add("panel " + panel["title"])

errors = []
for n, where in sorted(used.items()):
    if n in recorded or n in emitted:
        continue
    if n in pending:
        print(f"pending (not emitted yet): {n}")
        continue
    errors.append(f"{n}: used by {', '.join(sorted(where))}, but no code emits it")
for n in sorted(pending):
    if n in emitted:
        errors.append(f"{n} is emitted now: remove it from pending-metrics.txt")
    if n not in used:
        errors.append(f"{n} is pending but unused: remove it from pending-metrics.txt")
print(f"{len(used)} metric names in {exprs} dashboard queries and the rules; "
      f"{len(emitted)} series names emitted; {len(recorded)} recording rules")
if errors:
    print("\n".join("FAIL: " + e for e in errors))
    sys.exit(1)
print("every metric name is emitted, recorded, or explicitly pending")
PY
