// cache_arena_test.cpp — the result cache's storage partition (extension/pure/cache_arena.hpp)
// formatted in an ordinary buffer: geometry, store/read/replace, full-area behaviour (expired
// first, then CLOCK), huge entries, fragmentation-free reuse, and the structure after random use.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cache_arena.hpp"

namespace c = azora::cache;

namespace {

struct TestArena {
  std::vector<uint64_t> storage;  // uint64_t: 8-byte alignment, as shared memory gives
  c::Geometry geometry;
  explicit TestArena(uint64_t bytes, uint32_t chunk = 64, uint32_t chunks_per_slot = 2)
      : storage((bytes + 7) / 8), geometry(c::Geometry::plan(bytes, chunk, chunks_per_slot)) {
    c::Arena::format(storage.data(), geometry);
  }
  c::Arena arena() { return c::Arena(storage.data()); }
};

uint64_t hash_of(const std::string& s) {
  return std::hash<std::string>()(s);
}

c::InsertResult put(c::Arena a, const std::string& key, const std::string& value, int64_t now,
                    int64_t expires = INT64_MAX) {
  return a.insert(hash_of(key), key.data(), static_cast<uint32_t>(key.size()), value.data(),
                  static_cast<uint32_t>(value.size()), now, expires);
}

uint32_t find(c::Arena a, const std::string& key) {
  return a.find(hash_of(key), key.data(), static_cast<uint32_t>(key.size()));
}

std::string value_of(c::Arena a, uint32_t s) {
  std::string out(a.slot(s).value_len, '\0');
  a.read_value(s, out.data());
  return out;
}

}  // namespace

TEST(CacheArenaGeometry, FitsTheAreaAndUsesMostOfIt) {
  for (uint64_t bytes : {uint64_t{4096}, uint64_t{1} << 20, uint64_t{64} << 20}) {
    c::Geometry g = c::Geometry::plan(bytes, 256, 2);
    EXPECT_LE(g.bytes(), bytes);
    EXPECT_GT(g.n_chunks, 0u);
    // Payload chunks take most of the area; the rest is links, slots, buckets, header.
    EXPECT_GT(static_cast<double>(g.n_chunks) * 256, 0.80 * static_cast<double>(bytes)) << bytes;
    EXPECT_EQ(g.n_slots, g.n_chunks / 2);
    EXPECT_EQ(g.n_buckets & (g.n_buckets - 1), 0u);
    EXPECT_GE(g.n_buckets, g.n_slots);
  }
  EXPECT_EQ(c::Geometry::plan(64, 256, 2).n_chunks, 0u);  // too small for anything
}

TEST(CacheArena, StoresFindsAndReadsBack) {
  TestArena t(64 * 1024);
  c::Arena a = t.arena();
  ASSERT_EQ(put(a, "k1", "value one", 0), c::InsertResult::kStored);
  ASSERT_EQ(put(a, "k2", std::string(1000, 'x'), 0), c::InsertResult::kStored);  // many chunks
  uint32_t s1 = find(a, "k1"), s2 = find(a, "k2");
  ASSERT_NE(s1, c::kNil);
  ASSERT_NE(s2, c::kNil);
  EXPECT_EQ(value_of(a, s1), "value one");
  EXPECT_EQ(value_of(a, s2), std::string(1000, 'x'));
  EXPECT_EQ(find(a, "k3"), c::kNil);
  EXPECT_EQ(find(a, "k"), c::kNil);  // a prefix of a stored key is another key
  EXPECT_EQ(a.header().bytes_stored, 2u + 9 + 2 + 1000);
  EXPECT_TRUE(a.consistent());
}

TEST(CacheArena, ReplacingAKeyKeepsOneEntry) {
  TestArena t(64 * 1024);
  c::Arena a = t.arena();
  put(a, "k", std::string(500, 'a'), 0);
  put(a, "k", "short", 1);
  EXPECT_EQ(a.header().used_slots, 1u);
  EXPECT_EQ(value_of(a, find(a, "k")), "short");
  EXPECT_EQ(a.header().stats.removals, 1u);
  EXPECT_TRUE(a.consistent());
}

TEST(CacheArena, EqualHashesAreToldApartByKey) {
  TestArena t(64 * 1024);
  c::Arena a = t.arena();
  // Same hash and same length: only the bytes tell them apart.
  std::string k1 = "first", k2 = "fir5t", v1 = "1", v2 = "2";
  a.insert(42, k1.data(), 5, v1.data(), 1, 0, INT64_MAX);
  a.insert(42, k2.data(), 5, v2.data(), 1, 0, INT64_MAX);
  EXPECT_EQ(a.header().used_slots, 2u);
  EXPECT_EQ(value_of(a, a.find(42, k1.data(), 5)), "1");
  EXPECT_EQ(value_of(a, a.find(42, k2.data(), 5)), "2");
  EXPECT_TRUE(a.consistent());
}

