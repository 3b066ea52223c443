// cache_generations_test.cpp — the generation words of the result cache
// (extension/pure/cache_generations.hpp): the fill/hit rules of the protocol on the orders of
// events that make up the races R1 and R2 of the design note, and the counters under threads.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "cache_generations.hpp"

namespace c = azora::cache;

// The protocol's two rules, the extension's own (store.cpp and sql_cached.cpp call them).
using c::may_serve;
using c::may_store;

TEST(CacheGenerations, QuietRelationStoresAndServes) {
  auto t = std::make_unique<c::GenerationTable>();
  uint32_t s = c::gen_slot(5, 16384);
  uint64_t w0 = c::gen_load(*t, s);
  EXPECT_TRUE(may_store(*t, s, w0));
  EXPECT_TRUE(may_serve(*t, s, w0));
}

TEST(CacheGenerations, CommitAfterFillReadInvalidatesStoreAndHit) {
  auto t = std::make_unique<c::GenerationTable>();
  uint32_t s = c::gen_slot(5, 16384);
  uint64_t w0 = c::gen_load(*t, s);    // the reader's fill reads w0, then takes its snapshot
  c::gen_begin_commit(*t, s);          // a writer's PRE_COMMIT
  EXPECT_FALSE(may_store(*t, s, w0));  // R2: the writer may become visible any moment
  EXPECT_FALSE(may_serve(*t, s, w0));  // R1: no hit between PRE_COMMIT and COMMIT
  c::gen_end_commit(*t, s);
  EXPECT_FALSE(may_store(*t, s, w0));
  EXPECT_FALSE(may_serve(*t, s, w0));
  EXPECT_EQ(c::committing(c::gen_load(*t, s)), 0u);
  EXPECT_EQ(c::generation(c::gen_load(*t, s)), 2u);
}

TEST(CacheGenerations, ReadDuringACommitWindowIsNeverStored) {
  auto t = std::make_unique<c::GenerationTable>();
  uint32_t s = c::gen_slot(5, 16384);
  c::gen_begin_commit(*t, s);
  uint64_t w0 = c::gen_load(*t, s);  // fill starts while a writer is committing
  EXPECT_FALSE(may_store(*t, s, w0));
  c::gen_end_commit(*t, s);
  EXPECT_FALSE(may_store(*t, s, w0));
  uint64_t w1 = c::gen_load(*t, s);  // after it: fine again
  EXPECT_TRUE(may_store(*t, s, w1));
}

TEST(CacheGenerations, OverlappingWritersKeepTheWindowOpenUntilTheLast) {
  auto t = std::make_unique<c::GenerationTable>();
  uint32_t s = c::gen_slot(5, 16384);
  c::gen_begin_commit(*t, s);
  c::gen_begin_commit(*t, s);
  c::gen_end_commit(*t, s);
  EXPECT_EQ(c::committing(c::gen_load(*t, s)), 1u);
  EXPECT_FALSE(may_store(*t, s, c::gen_load(*t, s)));
  c::gen_end_commit(*t, s);
  EXPECT_TRUE(may_store(*t, s, c::gen_load(*t, s)));
}

TEST(CacheGenerations, SlotsSpreadConsecutiveOids) {
  std::set<uint32_t> slots;
  for (uint32_t relid = 16384; relid < 16384 + 1000; relid++) slots.insert(c::gen_slot(5, relid));
  EXPECT_GT(slots.size(), 900u);
  EXPECT_NE(c::gen_slot(5, 16384), c::gen_slot(6, 16384));
}

TEST(CacheGenerations, ConcurrentWritersBalanceExactly) {
  auto t = std::make_unique<c::GenerationTable>();
  uint32_t s = c::gen_slot(1, 1);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; i++)
    threads.emplace_back([&] {
      for (int j = 0; j < 100000; j++) {
        c::gen_begin_commit(*t, s);
        c::gen_end_commit(*t, s);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(c::committing(c::gen_load(*t, s)), 0u);
  EXPECT_EQ(c::generation(c::gen_load(*t, s)), 800000u);
}
