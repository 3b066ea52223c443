// response_cache.hpp — ResponseCache: where after mode keeps whole response bodies.
//
// RedisResponseCache is the seed's cacheManager (cache-aside over azora::RedisCache, which
// fails open: with Redis down every lookup misses and the body is built from the database);
// NoCache builds every time (`--cache none`). One RedisCache per data type, so each has its own
// cache="..." label and the dashboard shows a hit rate per endpoint.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "azora/redis_cache.hpp"

namespace azora::example {

// The kinds of cached data, each with the seed's TTL.
enum class CacheSlot { course_list, course, wallet, jobs };
std::chrono::seconds ttl_of(CacheSlot slot);

class ResponseCache {
 public:
  using Build = std::function<std::string()>;
  virtual ~ResponseCache() = default;
  // The body stored under key, or build()'s, stored for the slot's TTL. build's exceptions
  // (a 404, a database error) propagate and nothing is stored.
  virtual std::string get_or_build(CacheSlot slot, const std::string& key, const Build& build) = 0;
  virtual void invalidate(CacheSlot slot, const std::string& key) = 0;
};

class NoCache : public ResponseCache {
 public:
  std::string get_or_build(CacheSlot, const std::string&, const Build& build) override {
    return build();
  }
  void invalidate(CacheSlot, const std::string&) override {}
};

class RedisResponseCache : public ResponseCache {
 public:
  RedisResponseCache(const std::string& host, int port, metrics::Registry& registry);
  std::string get_or_build(CacheSlot slot, const std::string& key, const Build& build) override;
  void invalidate(CacheSlot slot, const std::string& key) override;

 private:
  RedisCache& cache(CacheSlot slot);
  std::unique_ptr<RedisCache> caches_[4];
};

}  // namespace azora::example
