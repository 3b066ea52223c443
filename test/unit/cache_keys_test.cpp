// cache_keys_test.cpp — key builders, component escaping and TTL presets.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "azora/cache_keys.hpp"
#include "azora/error.hpp"

namespace {

namespace keys = azora::keys;

TEST(CacheKeys, BuildTheSeedGuidesKeys) {
  EXPECT_EQ(keys::course_list(1, 20), "courses:list:page=1:size=20");
  EXPECT_EQ(keys::course(42), "courses:id=42");
  EXPECT_EQ(keys::course("9f1c-ab"), "courses:id=9f1c-ab");
  EXPECT_EQ(keys::wallet_balance(7), "wallet:balance:user=7");
  EXPECT_EQ(keys::wallet_balance("u_1"), "wallet:balance:user=u_1");
  EXPECT_EQ(keys::jobs_by_category("engineering", 3), "jobs:category=engineering:page=3");
  EXPECT_EQ(keys::all_courses(), "courses:*");
  EXPECT_EQ(keys::all_course_lists(), "courses:list:*");
  EXPECT_EQ(keys::jobs_by_category_pages("engineering"), "jobs:category=engineering:page=*");
}

TEST(CacheKeys, UserInputCannotInjectSeparatorsOrGlobs) {
  const std::string hostile = "x:page=1*?[a]\\ %é";
  const std::string k = keys::jobs_by_category(hostile, 1);
  EXPECT_EQ(k, "jobs:category=x%3Apage%3D1%2A%3F%5Ba%5D%5C%20%25%C3%A9:page=1");
  for (char c : std::string("*?[]\\ "))
    EXPECT_EQ(keys::escape_component(hostile).find(c), std::string::npos);
  EXPECT_EQ(keys::escape_component(hostile).find(':'), std::string::npos);
  // The pattern for one category cannot reach another category.
  EXPECT_EQ(keys::jobs_by_category_pages("*"), "jobs:category=%2A:page=*");
  EXPECT_EQ(keys::wallet_balance("1:balance"), "wallet:balance:user=1%3Abalance");
}

TEST(CacheKeys, EscapingIsInjective) {
  // Distinct inputs never share a key ("%" itself is escaped).
  std::set<std::string> seen;
  for (const char* s : {"a b", "a%20b", "a+b", "a%2Bb", "", "%", "%25"})
    EXPECT_TRUE(seen.insert(keys::escape_component(s)).second) << s;
  EXPECT_EQ(keys::escape_component(std::string("a\0b", 3)), "a%00b");
}

TEST(CacheKeys, RefusesNonPositivePages) {
  EXPECT_THROW(keys::course_list(0, 20), azora::UsageError);
  EXPECT_THROW(keys::course_list(1, 0), azora::UsageError);
  EXPECT_THROW(keys::jobs_by_category("x", -1), azora::UsageError);
}

}  // namespace
