// cache_ttl_test.cpp — the names behind azora_opt.ttl(name) (extension/pure/ttl_presets.hpp).
#include <gtest/gtest.h>

#include <string>

#include "ttl_presets.hpp"

namespace t = azora::ttl_preset;

TEST(CacheTtlPresets, GenericTiers) {
  EXPECT_EQ(t::seconds("short"), 60);
  EXPECT_EQ(t::seconds("medium"), 300);
  EXPECT_EQ(t::seconds("long"), 3600);
  EXPECT_EQ(t::seconds("day"), 86400);
}

TEST(CacheTtlPresets, SeedDataTypes) {
  EXPECT_EQ(t::seconds("user_profile"), 3600);
  EXPECT_EQ(t::seconds("course_list"), 300);
  EXPECT_EQ(t::seconds("course_detail"), 3600);
  EXPECT_EQ(t::seconds("wallet_balance"), 60);
  EXPECT_EQ(t::seconds("job_list"), 300);
  EXPECT_EQ(t::seconds("system_config"), 86400);
}

TEST(CacheTtlPresets, UnknownNamesAreRejected) {
  EXPECT_EQ(t::seconds(""), -1);
  EXPECT_EQ(t::seconds("Short"), -1);
  EXPECT_EQ(t::seconds("shortx"), -1);
}

TEST(CacheTtlPresets, HintListsEveryName) {
  std::string list = t::kNameList;
  for (const t::Preset& p : t::kPresets) EXPECT_NE(list.find(p.name), std::string::npos) << p.name;
}
