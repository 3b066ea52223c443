// single_flight_test.cpp — SingleFlight and ReconnectBackoff, with real threads and explicit
// clock values (no sleeps whose length decides the outcome).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "azora/error.hpp"
#include "azora/detail/reconnect_backoff.hpp"
#include "azora/single_flight.hpp"

namespace {

using namespace std::chrono_literals;

// Runs n threads calling flight.run(key, fn) and waits until the n-1 followers have joined
// before letting the leader's fn return, so the overlap is certain, not timing-dependent.
TEST(SingleFlight, ConcurrentCallsShareOneRun) {
  azora::SingleFlight flight;
  constexpr int kThreads = 8;
  std::atomic<int> runs{0};
  std::vector<std::string> results(kThreads);
  std::vector<char> shared(kThreads);  // not vector<bool>: its bits share bytes across threads
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; i++)
    threads.emplace_back([&, i] {
      auto out = flight.run("k", [&] {
        runs++;
        while (flight.joined() < kThreads - 1) std::this_thread::yield();
        return std::string("value");
      });
      results[i] = out.value;
      shared[i] = out.shared;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(flight.joined(), static_cast<std::uint64_t>(kThreads - 1));
  int leaders = 0;
  for (int i = 0; i < kThreads; i++) {
    EXPECT_EQ(results[i], "value");
    leaders += shared[i] ? 0 : 1;
  }
  EXPECT_EQ(leaders, 1);
  EXPECT_EQ(flight.in_flight(), 0u);
  // Finished calls are forgotten: the next call runs again.
  EXPECT_EQ(flight.run("k", [] { return std::string("again"); }).value, "again");
}

TEST(SingleFlight, TheLeadersExceptionReachesEveryWaiter) {
  azora::SingleFlight flight;
  constexpr int kThreads = 5;
  std::atomic<int> runs{0}, caught{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; i++)
    threads.emplace_back([&] {
      try {
        flight.run("k", [&]() -> std::string {
          runs++;
          while (flight.joined() < kThreads - 1) std::this_thread::yield();
          throw std::runtime_error("db down");
        });
      } catch (const std::runtime_error& e) {
        if (std::string(e.what()) == "db down") caught++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(caught.load(), kThreads);
  EXPECT_EQ(flight.in_flight(), 0u);
}

TEST(SingleFlight, DifferentKeysDoNotWaitForEachOther) {
  azora::SingleFlight flight;
  // The outer call for "a" runs an inner call for "b" on the same thread: it must not block.
  auto out =
      flight.run("a", [&] { return flight.run("b", [] { return std::string("b"); }).value + "a"; });
  EXPECT_EQ(out.value, "ba");
}

TEST(ReconnectBackoff, DoublesUpToMaxAndResetsOnSuccess) {
  using Clock = azora::ReconnectBackoff::Clock;
  azora::ReconnectBackoff b(100ms, 350ms);
  const Clock::time_point t0{};
  EXPECT_TRUE(b.try_begin_attempt(t0));
  b.failed(t0);  // wait 100 ms
  EXPECT_FALSE(b.try_begin_attempt(t0 + 99ms));
  EXPECT_TRUE(b.backing_off(t0 + 99ms));
  EXPECT_TRUE(b.try_begin_attempt(t0 + 100ms));
  // While that attempt runs, others are held back.
  EXPECT_FALSE(b.try_begin_attempt(t0 + 101ms));
  b.failed(t0 + 100ms);  // wait 200 ms
  EXPECT_FALSE(b.try_begin_attempt(t0 + 299ms));
  EXPECT_TRUE(b.try_begin_attempt(t0 + 300ms));
  b.failed(t0 + 300ms);  // 400 capped at 350
  EXPECT_EQ(b.next_delay(), 350ms);
  EXPECT_FALSE(b.try_begin_attempt(t0 + 649ms));
  EXPECT_TRUE(b.try_begin_attempt(t0 + 650ms));
  b.succeeded();
  EXPECT_FALSE(b.backing_off(t0 + 651ms));
  EXPECT_TRUE(b.try_begin_attempt(t0 + 651ms));
  EXPECT_EQ(b.next_delay(), 100ms);
}

TEST(ReconnectBackoff, RefusesBadBounds) {
  EXPECT_THROW(azora::ReconnectBackoff(0ms, 10ms), azora::UsageError);
  EXPECT_THROW(azora::ReconnectBackoff(10ms, 5ms), azora::UsageError);
}

}  // namespace
