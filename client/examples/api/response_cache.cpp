// response_cache.cpp — the Redis response cache and the seed's TTLs (see response_cache.hpp).
#include "response_cache.hpp"

#include "azora/ttl_presets.hpp"

namespace azora::example {

namespace {

const char* name_of(CacheSlot slot) {
  switch (slot) {
    case CacheSlot::course_list:
      return "course_list";
    case CacheSlot::course:
      return "course";
    case CacheSlot::wallet:
      return "wallet";
    case CacheSlot::jobs:
      return "jobs";
  }
  return "unknown";
}

}  // namespace

// The seed guide's table: course list 5 min, course detail 1 h, wallet balance 1 min, job
// list 5 min.
std::chrono::seconds ttl_of(CacheSlot slot) {
  switch (slot) {
    case CacheSlot::course_list:
      return ttl::kCourseList;
    case CacheSlot::course:
      return ttl::kCourseDetail;
    case CacheSlot::wallet:
      return ttl::kWalletBalance;
    case CacheSlot::jobs:
      return ttl::kJobList;
  }
  return ttl::kShort;
}

RedisResponseCache::RedisResponseCache(const std::string& host, int port,
                                       metrics::Registry& registry) {
  for (CacheSlot slot :
       {CacheSlot::course_list, CacheSlot::course, CacheSlot::wallet, CacheSlot::jobs}) {
    RedisCacheOptions o;
    o.host = host;
    o.port = port;
    o.key_prefix = "azora:api:";
    o.metrics = &registry;
    o.name = name_of(slot);
    caches_[static_cast<int>(slot)] = std::make_unique<RedisCache>(o);
  }
}

RedisCache& RedisResponseCache::cache(CacheSlot slot) {
  return *caches_[static_cast<int>(slot)];
}

std::string RedisResponseCache::get_or_build(CacheSlot slot, const std::string& key,
                                             const Build& build) {
  return cache(slot).get_or_set(key, build, ttl_of(slot));
}

void RedisResponseCache::invalidate(CacheSlot slot, const std::string& key) {
  cache(slot).del(key);
}

}  // namespace azora::example
