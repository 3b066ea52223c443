// async_cache_set_test.cpp — AsyncCacheSet (the seed's write-behind: database first, then an
// asynchronous cache set) against the real PostgreSQL and Redis: the value arrives in the cache
// after the write, the caller is never blocked by a slow or dead Redis, failures and drops are
// counted.
#include <gtest/gtest.h>

#include <string>

#include "azora/async_cache_set.hpp"
#include "azora/connection.hpp"
#include "azora/metrics.hpp"
#include "redis_test_util.hpp"

namespace {

using namespace std::chrono_literals;
using azora::AsyncCacheSet;
using azora::RedisCache;

TEST(AsyncCacheSet, SetsTheCacheAfterTheDatabaseWrite) {
  azora::Connection db(azora::test::pg_conninfo());
  db.exec("SET client_min_messages = warning");
  db.exec("DROP TABLE IF EXISTS acs_wallet");
  db.exec("CREATE TABLE acs_wallet (user_id int PRIMARY KEY, balance numeric NOT NULL)");
  RedisCache cache(azora::test::cache_options());
  AsyncCacheSet refresh(cache);
  for (int i = 1; i <= 20; i++) {
    const std::string balance = std::to_string(i) + ".00";
    db.exec_params(
        "INSERT INTO acs_wallet VALUES (1, $1::numeric) "
        "ON CONFLICT (user_id) DO UPDATE SET balance = EXCLUDED.balance",
        {balance});  // the truth first
    EXPECT_TRUE(refresh.submit("wallet:balance:user=1", balance, 60s));
  }
  refresh.flush();
  const std::string in_db(db.exec("SELECT balance FROM acs_wallet WHERE user_id = 1").value(0, 0));
  EXPECT_EQ(in_db, "20.00");
  EXPECT_EQ(cache.get("wallet:balance:user=1"), in_db);  // in submission order: the last wins
  const azora::AsyncCacheSetStats s = refresh.stats();
  EXPECT_EQ(s.submitted, 20u);
  EXPECT_EQ(s.set, 20u);
  EXPECT_EQ(s.failed + s.dropped + s.pending, 0u);
  db.exec("DROP TABLE acs_wallet");
}

// Redis stops taking writes: every set waits for the cache's command timeout. The caller must
// not wait with it: a full queue drops entries (counted) instead of blocking, and the sets that
// ran are counted as failures, in stats and in the registry.
TEST(AsyncCacheSet, ASlowRedisNeverBlocksTheCallerAndFailuresAreCounted) {
  azora::metrics::Registry reg;
  auto o = azora::test::cache_options();
  o.metrics = &reg;
  o.name = "wallets";
  RedisCache cache(o);
  azora::AsyncCacheSetOptions ao;
  ao.max_queue = 2;
  {
    azora::RedisConnection admin(azora::test::redis_endpoint());
    admin.command({"CLIENT", "PAUSE", "1500", "WRITE"});
    AsyncCacheSet refresh(cache, ao);
    int queued = 0;
    for (int i = 0; i < 50; i++)
      if (refresh.submit("k" + std::to_string(i), "v", 60s)) queued++;
    const azora::AsyncCacheSetStats during = refresh.stats();
    EXPECT_EQ(during.submitted, 50u);
    // The first set hangs on the paused Redis for the command timeout; the queue (2) fills
    // behind it and the rest is dropped, not waited for (typically 47 of 50).
    EXPECT_GT(during.dropped, 0u);
    EXPECT_EQ(during.dropped, 50u - static_cast<unsigned>(queued));
    refresh.flush();
    admin.command({"CLIENT", "UNPAUSE"});
    const azora::AsyncCacheSetStats after = refresh.stats();
    EXPECT_EQ(after.set + after.failed + after.dropped, 50u);
    EXPECT_GE(after.failed, 1u);
    const std::string text = reg.expose();
    EXPECT_NE(text.find("azora_cache_async_set_failures_total{cache=\"wallets\",reason="
                        "\"queue_full\"} " +
                        std::to_string(after.dropped)),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("azora_cache_async_set_failures_total{cache=\"wallets\",reason="
                        "\"redis\"} " +
                        std::to_string(after.failed)),
              std::string::npos)
        << text;
  }
}

TEST(AsyncCacheSet, RedisDownIsCountedNeverThrown) {
  auto o = azora::test::cache_options();
  o.port = 1;  // nothing listens there
  RedisCache cache(o);
  AsyncCacheSet refresh(cache);
  for (int i = 0; i < 5; i++) EXPECT_NO_THROW(refresh.submit("k", "v", 60s));
  refresh.flush();
  EXPECT_EQ(refresh.stats().failed, 5u);
  EXPECT_THROW(refresh.submit("k", "v", 0s), azora::UsageError);
  EXPECT_THROW(refresh.submit("k", "v", 60s, azora::Protection::encrypted), azora::UsageError);
  EXPECT_THROW(AsyncCacheSet(cache, azora::AsyncCacheSetOptions{0}), azora::UsageError);
}

}  // namespace
