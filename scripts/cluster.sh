#!/usr/bin/env bash
# cluster.sh — runs a command against a throwaway PostgreSQL 15 cluster (and a Redis server).
#
#   scripts/cluster.sh [--no-preload] [--no-redis] [--standby] [--conf 'key = value']... -- COMMAND [ARGS...]
#
# It initdb's a cluster in a fresh temp dir (as the postgres user when run as root: PostgreSQL
# refuses root), with shared_preload_libraries = 'azora_opt', a unix socket in that dir and a
# free loopback port; starts redis-server on another free loopback port; runs COMMAND with the
# environment below; and stops both and removes the dir on exit, failure or Ctrl-C. Two runs at
# once never collide: each has its own dir, socket and ports. Set AZORA_KEEP_TMP=1 to keep the dir.
#
# Environment given to COMMAND:
#   PGHOST PGPORT PGUSER PGDATABASE   libpq defaults (socket dir, port, postgres, postgres)
#   AZORA_PG_CONNINFO                 the same as a conninfo string (unix socket)
#   AZORA_PG_TCP_CONNINFO             the same over TCP (127.0.0.1)
#   AZORA_PGDATA AZORA_PG_LOG         data directory and server log
#   AZORA_PG_CTL                      "$AZORA_PG_CTL restart" etc. runs pg_ctl as the right user
#   AZORA_REDIS_HOST AZORA_REDIS_PORT AZORA_REDIS_CONF (restart: redis-server "$AZORA_REDIS_CONF")
#   AZORA_TMP                         the temp dir (removed at the end)
# With --standby, also a streaming replica (scripts/standby.sh: pg_basebackup -R, own port, socket
# in the same dir), stopped by the same trap:
#   AZORA_STANDBY_CONNINFO            the standby (unix socket)
#   AZORA_PG_MULTIHOST_CONNINFO       both, standby listed first: "host=D,D port=STANDBY,PRIMARY"
#   AZORA_STANDBY_PGDATA              its data directory
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
preload=1
redis=1
standby=0
extra_conf=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-preload) preload=0; shift ;;
    --no-redis) redis=0; shift ;;
    --standby) standby=1; shift ;;
    --conf) extra_conf+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "cluster.sh: unknown option $1 (usage: cluster.sh [--no-preload] [--no-redis] [--standby] [--conf 'k = v'] -- CMD)" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "cluster.sh: no command given" >&2; exit 2; }

# Run as the cluster's owner: postgres when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/azora.XXXXXX")
chmod 755 "$tmp"
[ "$(id -u)" -eq 0 ] && chown postgres: "$tmp"
pgdata="$tmp/pgdata"
redis_pid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  # Standbys first (from --standby or started by a test with scripts/standby.sh in $tmp).
  for sb in "$tmp"/standby*; do
    [ -f "$sb/postmaster.pid" ] && "$root/scripts/standby.sh" stop "$sb"
  done
  if [ -f "$pgdata/postmaster.pid" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$pgdata" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      as_owner "$PG_BIN/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$tmp/redis.pid" ]; then
    redis_pid=$(cat "$tmp/redis.pid" 2>/dev/null || true)
    if [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null; then
      for _ in $(seq 1 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$redis_pid" 2>/dev/null || true
    fi
  fi
  if [ "${AZORA_KEEP_TMP:-0}" = 1 ]; then
    echo "cluster.sh: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

as_owner "$PG_BIN/initdb" -D "$pgdata" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >"$tmp/initdb.log" 2>&1 ||
  { cat "$tmp/initdb.log" >&2; exit 1; }

{
  echo "listen_addresses = '127.0.0.1'"
  echo "unix_socket_directories = '$tmp'"
  echo "fsync = off"
  echo "synchronous_commit = off"
  echo "full_page_writes = off"
  echo "max_connections = 100"
  echo "shared_buffers = 128MB"
  echo "max_prepared_transactions = 10"
  if [ "$preload" = 1 ]; then echo "shared_preload_libraries = 'azora_opt'"; fi
  for c in "${extra_conf[@]}"; do echo "$c"; done
} >>"$pgdata/postgresql.conf"

# The port may be taken between choosing and binding; try a few.
started=0
for _ in 1 2 3 4 5; do
  pgport=$(free_port)
  sed -i '/^port = /d' "$pgdata/postgresql.conf"
  echo "port = $pgport" >>"$pgdata/postgresql.conf"
  if as_owner "$PG_BIN/pg_ctl" -D "$pgdata" -l "$tmp/postgres.log" -w -t 60 start >/dev/null 2>&1; then
    started=1
    break
  fi
  grep -q 'could not bind' "$tmp/postgres.log" 2>/dev/null || break
done
if [ "$started" != 1 ]; then
  echo "cluster.sh: PostgreSQL did not start; its log:" >&2
  cat "$tmp/postgres.log" >&2
  exit 1
fi

cat >"$tmp/pg_ctl" <<EOS
#!/usr/bin/env bash
# pg_ctl for this throwaway cluster, run as its owner: $tmp/pg_ctl restart|stop|start|reload
if [ "\$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); else as=(); fi
exec "\${as[@]}" "$PG_BIN/pg_ctl" -D "$pgdata" -l "$tmp/postgres.log" -w -t 60 "\$@"
EOS
chmod 755 "$tmp/pg_ctl"

export PGHOST="$tmp" PGPORT="$pgport" PGUSER=postgres PGDATABASE=postgres
export AZORA_TMP="$tmp" AZORA_PGDATA="$pgdata" AZORA_PG_LOG="$tmp/postgres.log" AZORA_PG_CTL="$tmp/pg_ctl"
export AZORA_PG_CONNINFO="host=$tmp port=$pgport user=postgres dbname=postgres"
export AZORA_PG_TCP_CONNINFO="host=127.0.0.1 port=$pgport user=postgres dbname=postgres"

if [ "$standby" = 1 ]; then
  standby_port=$("$root/scripts/standby.sh" start "$tmp/standby")
  export AZORA_STANDBY_PGDATA="$tmp/standby"
  export AZORA_STANDBY_CONNINFO="host=$tmp port=$standby_port user=postgres dbname=postgres"
  export AZORA_PG_MULTIHOST_CONNINFO="host=$tmp,$tmp port=$standby_port,$pgport user=postgres dbname=postgres"
fi

if [ "$redis" = 1 ]; then
  for _ in 1 2 3 4 5; do
    redis_port=$(free_port)
    cat >"$tmp/redis.conf" <<EOS
port $redis_port
bind 127.0.0.1
daemonize yes
pidfile $tmp/redis.pid
logfile $tmp/redis.log
dir $tmp
save ""
appendonly no
protected-mode yes
EOS
    redis-server "$tmp/redis.conf" >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do
      redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
    redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
  done
  redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 ||
    { echo "cluster.sh: Redis did not start" >&2; cat "$tmp/redis.log" >&2 2>/dev/null; exit 1; }
  export AZORA_REDIS_HOST=127.0.0.1 AZORA_REDIS_PORT="$redis_port" AZORA_REDIS_CONF="$tmp/redis.conf"
fi

# Not exec: the trap must outlive the command to stop the servers.
"$@"
