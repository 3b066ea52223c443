// redis_failover_test.cpp — RedisCache when Redis dies, hangs or drops connections: the real
// redis-server is killed (SIGKILL), stopped (SIGSTOP) and restarted mid-test. Every call must
// fail open, errors must be counted, reconnects must back off, and hits must resume.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <thread>
#include <vector>

#include "azora/redis_cache.hpp"
#include "redis_test_util.hpp"

namespace {

using namespace std::chrono_literals;
using azora::RedisCache;
using azora::test::cache_options;
using azora::test::eventually;

class RedisFailover : public ::testing::Test {
 protected:
  // Whatever a test did, the next one starts with Redis up and running.
  void TearDown() override {
    ::kill(azora::test::redis_pid(), SIGCONT);
    if (!azora::test::redis_answers()) azora::test::restart_redis();
  }
};

TEST_F(RedisFailover, DeadRedisFailsOpenThenHitsResumeAfterRestart) {
  RedisCache cache(cache_options());
  std::atomic<int> loads{0};
  auto loader = [&] {
    loads++;
    return std::string("from-db");
  };
  EXPECT_EQ(cache.get_or_set("course", loader, 60s), "from-db");
  EXPECT_EQ(cache.get_or_set("course", loader, 60s), "from-db");
  EXPECT_EQ(loads.load(), 1);
  EXPECT_EQ(cache.stats().hits, 1u);

  azora::test::kill_redis();
  // Every call still answers, from the loader; nothing throws.
  for (int i = 0; i < 20; i++) EXPECT_EQ(cache.get_or_set("course", loader, 60s), "from-db");
  EXPECT_EQ(loads.load(), 21);
  EXPECT_EQ(cache.get("course"), std::nullopt);
  EXPECT_FALSE(cache.set("course", "x", 60s));
  EXPECT_FALSE(cache.del("course"));
  const RedisCache::Invalidation inv = cache.invalidate_pattern("*");
  EXPECT_EQ(inv.removed, 0u);
  EXPECT_FALSE(inv.complete);
  EXPECT_FALSE(cache.ping());
  const auto dead = cache.stats();
  EXPECT_EQ(dead.dbsize, -1);
  EXPECT_GE(dead.errors, 20u);
  const std::uint64_t hits_before = dead.hits;

  azora::test::restart_redis();  // empty: the killed server saved nothing
  // The cache reconnects by itself after its backoff; the first call then loads and stores,
  // and the next ones hit again.
  ASSERT_TRUE(eventually([&] {
    cache.get_or_set("course", loader, 60s);
    return cache.stats().hits > hits_before;
  }));
  const int loads_after = loads.load();
  EXPECT_EQ(cache.get_or_set("course", loader, 60s), "from-db");
  EXPECT_EQ(loads.load(), loads_after);
  EXPECT_TRUE(cache.ping());
  EXPECT_GE(cache.stats().dbsize, 1);
}

TEST_F(RedisFailover, ReconnectsBackOffInsteadOfHammeringADeadServer) {
  auto opts = cache_options();
  opts.backoff_min = 1h;  // after the first refused connect, no other attempt in this test
  opts.backoff_max = 1h;
  opts.connections = 3;
  RedisCache cache(opts);
  azora::test::kill_redis();
  int loads = 0;
  for (int i = 0; i < 200; i++)
    cache.get_or_set(
        "k", [&] { return std::to_string(++loads); }, 60s);
  EXPECT_EQ(loads, 200);
  const auto s = cache.stats();
  EXPECT_EQ(s.connects, 1u);  // one attempt; the other 199 calls failed fast without connecting
  EXPECT_GE(s.errors, 200u);
}

TEST_F(RedisFailover, ConcurrentMissesStillCoalesceWhileRedisIsDown) {
  RedisCache cache(cache_options());
  azora::test::kill_redis();
  constexpr int kThreads = 6;
  std::atomic<int> loads{0};
  std::vector<std::thread> threads;
  std::vector<std::string> results(kThreads);
  for (int i = 0; i < kThreads; i++)
    threads.emplace_back([&, i] {
      results[i] = cache.get_or_set(
          "hot",
          [&] {
            loads++;
            eventually([&] { return cache.stats().coalesced >= kThreads - 1; });
            return std::string("v");
          },
          60s);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(loads.load(), 1);
  for (const auto& r : results) EXPECT_EQ(r, "v");
}

TEST_F(RedisFailover, HungRedisTimesOutAndFailsOpen) {
  auto opts = cache_options();
  opts.command_timeout = 100ms;
  RedisCache cache(opts);
  // A second cache that, once it has seen the hang, waits an hour before trying again.
  auto patient_opts = opts;
  patient_opts.key_prefix += "patient:";
  patient_opts.connections = 1;
  patient_opts.backoff_min = 1h;
  patient_opts.backoff_max = 1h;
  RedisCache patient(patient_opts);
  ASSERT_TRUE(cache.set("k", "cached", 60s));
  ASSERT_TRUE(patient.ping());
  const pid_t pid = azora::test::redis_pid();
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);  // the server still accepts TCP, but never answers
  int loads = 0;
  EXPECT_EQ(cache.get_or_set(
                "k",
                [&] {
                  loads++;
                  return std::string("db");
                },
                60s),
            "db");
  EXPECT_EQ(loads, 1);
  EXPECT_GE(cache.stats().errors, 1u);
  // The first call times out on its old connection, reconnects (the kernel accepts) and times
  // out again: that new connection never answered, so the backoff starts and the remaining
  // calls fail fast instead of each waiting for a timeout.
  for (int i = 0; i < 20; i++)
    EXPECT_EQ(patient.get_or_set(
                  "p", [] { return std::string("db"); }, 60s),
              "db");
  EXPECT_EQ(patient.stats().connects, 2u);
  ASSERT_EQ(::kill(pid, SIGCONT), 0);
  // Hits resume once it answers again: the timed-out connections were dropped and replaced.
  // (The SET of "db" that timed out was still in the socket buffer: the resumed server may
  // well have applied it, so either value is right.)
  std::optional<std::string> v;
  EXPECT_TRUE(eventually([&] { return (v = cache.get("k")).has_value(); }));
  EXPECT_TRUE(v == "cached" || v == "db") << v.value_or("(none)");
}

TEST_F(RedisFailover, DroppedConnectionsAreReplacedOnTheNextCall) {
  auto opts = cache_options();
  opts.connections = 2;
  RedisCache cache(opts);
  ASSERT_TRUE(cache.set("k", "v", 60s));
  for (int i = 0; i < 4; i++) ASSERT_EQ(cache.get("k"), "v");  // both connections in use
  const auto before = cache.stats();
  azora::RedisConnection admin(azora::test::redis_endpoint());
  EXPECT_GE(admin.command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}).integer(), 2);
  // Each killed connection fails one call (open: a miss), then is replaced immediately.
  int failed = 0;
  for (int i = 0; i < 6; i++)
    if (cache.get("k") != std::optional<std::string>("v")) failed++;
  EXPECT_GE(failed, 1);
  EXPECT_LE(failed, 2);
  const auto after = cache.stats();
  EXPECT_EQ(after.errors - before.errors, static_cast<std::uint64_t>(failed));
  EXPECT_EQ(after.connects - before.connects, 2u);
  EXPECT_EQ(cache.get("k"), "v");
}

TEST_F(RedisFailover, ConstructingWhileRedisIsDownIsFine) {
  azora::test::kill_redis();
  auto opts = cache_options();
  opts.backoff_min = 10ms;
  RedisCache cache(opts);
  EXPECT_EQ(cache.get_or_set(
                "k", [] { return std::string("db"); }, 60s),
            "db");
  azora::test::restart_redis();
  EXPECT_TRUE(eventually([&] { return cache.ping(); }));
  EXPECT_TRUE(cache.set("k", "v", 60s));
  EXPECT_EQ(cache.get("k"), "v");
}

}  // namespace
