#!/usr/bin/env bash
# listen_taken.sh — `azora-opt exporter --listen` and `azora-example-api --listen` on a port
# another process listens on exit 1 naming the address (issue 16: cpp-httplib's default
# SO_REUSEPORT let both bind and share the connections). The other listener is a python3 socket
# with SO_REUSEPORT (as another cpp-httplib server has), a plain one, and the example API
# itself. Address reuse is kept: the exporter restarts on its port while a connection it
# closed is in TIME_WAIT.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis -- bash "$0" inner
fi
cli=${AZORA_CLI:-$root/build/client/azora-opt}
api=${AZORA_API:-$root/build/client/azora-example-api}
[ -x "$cli" ] || { echo "FAIL: no CLI at $cli"; exit 1; }
[ -x "$api" ] || { echo "FAIL: no example API at $api"; exit 1; }
fail=0
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT

# hold PORT REUSEPORT(0|1): a python3 listener on 127.0.0.1:PORT until killed; sets holder.
hold() {
  python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
if sys.argv[2] == "1":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
print("listening", flush=True)
time.sleep(3600)' "$1" "$2" >"$AZORA_TMP/holder.out" &
  holder=$!
  pids+=("$holder")
  for _ in $(seq 1 50); do grep -q listening "$AZORA_TMP/holder.out" 2>/dev/null && return; sleep 0.1; done
  echo "FAIL: the python3 listener did not start"; exit 1
}

# refused WHAT PORT CMD...: CMD must exit 1 within 10 s naming 127.0.0.1:PORT and the reason.
refused() {
  local what=$1 port=$2; shift 2
  local out status
  out=$(timeout 10 "$@" 2>&1); status=$?
  if [ "$status" -eq 124 ]; then
    echo "FAIL: $what: started on a taken port (still running after 10 s)"; echo "$out" | head -5; fail=1
  elif [ "$status" -ne 1 ] || ! grep -q "cannot listen on 127.0.0.1:$port: Address already in use" <<<"$out"; then
    echo "FAIL: $what: status $status, want 1 and 'cannot listen on 127.0.0.1:$port: Address already in use'"
    echo "$out" | head -5; fail=1
  else
    echo "ok: $what ($(head -1 <<<"$out"))"
  fi
}

stop_holder() { kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; }

for reuseport in 1 0; do
  port=$(free_port)
  hold "$port" "$reuseport"
  refused "exporter on a port held with SO_REUSEPORT=$reuseport" "$port" \
    "$cli" exporter --listen "127.0.0.1:$port"
  refused "example API on a port held with SO_REUSEPORT=$reuseport" "$port" \
    "$api" --mode before --listen "127.0.0.1:$port"
  stop_holder
done

# The issue's scenario: the example API holds the port, then the exporter is started on it.
port=$(free_port)
"$api" --mode before --listen "127.0.0.1:$port" >"$AZORA_TMP/api.log" 2>&1 &
api_pid=$!
pids+=("$api_pid")
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/metrics" && break; sleep 0.1; done
refused "exporter on the example API's port" "$port" "$cli" exporter --listen "127.0.0.1:$port"
refused "a second example API on its port" "$port" "$api" --mode before --listen "127.0.0.1:$port"
# What `ss` showed in the issue: while a second exporter is (or was) started, one listener.
"$cli" exporter --listen "127.0.0.1:$port" 2>/dev/null &
second=$!
pids+=("$second")
sleep 1
n=$(ss -Hltn "sport = :$port" | wc -l)
if [ "$n" -eq 1 ]; then echo "ok: one listener on $port"; else
  echo "FAIL: $n listeners on $port"; ss -ltnp "sport = :$port"; fail=1; fi
kill "$second" 2>/dev/null; wait "$second" 2>/dev/null
kill "$api_pid"; wait "$api_pid" 2>/dev/null

# Address reuse: the exporter closes a connection first (Connection: close), leaving TIME_WAIT
# on its port, is stopped, and starts again on the same port at once.
port=$(free_port)
"$cli" exporter --listen "127.0.0.1:$port" 2>"$AZORA_TMP/exporter1.log" &
exp=$!
for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
python3 -c '
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
while c.recv(4096): pass
c.close()' "$port"
kill "$exp"; wait "$exp" 2>/dev/null
tw="with a TIME_WAIT connection on it"
if ! ss -Htan state time-wait "sport = :$port" | grep -q .; then
  echo "FAIL: no TIME_WAIT connection on $port: the restart below proves nothing"; fail=1; tw="(no TIME_WAIT)"
fi
"$cli" exporter --listen "127.0.0.1:$port" 2>"$AZORA_TMP/exporter2.log" &
exp=$!
pids+=("$exp")
up=0
for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && { up=1; break; }; sleep 0.1; done
if [ "$up" -eq 1 ]; then echo "ok: the exporter restarts on its port $tw"; else
  echo "FAIL: the exporter did not restart on its port $tw"; cat "$AZORA_TMP/exporter2.log"; fail=1; fi
kill "$exp"; wait "$exp" 2>/dev/null
exit $fail
