#!/usr/bin/env bash
# client_package.sh — the installed client package works for an application: `cmake --install`
# into a temp prefix, then a consumer program built once with find_package(azora_client) and
# once with pkg-config, each run against the throwaway cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work="$AZORA_TMP/client_package"
prefix="$work/prefix"
rm -rf "$work" && mkdir -p "$work/consumer"
unset MAKEFLAGS MFLAGS MAKELEVEL
cmake --install "$root/build" --prefix "$prefix" >/dev/null

cat >"$work/consumer/main.cpp" <<'CPP'
#include <azora/connection.hpp>
#include <azora/pool.hpp>
#include <azora/version.hpp>
#include <cstdio>
#include <cstdlib>
int main() {
  azora::PoolOptions o;
  o.conninfo = std::getenv("AZORA_PG_CONNINFO");
  o.min_size = 1;
  azora::Pool pool(o);
  auto db = pool.acquire();
  azora::Result r = db->exec_params("SELECT $1::int * 2", {std::string("21")});
  std::printf("consumer of azora_client %s: %s\n", azora::kClientVersion,
              std::string(r.value(0, 0)).c_str());
  return r.value(0, 0) == "42" ? 0 : 1;
}
CPP
cat >"$work/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(consumer CXX)
set(CMAKE_CXX_STANDARD 17)
find_package(azora_client 1.0 REQUIRED)
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE azora::azora_client)
CMAKE
cmake -S "$work/consumer" -B "$work/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer/build" >/dev/null
"$work/consumer/build/consumer"

libdir=$(dirname "$(find "$prefix" -name azora_client.pc | head -1)")/..
export PKG_CONFIG_PATH="$libdir/pkgconfig"
g++ -std=c++17 "$work/consumer/main.cpp" -o "$work/consumer/pc" \
  $(pkg-config --cflags azora_client) $(pkg-config --libs azora_client) $(pkg-config --libs libpq)
LD_LIBRARY_PATH="$libdir" "$work/consumer/pc"
echo "ok: find_package and pkg-config consumers both work"
