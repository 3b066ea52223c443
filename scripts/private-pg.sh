#!/usr/bin/env bash
# private-pg.sh — a private copy of the PostgreSQL 15 server with this checkout's extension
# installed in it, so several checkouts can test their own azora_opt.so side by side without
# replacing the system-wide one (a running cluster must never see its .so swapped).
# Usage: scripts/private-pg.sh DIR   (builds first; prints the PG_BIN to give cluster.sh)
#   PG_BIN=$(scripts/private-pg.sh /tmp/pg-mine) scripts/cluster.sh --no-redis -- ...
# PostgreSQL finds its lib and share directories relative to its binaries, so copying the
# server's bin, lib and share trees and installing into them with DESTDIR is enough.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: private-pg.sh DIR}
mkdir -p "$dir/usr/lib/postgresql" "$dir/usr/share/postgresql"
[ -d "$dir/usr/lib/postgresql/15" ] || cp -a /usr/lib/postgresql/15 "$dir/usr/lib/postgresql/"
[ -d "$dir/usr/share/postgresql/15" ] || cp -a /usr/share/postgresql/15 "$dir/usr/share/postgresql/"
make -C "$root" -s -j2 >&2
make -C "$root" -s install-extension DESTDIR="$dir" >/dev/null
chmod -R a+rX "$dir"
echo "$dir/usr/lib/postgresql/15/bin"
