// ttl_presets_test.cpp — the TTLs the cache really stores (PTTL read back from the real Redis)
// for each preset, against the seed guide's table written out here independently.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "azora/redis_cache.hpp"
#include "azora/ttl_presets.hpp"
#include "redis_test_util.hpp"

namespace {

struct SeedRow {
  const char* what;
  std::chrono::seconds preset;
  long long seed_seconds;  // the seed guide's value, not derived from the constant
};

TEST(TtlPresets, RedisKeepsEachValueForTheSeedGuidesLifetime) {
  using namespace azora::ttl;
  const std::vector<SeedRow> table = {
      {"short", kShort, 60},
      {"medium", kMedium, 5 * 60},
      {"long", kLong, 60 * 60},
      {"day", kDay, 24 * 60 * 60},
      {"user profile", kUserProfile, 60 * 60},
      {"course detail", kCourseDetail, 60 * 60},
      {"course list", kCourseList, 5 * 60},
      {"wallet balance", kWalletBalance, 60},
      {"job list", kJobList, 5 * 60},
      {"system config", kSystemConfig, 24 * 60 * 60},
      // The earlier names are the same lifetimes.
      {"course (old name)", kCourse, 60 * 60},
      {"job search (old name)", kJobSearch, 5 * 60},
      {"static (old name)", kStatic, 24 * 60 * 60},
  };
  azora::RedisCache cache(azora::test::cache_options());
  azora::RedisConnection admin(azora::test::redis_endpoint());
  for (const SeedRow& row : table) {
    const std::string key = std::string("ttl:") + row.what;
    ASSERT_TRUE(cache.set(key, "v", row.preset)) << row.what;
    const long long pttl =
        admin.command({"PTTL", cache.options().key_prefix + key}).integer();  // milliseconds
    // Set a moment ago: at most the seed's lifetime, and no more than 5 s less.
    EXPECT_LE(pttl, row.seed_seconds * 1000) << row.what;
    EXPECT_GT(pttl, row.seed_seconds * 1000 - 5000) << row.what;
    cache.del(key);
  }
}

}  // namespace
