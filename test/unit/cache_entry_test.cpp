// cache_entry_test.cpp — the encoding of one result-cache entry (extension/pure/cache_entry.hpp):
// round trip, the key/query/params identity, and rejection of truncated or corrupt bytes.
#include <gtest/gtest.h>

#include <string>

#include "cache_entry.hpp"

namespace c = azora::cache;

namespace {
c::EntryValue sample() {
  c::EntryValue v;
  v.filler_role = 10;
  v.search_path = {2200, 16400};
  v.sources = {{16384, 77, 0x30000}, {16390, 5, 0x10000}};
  v.perms = {{16384, 0, {8, 9}}, {16390, 10, {}}};
  v.params = {std::string("42"), std::nullopt, std::string("")};
  v.context = std::string("role=10\0tz=UTC", 15);
  v.query = "SELECT * FROM t WHERE id = $1";
  v.result = "[{\"id\":42}]";
  return v;
}
}  // namespace

TEST(CacheEntry, RoundTrip) {
  std::string bytes = c::encode(sample());
  c::EntryView e;
  ASSERT_TRUE(c::decode(bytes.data(), bytes.size(), &e));
  EXPECT_EQ(e.filler_role, 10u);
  EXPECT_EQ(e.search_path, (std::vector<uint32_t>{2200, 16400}));
  ASSERT_EQ(e.sources.size(), 2u);
  EXPECT_EQ(e.sources[1].relid, 16390u);
  EXPECT_EQ(e.sources[0].word, 0x30000u);
  ASSERT_EQ(e.perms.size(), 2u);
  EXPECT_EQ(e.perms[0].cols, (std::vector<int32_t>{8, 9}));
  EXPECT_EQ(e.perms[1].check_as_user, 10u);
  ASSERT_EQ(e.params.size(), 3u);
  EXPECT_EQ(*e.params[0], "42");
  EXPECT_FALSE(e.params[1].has_value());
  EXPECT_EQ(*e.params[2], "");
  EXPECT_EQ(e.context, std::string_view("role=10\0tz=UTC", 15));
  EXPECT_EQ(e.query, "SELECT * FROM t WHERE id = $1");
  EXPECT_EQ(e.result, "[{\"id\":42}]");
}

TEST(CacheEntry, SameQueryNeedsSameTextParamsSearchPathAndContext) {
  std::string bytes = c::encode(sample());
  c::EntryView e;
  ASSERT_TRUE(c::decode(bytes.data(), bytes.size(), &e));
  std::vector<std::optional<std::string>> params = {std::string("42"), std::nullopt,
                                                    std::string("")};
  const std::vector<uint32_t> path = {2200, 16400};
  const std::string ctx("role=10\0tz=UTC", 15);
  const char* q = "SELECT * FROM t WHERE id = $1";
  EXPECT_TRUE(c::same_query(e, q, params, path, ctx));
  EXPECT_FALSE(c::same_query(e, "SELECT * FROM t WHERE id = $1 ", params, path, ctx));
  // The same text under another search_path may name other tables.
  EXPECT_FALSE(c::same_query(e, q, params, {16400, 2200}, ctx));
  EXPECT_FALSE(c::same_query(e, q, params, {2200}, ctx));
  // Another role or another value of a keyed setting (the bytes differ after a NUL too).
  EXPECT_FALSE(c::same_query(e, q, params, path, std::string("role=10\0tz=EST", 15)));
  EXPECT_FALSE(c::same_query(e, q, params, path, "role=10"));
  auto other = params;
  other[0] = std::string("43");
  EXPECT_FALSE(c::same_query(e, q, other, path, ctx));
  other = params;
  other[1] = std::string("");  // NULL is not the empty string
  EXPECT_FALSE(c::same_query(e, q, other, path, ctx));
  other = params;
  other.pop_back();
  EXPECT_FALSE(c::same_query(e, q, other, path, ctx));
}

TEST(CacheEntry, TruncatedOrCorruptBytesAreRejected) {
  std::string bytes = c::encode(sample());
  c::EntryView e;
  for (size_t n = 0; n < bytes.size(); n++) EXPECT_FALSE(c::decode(bytes.data(), n, &e)) << n;
  std::string longer = bytes + "x";
  EXPECT_FALSE(c::decode(longer.data(), longer.size(), &e));
  std::string bad_version = bytes;
  bad_version[0] = 99;
  EXPECT_FALSE(c::decode(bad_version.data(), bad_version.size(), &e));
  std::string huge_count = bytes;
  huge_count[8] = '\xff';  // n_sources
  huge_count[9] = '\xff';
  huge_count[10] = '\xff';
  EXPECT_FALSE(c::decode(huge_count.data(), huge_count.size(), &e));
  huge_count = bytes;
  huge_count[28] = '\xff';  // n_search_path
  huge_count[29] = '\xff';
  EXPECT_FALSE(c::decode(huge_count.data(), huge_count.size(), &e));
}

TEST(CacheEntry, KeysSeparateDatabases) {
  std::string a = c::make_key(1, "courses:1"), b = c::make_key(2, "courses:1");
  EXPECT_NE(a, b);
  EXPECT_EQ(c::key_text(a), "courses:1");
  EXPECT_EQ(c::key_dbid(b), 2u);
}
