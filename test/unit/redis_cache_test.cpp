// redis_cache_test.cpp — RedisCache against the real Redis of scripts/cluster.sh: cache-aside,
// TTLs, SCAN+UNLINK invalidation, single-flight, write-through, stats and metrics.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "azora/cache_keys.hpp"
#include "azora/connection.hpp"
#include "azora/metrics.hpp"
#include "azora/redis_cache.hpp"
#include "azora/ttl_presets.hpp"
#include "redis_test_util.hpp"

namespace {

using namespace std::chrono_literals;
using azora::RedisCache;
using azora::test::cache_options;

// Options recording into reg under the label cache=name.
azora::RedisCacheOptions recorded_options(azora::metrics::Registry& reg, const char* name) {
  auto opts = cache_options();
  opts.metrics = &reg;
  opts.name = name;
  return opts;
}

azora::RedisConnection admin() {
  return azora::RedisConnection(azora::test::redis_endpoint());
}

TEST(RedisCache, GetSetDelWithPrefixAndTtl) {
  RedisCache cache(cache_options());
  const std::string prefix = cache.options().key_prefix;
  EXPECT_EQ(cache.get("greeting"), std::nullopt);
  ASSERT_TRUE(cache.set("greeting", std::string("h\0i", 3), 30s));  // binary-safe
  EXPECT_EQ(cache.get("greeting"), std::string("h\0i", 3));
  auto a = admin();
  const long long pttl = a.command({"PTTL", prefix + "greeting"}).integer();
  EXPECT_GT(pttl, 0);
  EXPECT_LE(pttl, 30000);
  EXPECT_TRUE(cache.del("greeting"));
  EXPECT_FALSE(cache.del("greeting"));
  EXPECT_EQ(cache.get("greeting"), std::nullopt);
  const auto s = cache.stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.sets, 1u);
  EXPECT_EQ(s.deletes, 1u);
  EXPECT_EQ(s.errors, 0u);
  EXPECT_GE(s.dbsize, 0);
}

TEST(RedisCache, GetOrSetLoadsOnceThenHits) {
  RedisCache cache(cache_options());
  int loads = 0;
  auto loader = [&] {
    loads++;
    return std::string("[{\"id\":1}]");
  };
  const std::string key = azora::keys::course_list(1, 20);
  EXPECT_EQ(cache.get_or_set(key, loader, azora::ttl::kCourseList), "[{\"id\":1}]");
  EXPECT_EQ(cache.get_or_set(key, loader, azora::ttl::kCourseList), "[{\"id\":1}]");
  EXPECT_EQ(cache.get_or_set(key, loader, azora::ttl::kCourseList), "[{\"id\":1}]");
  EXPECT_EQ(loads, 1);
  const auto s = cache.stats();
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.loads, 1u);
  EXPECT_EQ(admin().command({"EXISTS", cache.options().key_prefix + key}).integer(), 1);
}

TEST(RedisCache, JsonValuesRoundTrip) {
  RedisCache cache(cache_options());
  int loads = 0;
  auto loader = [&] {
    loads++;
    return nlohmann::json{{"balance", 1250}, {"currency", "ZAR"}};
  };
  const std::string key = azora::keys::wallet_balance("user-1");
  EXPECT_EQ(cache.get_or_set_json(key, loader, azora::ttl::kWalletBalance)["balance"], 1250);
  EXPECT_EQ(cache.get_or_set_json(key, loader, azora::ttl::kWalletBalance)["currency"], "ZAR");
  EXPECT_EQ(loads, 1);
  // Garbage under the key is replaced by the loader's value, not thrown at the caller.
  cache.set(key, "{not json", 10s);
  EXPECT_EQ(cache.get_or_set_json(key, loader, azora::ttl::kWalletBalance)["balance"], 1250);
}

TEST(RedisCache, LoaderExceptionsPropagateAndNothingIsCached) {
  RedisCache cache(cache_options());
  EXPECT_THROW(cache.get_or_set(
                   "k", []() -> std::string { throw std::runtime_error("db"); }, 10s),
               std::runtime_error);
  EXPECT_EQ(cache.get("k"), std::nullopt);
  EXPECT_EQ(cache.stats().errors, 0u);  // a loader failure is not a cache failure
}

