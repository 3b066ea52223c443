// metrics_hot_path_test.cpp — what the per-query and per-response paths pay for metrics: once a
// series exists, recording a query (QueryTimer::record, its observer) and a response size
// (encode_response) allocates nothing and never waits for the registry's lock.
//
// Allocations are counted by replacing the global operator new in this test program. The lock
// is made observable by holding it: expose() calls a callback gauge under the registry's lock,
// and this test's callback blocks until released.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "azora/metrics.hpp"
#include "azora/query_timer.hpp"
#include "azora/response_encoding.hpp"

// The replacements below pair malloc with free, which GCC cannot see through the inlined
// allocators of this file (a false -Wmismatched-new-delete).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using namespace std::chrono_literals;
using azora::metrics::Histogram;
using azora::metrics::Registry;
namespace names = azora::metrics::names;

// Longer than any small-string buffer, so a copy of it would allocate.
const std::string kSql = "SELECT id, title, price_cents FROM courses WHERE id = $1 AND published";

azora::QueryTimer timer_for(Registry& reg) {
  azora::QueryTimerOptions o;
  o.registry = &reg;
  o.slow_threshold = std::chrono::hours(1);
  return azora::QueryTimer(o);
}

std::uint64_t queries_recorded(Registry& reg) {
  return reg
      .histogram(names::kQueryDuration, "", Histogram::latency_buckets(),
                 {{"operation", "select"}, {"table", "courses"}})
      .count();
}

std::uint64_t responses_recorded(Registry& reg) {
  return reg
      .histogram(names::kResponseSize, "", azora::response_size_buckets(),
                 {{"encoding", "identity"}})
      .count();
}

// One timer and its observer on a registry of the test's own.
struct Timed {
  Registry reg;
  azora::QueryTimer timer = timer_for(reg);
  azora::QueryObserver observe = timer.observer();

  // One query timed by name and through the observer, and one response sent.
  void hot_paths(std::string body) {
    timer.record("select", "courses", kSql, 1ms, nullptr);
    observe(kSql, 1ms, nullptr);
    azora::encode_response(std::move(body), "application/json", "", {}, &reg);
  }
};

TEST(MetricsHotPath, RecordingAKnownSeriesAllocatesNothing) {
  Timed t;
  Registry& reg = t.reg;
  std::vector<std::string> bodies(1001, std::string(100, 'x'));  // made before counting
  t.hot_paths(std::move(bodies[0]));                             // first use: registers

  const long before = g_allocations.load();
  for (int i = 1; i <= 1000; i++) t.hot_paths(std::move(bodies[i]));
  const long allocations = g_allocations.load() - before;
  EXPECT_EQ(allocations, 0) << "allocations for 1000 queries timed twice and 1000 responses";
  EXPECT_EQ(queries_recorded(reg), 2002u);
  EXPECT_EQ(responses_recorded(reg), 1001u);
}

TEST(MetricsHotPath, RecordingDoesNotWaitForTheRegistryLock) {
  Timed t;
  Registry& reg = t.reg;
  t.hot_paths("x");

  std::promise<void> locked;
  std::promise<void> unlock;
  std::shared_future<void> unlocked = unlock.get_future().share();
  azora::metrics::Subscription blocker =
      reg.gauge_callback("test_blocker", "Holds the registry's lock while exposed.", {}, [&] {
        locked.set_value();
        unlocked.wait();
        return 0.0;
      });
  std::thread scraper([&] { reg.expose(); });
  locked.get_future().wait();  // expose() is inside the callback: the registry is locked

  auto work = std::async(std::launch::async, [&] {
    for (int i = 0; i < 100; i++) t.hot_paths("x");
  });
  // A deadlock detector, not a timing assertion: 10 s is ages for 300 records.
  const bool finished = work.wait_for(10s) == std::future_status::ready;
  unlock.set_value();
  scraper.join();
  work.get();
  EXPECT_TRUE(finished) << "a hot path waited for the registry's lock";
  EXPECT_EQ(queries_recorded(reg), 202u);
  EXPECT_EQ(responses_recorded(reg), 101u);
}

TEST(MetricsHotPath, EachSeriesAndTextIsClassifiedOnceAndCountedSeparately) {
  Registry reg;
  azora::QueryTimer timer = timer_for(reg);
  azora::QueryObserver observe = timer.observer();
  for (int i = 0; i < 3; i++) {
    observe("SELECT * FROM courses", 1ms, nullptr);
    observe("UPDATE wallets SET balance = 0", 1ms, nullptr);
    timer.record("select", "courses", "x", 1ms, nullptr);
  }
  azora::QueryTimer copy = timer;  // shares the cache, records into the same registry
  copy.record("update", "wallets", "y", 1ms, nullptr);
  EXPECT_EQ(queries_recorded(reg), 6u);
  EXPECT_EQ(reg.histogram(names::kQueryDuration, "", Histogram::latency_buckets(),
                          {{"operation", "update"}, {"table", "wallets"}})
                .count(),
            4u);
  // A registry at a reused address is a new registry: responses land in the live one.
  for (int round = 0; round < 2; round++) {
    Registry fresh;
    azora::encode_response("abc", "application/json", "", {}, &fresh);
    EXPECT_EQ(responses_recorded(fresh), 1u) << "round " << round;
  }
}

}  // namespace
