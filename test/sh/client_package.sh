#!/usr/bin/env bash
# client_package.sh — the installed client package works for an application: `cmake --install`
# into a temp prefix, then a consumer program — using a header from each public dependency
# (libpq inline in Result, libpqxx in the adapter, nlohmann_json in the cache) — built with
# find_package(azora_client) against the static and the shared library, and with pkg-config
# using exactly the flags the package gives (nothing added by hand), each run against the
# throwaway cluster.
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
#include <azora/pqxx_adapter.hpp>
#include <azora/redis_cache.hpp>
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
  std::string via_pqxx;
  {
    azora::PqxxWork w(db);
    via_pqxx = w->exec("SELECT 'pqxx'")[0][0].as<std::string>();
  }
  azora::RedisCacheOptions co;
  co.port = 1;  // nothing listens: the cache fails open and the loader answers
  co.metrics = nullptr;
  azora::RedisCache cache(co);
  nlohmann::json j = cache.get_or_set_json("k", [] { return nlohmann::json{{"ok", true}}; },
                                           std::chrono::seconds(1));
  std::printf("consumer of azora_client %s: %s %s %s\n", azora::kClientVersion,
              std::string(r.value(0, 0)).c_str(), via_pqxx.c_str(), j.dump().c_str());
  return r.value(0, 0) == "42" && via_pqxx == "pqxx" && j["ok"] == true ? 0 : 1;
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
for target in azora::azora_client azora::azora_client_shared; do
  sed -i "s/^target_link_libraries(consumer PRIVATE .*)/target_link_libraries(consumer PRIVATE $target)/" \
    "$work/consumer/CMakeLists.txt"
  rm -rf "$work/consumer/build"
  cmake -S "$work/consumer" -B "$work/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$work/consumer/build" >/dev/null
  "$work/consumer/build/consumer"
done

libdir=$(dirname "$(find "$prefix" -name azora_client.pc | head -1)")/..
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# Exactly what the package says: no dependency added by hand.
g++ -std=c++17 "$work/consumer/main.cpp" -o "$work/consumer/pc" \
  $(pkg-config --cflags --libs azora_client)
LD_LIBRARY_PATH="$libdir" "$work/consumer/pc"
echo "ok: find_package (static and shared) and pkg-config consumers all work"