TEST(RedisCache, RefusesBadArguments) {
  RedisCache cache(cache_options());
  EXPECT_THROW(cache.set("k", "v", 0ms), azora::UsageError);
  EXPECT_THROW(cache.get_or_set(
                   "k", [] { return std::string(); }, -1s),
               azora::UsageError);
  EXPECT_THROW((void)cache.invalidate_pattern(""), azora::UsageError);
  auto bad = cache_options();
  bad.connections = 0;
  EXPECT_THROW(RedisCache{bad}, azora::UsageError);
  bad = cache_options();
  bad.backoff_min = 0ms;
  EXPECT_THROW(RedisCache{bad}, azora::UsageError);
  bad = cache_options();
  bad.port = 70000;
  EXPECT_THROW(RedisCache{bad}, azora::UsageError);
}

TEST(RedisCache, InvalidatePatternUsesScanAndUnlinkAcrossBatches) {
  RedisCache cache(cache_options());
  // More keys than one SCAN round returns, plus keys that must survive.
  for (int page = 1; page <= 1200; page++) cache.set(azora::keys::course_list(page, 20), "x", 60s);
  cache.set(azora::keys::course(1), "c", 60s);
  cache.set(azora::keys::jobs_by_category("eng", 1), "j", 60s);
  cache.set(azora::keys::jobs_by_category("eng*", 1), "j", 60s);
  // Another prefix (another application) is out of reach.
  auto other_opts = cache_options();
  other_opts.key_prefix += "other:";
  RedisCache other(other_opts);
  other.set(azora::keys::course_list(1, 20), "o", 60s);

  EXPECT_EQ(cache.invalidate_pattern(azora::keys::all_course_lists()).removed, 1200u);
  EXPECT_EQ(cache.get(azora::keys::course_list(7, 20)), std::nullopt);
  EXPECT_EQ(cache.get(azora::keys::course(1)), "c");
  EXPECT_EQ(other.get(azora::keys::course_list(1, 20)), "o");
  // A category pattern built from "eng" does not reach "eng*" (the '*' is encoded).
  EXPECT_EQ(cache.invalidate_pattern(azora::keys::jobs_by_category_pages("eng")).removed, 1u);
  EXPECT_EQ(cache.get(azora::keys::jobs_by_category("eng*", 1)), "j");
  EXPECT_EQ(cache.invalidate_pattern(azora::keys::all_courses()).removed, 1u);
  EXPECT_EQ(cache.invalidate_pattern("nothing:*").removed, 0u);
  EXPECT_EQ(cache.stats().invalidated, 1202u);
  EXPECT_TRUE(other.invalidate_pattern("*").complete);
  EXPECT_TRUE(cache.invalidate_pattern("*").complete);
  EXPECT_EQ(cache.stats().invalidation_failures, 0u);
}

// Redis stops accepting writes (CLIENT PAUSE ... WRITE lets the SCAN through, the UNLINK times
// out): the call must say that it did not finish — the keys are still cached — and count it.
TEST(RedisCache, AnInvalidationCutShortSaysSoAndIsCounted) {
  azora::metrics::Registry reg;
  RedisCache cache(recorded_options(reg, "lists"));
  for (int page = 1; page <= 10; page++)
    ASSERT_TRUE(cache.set(azora::keys::course_list(page, 20), "x", 60s));
  auto a = admin();
  a.command({"CLIENT", "PAUSE", "3000", "WRITE"});
  const RedisCache::Invalidation cut = cache.invalidate_pattern(azora::keys::all_course_lists());
  a.command({"CLIENT", "UNPAUSE"});
  EXPECT_FALSE(cut.complete);
  EXPECT_EQ(cut.removed, 0u);
  EXPECT_EQ(cache.get(azora::keys::course_list(3, 20)), "x");  // still cached: stale data
  const auto s = cache.stats();
  EXPECT_EQ(s.invalidation_failures, 1u);
  EXPECT_GE(s.errors, 1u);
  EXPECT_NE(reg.expose().find("azora_cache_invalidation_failures_total{cache=\"lists\"} 1"),
            std::string::npos)
      << reg.expose();
  // Retried once Redis takes writes again: complete.
  const RedisCache::Invalidation again = cache.invalidate_pattern(azora::keys::all_course_lists());
  EXPECT_TRUE(again.complete);
  EXPECT_EQ(again.removed, 10u);
}

