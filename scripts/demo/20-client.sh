#!/usr/bin/env bash
# The client library: a round trip through azora::Connection (the azora-opt CLI)
set -euo pipefail
source scripts/demo/lib.sh
"$AZORA_CLI" version | sed 's/^/    /'
for i in 1 2 3; do
  say "ping $i: $("$AZORA_CLI" ping)"
done
say "over TCP: $("$AZORA_CLI" --dsn "$AZORA_PG_TCP_CONNINFO" ping)"
say "Redis on 127.0.0.1:$AZORA_REDIS_PORT answers: $(redis-cli -h "$AZORA_REDIS_HOST" -p "$AZORA_REDIS_PORT" ping)"
