#!/usr/bin/env bash
# client_package.sh — the installed client package works for an application and a user:
# `make install DESTDIR=<temp>` installs the extension and the client (azora-opt, library,
# headers, package files), `make install-extension` the extension alone;
# `make install-client AZORA_PREFIX=<temp prefix>` (the README's install path), then
#   * the installed `azora-opt --version` runs (linked statically: no library path needed);
#   * the umbrella header is installed, the internals only under azora/detail/;
#   * a consumer program that includes nothing but <azora/azora.hpp> — using each public
#     dependency (libpq inline in Result, libpqxx in the adapter, nlohmann_json in the cache) and
#     typed parameters / field conversions — and the first program of docs/client/README.md, as
#     written there, are built with find_package(azora_client) against the static and the shared
#     library, and with pkg-config using exactly the flags the package gives (nothing added by
#     hand), each run against the throwaway cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work="$AZORA_TMP/client_package"
prefix="$work/prefix"
rm -rf "$work" && mkdir -p "$work/consumer"
unset MAKEFLAGS MFLAGS MAKELEVEL
make -C "$root" -s install-client AZORA_PREFIX="$prefix" >"$work/install.log" 2>&1 ||
  { tail -n 30 "$work/install.log"; echo "FAIL: make install-client"; exit 1; }

# `make install` installs both parts (issue 16: it used to install the extension only), and
# `make install-extension` the extension alone; into a DESTDIR, as packagers do.
pkglibdir=$(/usr/lib/postgresql/15/bin/pg_config --pkglibdir)
sharedir=$(/usr/lib/postgresql/15/bin/pg_config --sharedir)
for target in install install-extension; do
  dest="$work/destdir-$target"
  make -C "$root" -s "$target" DESTDIR="$dest" >"$work/$target.log" 2>&1 ||
    { tail -n 30 "$work/$target.log"; echo "FAIL: make $target DESTDIR=..."; exit 1; }
  for f in "$pkglibdir/azora_opt.so" "$sharedir/extension/azora_opt.control" \
    "$sharedir/extension/azora_opt--1.0.sql"; do
    [ -f "$dest$f" ] || { echo "FAIL: make $target did not install $f"; exit 1; }
  done
  if [ "$target" = install ]; then
    for f in bin/azora-opt include/azora/azora.hpp; do
      [ -f "$dest/usr/local/$f" ] ||
        { echo "FAIL: make install did not install /usr/local/$f"; find "$dest" -type f | head -20; exit 1; }
    done
    for f in azora_client.pc azora_clientConfig.cmake 'libazora_client.a' 'libazora_client.so*'; do
      find "$dest/usr/local" -name "$f" | grep -q . || { echo "FAIL: make install did not install $f"; exit 1; }
    done
    env -u LD_LIBRARY_PATH "$dest/usr/local/bin/azora-opt" --version >/dev/null ||
      { echo "FAIL: make install's azora-opt does not run"; exit 1; }
  elif [ -n "$(find "$dest" -name 'azora-opt' -o -name 'libazora_client.*')" ]; then
    echo "FAIL: make install-extension installed the client too"; exit 1
  fi
  echo "ok: make $target DESTDIR=... installed $(find "$dest" -type f | wc -l) files"
done

# The CLI, installed and runnable as is.
version=$(env -u LD_LIBRARY_PATH "$prefix/bin/azora-opt" --version)
grep -q "$(sed -nE 's/.*kClientVersion = "([^"]+)".*/\1/p' "$root/client/include/azora/version.hpp")" \
  <<<"$version" || { echo "FAIL: installed azora-opt --version printed: $version"; exit 1; }
echo "installed: $version"
# Headers: the umbrella, and the internals under detail/ only.
[ -f "$prefix/include/azora/azora.hpp" ] || { echo "FAIL: no azora/azora.hpp installed"; exit 1; }
for h in utf8 base64 sql_classify reconnect_backoff; do
  [ -f "$prefix/include/azora/detail/$h.hpp" ] && [ ! -e "$prefix/include/azora/$h.hpp" ] ||
    { echo "FAIL: $h.hpp is not (only) under azora/detail/"; exit 1; }
done

# The first ```cpp block of docs/client/README.md, as written.
awk '/^```cpp$/ { if (!done) { on = 1; next } } /^```$/ { if (on) { on = 0; done = 1 } } on' \
  "$root/docs/client/README.md" >"$work/consumer/readme.cpp"
grep -q 'azora/azora.hpp' "$work/consumer/readme.cpp" || { echo "FAIL: no program in docs/client/README.md"; exit 1; }

cat >"$work/consumer/main.cpp" <<'CPP'
#include <azora/azora.hpp>
#include <cstdio>
#include <cstdlib>
int main() {
  azora::PoolOptions o;
  o.conninfo = std::getenv("AZORA_PG_CONNINFO");
  o.min_size = 1;
  azora::Pool pool(o);
  auto db = pool.acquire();
  azora::Result r = db->exec_params("SELECT $1::int * 2 AS n, $2::float8 AS d, $3::text AS t",
                                    {21, 0.1, std::nullopt});
  if (r[0]["n"].as<int>() != 42 || r[0]["d"].as<double>() != 0.1 || r[0]["t"].get<std::string>())
    return 2;
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
add_executable(readme readme.cpp)
target_link_libraries(consumer PRIVATE azora::azora_client)
target_link_libraries(readme PRIVATE azora::azora_client)
CMAKE
for target in azora::azora_client azora::azora_client_shared; do
  sed -i -E "s/^target_link_libraries\((consumer|readme) PRIVATE .*\)/target_link_libraries(\\1 PRIVATE $target)/" \
    "$work/consumer/CMakeLists.txt"
  rm -rf "$work/consumer/build"
  cmake -S "$work/consumer" -B "$work/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$work/consumer/build" >/dev/null
  "$work/consumer/build/consumer"
  "$work/consumer/build/readme" >/dev/null
done

libdir=$(dirname "$(find "$prefix" -name azora_client.pc | head -1)")/..
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# Exactly what the package says: no dependency added by hand.
g++ -std=c++17 "$work/consumer/main.cpp" -o "$work/consumer/pc" \
  $(pkg-config --cflags --libs azora_client)
LD_LIBRARY_PATH="$libdir" "$work/consumer/pc"
g++ -std=c++17 "$work/consumer/readme.cpp" -o "$work/consumer/readme_pc" \
  $(pkg-config --cflags --libs azora_client)
LD_LIBRARY_PATH="$libdir" "$work/consumer/readme_pc"
echo "ok: installed azora-opt runs; find_package (static and shared) and pkg-config consumers of <azora/azora.hpp> all work"