TEST(RedisCache, ConcurrentMissesRunTheLoaderOnce) {
  auto opts = cache_options();
  opts.connections = 4;
  RedisCache cache(opts);
  constexpr int kThreads = 12;
  std::atomic<int> loads{0};
  std::atomic<int> ready{0};
  std::vector<std::string> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; i++)
    threads.emplace_back([&, i] {
      ready++;
      while (ready < kThreads) std::this_thread::yield();
      results[i] = cache.get_or_set(
          "hot",
          [&] {
            loads++;
            // Hold the load until every other caller has joined it, so all are concurrent.
            azora::test::eventually([&] { return cache.stats().coalesced >= kThreads - 1; });
            return std::string("expensive");
          },
          60s);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(loads.load(), 1);
  for (const auto& r : results) EXPECT_EQ(r, "expensive");
  const auto s = cache.stats();
  EXPECT_EQ(s.coalesced, static_cast<std::uint64_t>(kThreads - 1));
  EXPECT_EQ(s.misses, static_cast<std::uint64_t>(kThreads));
  EXPECT_EQ(cache.get("hot"), "expensive");
}

TEST(RedisCache, ConcurrentMissesShareTheLoadersExceptionAndCacheNothing) {
  RedisCache cache(cache_options());
  constexpr int kThreads = 6;
  std::atomic<int> loads{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; i++)
    threads.emplace_back([&] {
      try {
        cache.get_or_set(
            "hot",
            [&]() -> std::string {
              loads++;
              azora::test::eventually([&] { return cache.stats().coalesced >= kThreads - 1; });
              throw azora::SqlError("relation \"courses\" does not exist", "42P01");
            },
            60s);
      } catch (const azora::SqlError& e) {
        if (e.sqlstate() == "42P01") failures++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(loads.load(), 1);
  EXPECT_EQ(failures.load(), kThreads);
  EXPECT_EQ(cache.get("hot"), std::nullopt);
}

TEST(RedisCache, ManyThreadsManyKeys) {
  auto opts = cache_options();
  opts.connections = 3;
  RedisCache cache(opts);
  std::atomic<int> loads{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; t++)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; i++) {
        const std::string key = azora::keys::course((t * 7 + i) % 50);
        const std::string v = cache.get_or_set(
            key,
            [&] {
              loads++;
              return key;
            },
            60s);
        if (v != key) wrong++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GE(loads.load(), 50);
  const auto s = cache.stats();
  EXPECT_EQ(s.hits + s.misses, 1600u);
  EXPECT_EQ(s.errors, 0u);
}

TEST(RedisCache, WriteThroughWritesTheDatabaseThenRemovesTheKey) {
  RedisCache cache(cache_options());
  std::string db = "old";
  cache.set("course:1", "old", 60s);
  cache.write_through("course:1", [&] { db = "new"; });
  EXPECT_EQ(db, "new");
  EXPECT_EQ(cache.get("course:1"), std::nullopt);  // the next read loads "new"
  // A failed database write leaves the cache as it was and reaches the caller.
  cache.set("course:1", "new", 60s);
  EXPECT_THROW(
      cache.write_through("course:1", [] { throw azora::SqlError("duplicate key", "23505"); }),
      azora::SqlError);
  EXPECT_EQ(cache.get("course:1"), "new");
}

// Two writers of one row, against the real database: A's UPDATE commits first, B's second, but
// B finishes its whole write_through before A gets to its cache step. Whatever the cache holds
// afterwards must be what the database holds (caching the written value would leave A's older
// value cached for the whole TTL).
TEST(RedisCache, ConcurrentWriteThroughsNeverLeaveTheOlderValueCached) {
  RedisCache cache(cache_options());
  azora::Connection setup(azora::test::pg_conninfo());
  setup.exec("SET client_min_messages = warning");
  setup.exec("DROP TABLE IF EXISTS wt_course");
  setup.exec("CREATE TABLE wt_course (id int PRIMARY KEY, title text NOT NULL)");
  setup.exec("INSERT INTO wt_course VALUES (1, 'v0')");
  auto read_db = [&] {
    return std::string(setup.exec("SELECT title FROM wt_course WHERE id = 1").value(0, 0));
  };
  auto loader = [&] { return read_db(); };
  EXPECT_EQ(cache.get_or_set("course:1", loader, 60s), "v0");  // cached

  std::promise<void> a_wrote, b_done;
  std::thread a([&] {
    azora::Connection conn(azora::test::pg_conninfo());
    cache.write_through("course:1", [&] {
      conn.exec("UPDATE wt_course SET title = 'A' WHERE id = 1");
      a_wrote.set_value();
      b_done.get_future().wait();  // B writes and finishes meanwhile
    });
  });
  a_wrote.get_future().wait();
  {
    azora::Connection conn(azora::test::pg_conninfo());
    cache.write_through("course:1",
                        [&] { conn.exec("UPDATE wt_course SET title = 'B' WHERE id = 1"); });
  }
  b_done.set_value();
  a.join();
  EXPECT_EQ(read_db(), "B");
  const std::optional<std::string> cached = cache.get("course:1");
  EXPECT_TRUE(!cached || *cached == "B")
      << "the cache serves " << *cached << ", a value the database overwrote";
  EXPECT_EQ(cache.get_or_set("course:1", loader, 60s), "B");
  setup.exec("DROP TABLE wt_course");
}

TEST(RedisCache, RecordsHitsMissesAndErrorsInTheRegistry) {
  azora::metrics::Registry reg;
  RedisCache cache(recorded_options(reg, "courses"));
  cache.get_or_set(
      "k", [] { return std::string("v"); }, 60s);
  cache.get_or_set(
      "k", [] { return std::string("v"); }, 60s);
  cache.get("k");
  const azora::metrics::Labels labels{{"cache", "courses"}};
  EXPECT_EQ(reg.counter(azora::metrics::names::kCacheHits, "", labels).value(), 2.0);
  EXPECT_EQ(reg.counter(azora::metrics::names::kCacheMisses, "", labels).value(), 1.0);
  EXPECT_EQ(reg.counter("azora_cache_errors_total", "", labels).value(), 0.0);
  const std::string text = reg.expose();
  EXPECT_NE(text.find("# TYPE azora_cache_hits_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("azora_cache_hits_total{cache=\"courses\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("azora_cache_misses_total{cache=\"courses\"} 1"), std::string::npos);
  EXPECT_NE(text.find("azora_cache_errors_total{cache=\"courses\"} 0"), std::string::npos);
}

TEST(RedisCache, SelectsTheDatabaseAndFailsOpenWhenAuthIsRefused) {
  auto opts = cache_options();
  opts.database = 3;
  RedisCache cache(opts);
  ASSERT_TRUE(cache.set("k", "in-db-3", 60s));
  auto a = admin();
  EXPECT_TRUE(a.command({"GET", opts.key_prefix + "k"}).is_nil());  // not in database 0
  a.command({"SELECT", "3"});
  EXPECT_EQ(a.command({"GET", opts.key_prefix + "k"}).str(), "in-db-3");
  cache.del("k");

  // This Redis has no password: AUTH is refused, so every call fails open.
  auto bad = cache_options();
  bad.password = "secret";
  RedisCache refused(bad);
  EXPECT_EQ(refused.get_or_set(
                "k", [] { return std::string("db"); }, 60s),
            "db");
  EXPECT_GE(refused.stats().errors, 1u);
  try {
    azora::RedisEndpoint ep = azora::test::redis_endpoint();
    ep.password = "secret";
    azora::RedisConnection c(ep);
    FAIL() << "expected RedisError";
  } catch (const azora::RedisError& e) {
    EXPECT_FALSE(e.connection_lost());  // the server answered: a command error
  }
}

TEST(RedisConnection, ReportsCommandErrorsAndKeepsTheConnection) {
  azora::RedisConnection c(azora::test::redis_endpoint());
  try {
    c.command({"NOSUCHCOMMAND", "x"});
    FAIL() << "expected RedisError";
  } catch (const azora::RedisError& e) {
    EXPECT_FALSE(e.connection_lost());
    EXPECT_NE(std::string(e.what()).find("NOSUCHCOMMAND"), std::string::npos);
  }
  EXPECT_FALSE(c.broken());
  EXPECT_EQ(c.command({"PING"}).str(), "PONG");
  azora::RedisEndpoint nowhere = azora::test::redis_endpoint();
  nowhere.port = 1;
  try {
    azora::RedisConnection dead(nowhere);
    FAIL() << "expected RedisError";
  } catch (const azora::RedisError& e) {
    EXPECT_TRUE(e.connection_lost());
  }
}

}  // namespace