TEST(CacheArena, FullAreaReclaimsExpiredEntriesBeforeEvictingLiveOnes) {
  TestArena t(16 * 1024);
  c::Arena a = t.arena();
  const std::string value(200, 'v');  // 4 chunks of 64 with its key
  int i = 0;
  // Fill exactly: alternate entries expire at t=100, the others never.
  while (a.header().free_chunks >= a.chunks_for(2 + 200 + 3) &&
         a.header().free_slot_head != c::kNil) {
    put(a, "k" + std::to_string(i), value, 0, i % 2 == 0 ? 100 : INT64_MAX);
    i++;
  }
  ASSERT_GT(i, 10);
  uint64_t evictions = a.header().stats.evictions;
  put(a, "new", value, /*now=*/200);
  EXPECT_EQ(a.header().stats.evictions, evictions);  // nothing live was evicted
  EXPECT_EQ(a.header().stats.expirations, static_cast<uint64_t>((i + 1) / 2));
  for (int j = 1; j < i; j += 2) EXPECT_NE(find(a, "k" + std::to_string(j)), c::kNil) << j;
  EXPECT_NE(find(a, "new"), c::kNil);
  EXPECT_TRUE(a.consistent());
}

TEST(CacheArena, ClockSparesRecentlyHitEntries) {
  TestArena t(16 * 1024);
  c::Arena a = t.arena();
  const std::string value(200, 'v');
  int n = 0;
  while (a.header().free_chunks >= 4 && a.header().free_slot_head != c::kNil)
    put(a, "k" + std::to_string(n++), value, 0);
  // Hit every even entry: the next insertions must evict odd ones only.
  for (int j = 0; j < n; j += 2) a.touch(find(a, "k" + std::to_string(j)));
  for (int j = 0; j < n / 4; j++) put(a, "n" + std::to_string(j), value, 1);
  EXPECT_GT(a.header().stats.evictions, 0u);
  for (int j = 0; j < n; j += 2) EXPECT_NE(find(a, "k" + std::to_string(j)), c::kNil) << j;
  EXPECT_EQ(a.hits(find(a, "k0")), 1u);
  EXPECT_TRUE(a.consistent());
}

TEST(CacheArena, HugeEntryTakesTheWholePartitionOrIsRefused) {
  TestArena t(16 * 1024);
  c::Arena a = t.arena();
  put(a, "small", "x", 0);
  uint64_t capacity = a.capacity_bytes();
  // Exactly the capacity: fits, evicting everything else.
  std::string whole(capacity - 4, 'w');
  EXPECT_EQ(put(a, "huge", whole, 0), c::InsertResult::kStored);
  EXPECT_EQ(find(a, "small"), c::kNil);
  EXPECT_EQ(value_of(a, find(a, "huge")), whole);
  EXPECT_EQ(a.header().free_chunks, 0u);
  // One byte more than the partition can hold: refused, and nothing evicted for it.
  EXPECT_EQ(put(a, "bigger", std::string(capacity, 'b'), 0), c::InsertResult::kTooBig);
  EXPECT_NE(find(a, "huge"), c::kNil);
  EXPECT_EQ(a.header().stats.too_big, 1u);
  EXPECT_TRUE(a.consistent());
}

TEST(CacheArena, NoExternalFragmentation) {
  // Fill with 1-chunk entries, free every other one: a large entry then fits in the scattered
  // free chunks without evicting anything.
  TestArena t(16 * 1024, 64, 1);
  c::Arena a = t.arena();
  int n = 0;
  while (a.header().free_chunks > 0 && a.header().free_slot_head != c::kNil)
    put(a, "k" + std::to_string(n++), "v", 0);
  for (int j = 0; j < n; j += 2) a.remove(find(a, "k" + std::to_string(j)));
  uint32_t free_chunks = a.header().free_chunks;
  std::string big((free_chunks - 1) * 64, 'B');
  EXPECT_EQ(put(a, "big", big, 0), c::InsertResult::kStored);
  EXPECT_EQ(a.header().stats.evictions, 0u);
  EXPECT_EQ(value_of(a, find(a, "big")), big);
  EXPECT_TRUE(a.consistent());
}

TEST(CacheArena, ForEachMayRemoveTheVisitedEntry) {
  TestArena t(64 * 1024);
  c::Arena a = t.arena();
  for (int j = 0; j < 50; j++) put(a, "k" + std::to_string(j), "v", 0);
  a.for_each([&](uint32_t s) {
    if (a.slot(s).key_len == 2) a.remove(s);  // k0..k9
  });
  EXPECT_EQ(a.header().used_slots, 40u);
  EXPECT_EQ(find(a, "k5"), c::kNil);
  EXPECT_NE(find(a, "k15"), c::kNil);
  EXPECT_TRUE(a.consistent());
}

TEST(CacheArena, RandomWorkloadMatchesAModelAndStaysConsistent) {
  TestArena t(32 * 1024, 64, 2);
  c::Arena a = t.arena();
  std::mt19937 rng(7);
  std::map<std::string, std::string> model;  // what was last stored per key (may be evicted)
  for (int step = 0; step < 20000; step++) {
    std::string key = "key" + std::to_string(rng() % 300);
    int op = rng() % 10;
    if (op < 6) {
      std::string value(rng() % 700, static_cast<char>('a' + rng() % 26));
      int64_t now = step;
      ASSERT_EQ(put(a, key, value, now, now + 1 + rng() % 500), c::InsertResult::kStored);
      model[key] = value;
    } else if (op < 8) {
      uint32_t s = find(a, key);
      if (s != c::kNil) {
        ASSERT_EQ(value_of(a, s), model.at(key));  // never another key's or an old value
        a.touch(s);
      }
    } else {
      uint32_t s = find(a, key);
      if (s != c::kNil) a.remove(s);
    }
    if (step % 997 == 0) {
      ASSERT_TRUE(a.consistent()) << step;
    }
  }
  EXPECT_TRUE(a.consistent());
  EXPECT_GT(a.header().stats.evictions + a.header().stats.expirations, 0u);
}
