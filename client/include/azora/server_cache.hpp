// server_cache.hpp — a thin typed helper over the extension's result cache
// (azora_opt.cached_json and its invalidation; docs/extension/cache.md, docs/client/cache.md).
//
// The server-side cache needs no Redis and is transactional: a committed write to a source
// table invalidates the entries that read it. Keys come from the same builders as the Redis
// cache (azora/cache_keys.hpp) and TTLs from azora/ttl_presets.hpp; values always travel as
// parameters. One ServerCache per Connection, used by one thread at a time (like the Connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "azora/connection.hpp"

namespace azora {

class ServerCache {
 public:
  explicit ServerCache(Connection& conn) : conn_(conn) {}

  // The rows of the read-only query as a JSON array (json_agg's document), from the cache or by
  // running it with $1..$n bound from params. ttl <= 0 uses the server's cache_default_ttl.
  // Server errors (not a read: 0A000; a role without the privilege: 42501; ...) throw SqlError.
  std::string json(std::string_view key, std::string_view query, std::chrono::seconds ttl,
                   const std::vector<Param>& params = {});

  // Removes one key; true if it was cached.
  bool invalidate(std::string_view key);
  // Removes the keys matching a glob (*, ?, \ escapes), e.g. keys::all_courses(); how many.
  std::int64_t invalidate_pattern(std::string_view glob);

 private:
  Connection& conn_;
};

}  // namespace azora
