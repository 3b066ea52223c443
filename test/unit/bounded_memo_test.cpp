// bounded_memo_test.cpp — the advisor's bounded memo (extension/pure/bounded_memo.hpp): the heap
// it really takes (the allocator's count, mallinfo2) stays under its bound however many entries
// go in, an entry still asked for survives generation turnovers, and values are never wrong.
#include <gtest/gtest.h>
#include <malloc.h>

#include <string>

#include "bounded_memo.hpp"

using azora::BoundedMemo;

namespace {

// Keys shaped like the advisor's: a query number and a few packed index descriptions.
std::string key_of(int64_t i) {
  std::string key(40 + i % 41, 'k');
  key.replace(0, sizeof i, reinterpret_cast<const char*>(&i), sizeof i);
  return key;
}

size_t heap_in_use() {
  return mallinfo2().uordblks;
}

}  // namespace

TEST(BoundedMemo, HeapStaysUnderTheBound) {
  constexpr size_t kBound = 8u << 20;
  size_t before = heap_in_use();
  size_t peak = 0;
  {
    BoundedMemo memo(kBound);
    for (int64_t i = 0; i < 1'000'000; ++i) {
      memo.insert(key_of(i), static_cast<double>(i));
      if (i % 1000 == 0) peak = std::max(peak, heap_in_use() - before);
    }
    EXPECT_LE(memo.bytes(), kBound);
    EXPECT_GT(memo.turnovers(), 0);
    // The estimate is not below what the allocator counts (allow 10 % for the allocator's
    // rounding and the tables' bucket arrays between resizes).
    EXPECT_LE(heap_in_use() - before, memo.bytes() * 11 / 10);
  }
  // Unbounded, the same entries took about 140 MB.
  EXPECT_LE(peak, kBound * 11 / 10) << "peak heap " << peak;
}

TEST(BoundedMemo, UnlimitedKeepsEverything) {
  BoundedMemo memo;
  for (int64_t i = 0; i < 100'000; ++i) memo.insert(key_of(i), static_cast<double>(i));
  EXPECT_EQ(memo.entries(), 100'000u);
  EXPECT_EQ(memo.turnovers(), 0);
  for (int64_t i = 0; i < 100'000; ++i) ASSERT_EQ(*memo.find(key_of(i)), static_cast<double>(i));
}

TEST(BoundedMemo, AnEntryStillUsedSurvivesTurnovers) {
  BoundedMemo memo(64u << 10);
  memo.insert("hot entry, asked for at every step", 42.0);
  for (int64_t i = 0; i < 100'000; ++i) {
    memo.insert(key_of(i), static_cast<double>(i));
    if (i % 100 == 0) {
      const double* hot = memo.find("hot entry, asked for at every step");
      ASSERT_NE(hot, nullptr) << "after " << i << " inserts";
      ASSERT_EQ(*hot, 42.0);
    }
  }
  EXPECT_GT(memo.turnovers(), 10);
  // An entry not asked for since is forgotten, never answered wrongly.
  const double* first = memo.find(key_of(0));
  EXPECT_EQ(first, nullptr);
  for (int64_t i = 99'000; i < 100'000; ++i) {
    const double* v = memo.find(key_of(i));
    if (v != nullptr) {
      ASSERT_EQ(*v, static_cast<double>(i));
    }
  }
}

TEST(BoundedMemo, InsertingAKnownKeyKeepsOneEntry) {
  BoundedMemo memo(1u << 20);
  memo.insert("a", 1.0);
  memo.insert("a", 2.0);  // memoised values never change: the first stays
  EXPECT_EQ(memo.entries(), 1u);
  EXPECT_EQ(*memo.find("a"), 1.0);
  EXPECT_EQ(memo.bytes(), BoundedMemo::entry_bytes("a"));
}
