#!/usr/bin/env bash
# standby.sh — a streaming replica of the running throwaway primary (see scripts/cluster.sh).
#
#   scripts/standby.sh start DATADIR   pg_basebackup -R from the primary at $PGHOST:$PGPORT into
#                                      DATADIR, start it on a free port (socket in the same dir as
#                                      the primary's) and print that port; waits until it streams
#   scripts/standby.sh stop DATADIR    stop it (cluster.sh's exit trap also stops any standby
#                                      under its temp dir, so a crashed caller leaves none behind)
# Used by `cluster.sh --standby` and by tests that need a standby when run without it.
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
data=${2:-}
[ -n "$cmd" ] && [ -n "$data" ] || { echo "usage: standby.sh start|stop DATADIR" >&2; exit 2; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "$cmd" = stop ]; then
  if [ -f "$data/postmaster.pid" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      as_owner "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  exit 0
fi
[ "$cmd" = start ] || { echo "standby.sh: unknown command $cmd" >&2; exit 2; }
: "${PGHOST:?standby.sh needs the primary in PGHOST/PGPORT (run it under scripts/cluster.sh)}"
: "${PGPORT:?standby.sh needs the primary in PGHOST/PGPORT}"

log="$data.log"
as_owner touch "$log"  # the server (as the owner) appends to it
as_owner "$PG_BIN/pg_basebackup" -D "$data" -R -X stream -c fast -h "$PGHOST" -p "$PGPORT" \
  -U postgres >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
for _ in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  sed -i '/^port = /d' "$data/postgresql.conf"
  echo "port = $port" >>"$data/postgresql.conf"
  if as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null 2>&1; then
    # Ready for read-only queries; wait until it also streams, so tests see replication.
    for _ in $(seq 1 600); do
      s=$(psql -h "$PGHOST" -p "$port" -U postgres -d postgres -Atc \
        "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null || true)
      [ "$s" = streaming ] && { echo "$port"; exit 0; }
      sleep 0.1
    done
    echo "standby.sh: the standby does not stream; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  grep -q 'could not bind' "$log" 2>/dev/null || break
done
echo "standby.sh: the standby did not start; its log:" >&2
cat "$log" >&2
exit 1
