// write_behind_test.cpp — WriteBehind against the real Redis and PostgreSQL: cached at once,
// written later in order, failures evict the key, the destructor flushes.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "azora/connection.hpp"
#include "azora/write_behind.hpp"
#include "redis_test_util.hpp"

namespace {

using namespace std::chrono_literals;
using azora::RedisCache;
using azora::WriteBehind;
using azora::test::cache_options;

class WriteBehindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db.exec("SET client_min_messages = warning");
    db.exec("DROP TABLE IF EXISTS wb_wallet");
    db.exec("CREATE TABLE wb_wallet (user_id int PRIMARY KEY, balance int NOT NULL)");
  }
  azora::Connection db{azora::test::pg_conninfo()};
};

TEST_F(WriteBehindTest, CachesNowWritesTheDatabaseInOrder) {
  RedisCache cache(cache_options());
  azora::Connection writer(azora::test::pg_conninfo());  // used only by the worker thread
  {
    WriteBehind wb(cache);
    for (int i = 1; i <= 50; i++) {
      const std::string balance = std::to_string(i * 10);
      wb.submit("wallet:1", balance, 60s, [&writer, balance] {
        writer.exec_params(
            "INSERT INTO wb_wallet VALUES (1, $1::int) "
            "ON CONFLICT (user_id) DO UPDATE SET balance = EXCLUDED.balance",
            {balance});
      });
      // Readers see the new value before the database has it.
      EXPECT_EQ(cache.get("wallet:1"), balance);
    }
    wb.flush();
    const auto s = wb.stats();
    EXPECT_EQ(s.submitted, 50u);
    EXPECT_EQ(s.written, 50u);
    EXPECT_EQ(s.failed, 0u);
    EXPECT_EQ(s.pending, 0u);
  }
  // In submission order: the last write wins.
  EXPECT_EQ(db.exec("SELECT balance FROM wb_wallet WHERE user_id = 1").value(0, 0), "500");
}

TEST_F(WriteBehindTest, AFailedWriteEvictsTheKeyAndIsReported) {
  RedisCache cache(cache_options());
  azora::Connection writer(azora::test::pg_conninfo());
  std::vector<std::string> failed_keys;
  std::string sqlstate;
  azora::WriteBehindOptions opts;
  opts.on_error = [&](const std::string& key, std::exception_ptr e) {
    failed_keys.push_back(key);
    try {
      std::rethrow_exception(e);
    } catch (const azora::SqlError& err) {
      sqlstate = err.sqlstate();
    }
  };
  WriteBehind wb(cache, opts);
  // balance NOT NULL: the database refuses this write.
  wb.submit("wallet:2", "null-balance", 60s,
            [&] { writer.exec("INSERT INTO wb_wallet VALUES (2, NULL)"); });
  wb.flush();
  EXPECT_EQ(wb.stats().failed, 1u);
  EXPECT_EQ(failed_keys, std::vector<std::string>{"wallet:2"});
  EXPECT_EQ(sqlstate, "23502");                    // not_null_violation, kept through the queue
  EXPECT_EQ(cache.get("wallet:2"), std::nullopt);  // readers fall back to the database
  // The worker carries on after a failure.
  wb.submit("wallet:3", "7", 60s, [&] { writer.exec("INSERT INTO wb_wallet VALUES (3, 7)"); });
  wb.flush();
  EXPECT_EQ(wb.stats().written, 1u);
  EXPECT_EQ(cache.get("wallet:3"), "7");
}

TEST_F(WriteBehindTest, DestructorFlushesAndBackpressureBoundsTheQueue) {
  RedisCache cache(cache_options());
  std::atomic<int> done{0};
  std::atomic<std::size_t> max_pending{0};
  {
    azora::WriteBehindOptions opts;
    opts.max_queue = 4;
    WriteBehind wb(cache, opts);
    for (int i = 0; i < 100; i++) {
      wb.submit("k" + std::to_string(i), "v", 60s, [&] { done++; });
      const std::size_t p = wb.stats().pending;
      if (p > max_pending) max_pending = p;
    }
  }  // no flush(): the destructor must run all 100
  EXPECT_EQ(done.load(), 100);
  EXPECT_LE(max_pending.load(), 5u);  // max_queue queued + 1 running
}

TEST_F(WriteBehindTest, RefusesBadArguments) {
  RedisCache cache(cache_options());
  WriteBehind wb(cache);
  EXPECT_THROW(wb.submit("k", "v", 0s, [] {}), azora::UsageError);
  EXPECT_THROW(wb.submit("k", "v", 1s, nullptr), azora::UsageError);
  azora::WriteBehindOptions bad;
  bad.max_queue = 0;
  EXPECT_THROW(WriteBehind(cache, bad), azora::UsageError);
}

TEST_F(WriteBehindTest, DatabaseWritesStillHappenWhenRedisIsDown) {
  auto opts = cache_options();
  opts.port = 1;  // nothing listens there: every cache call fails open
  RedisCache cache(opts);
  azora::Connection writer(azora::test::pg_conninfo());
  {
    WriteBehind wb(cache);
    wb.submit("wallet:4", "40", 60s, [&] { writer.exec("INSERT INTO wb_wallet VALUES (4, 40)"); });
  }
  EXPECT_EQ(db.exec("SELECT balance FROM wb_wallet WHERE user_id = 4").value(0, 0), "40");
  EXPECT_GE(cache.stats().errors, 1u);
}

}  // namespace

namespace {

// Concurrent submits for one key: the value left in the cache must be the one the database got
// last. Each round starts several submitters at once; caching outside the queue's lock lets a
// submit cache first and queue second (or the reverse) and leaves the cache disagreeing with the
// database for the whole TTL.
TEST_F(WriteBehindTest, ConcurrentSubmitsKeepCacheAndDatabaseInTheSameOrder) {
  RedisCache cache(cache_options());
  azora::Connection writer(azora::test::pg_conninfo());  // used only by the worker thread
  WriteBehind wb(cache);
  constexpr int kRounds = 150;
  constexpr int kThreads = 4;
  int disagreements = 0;
  for (int round = 0; round < kRounds; round++) {
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++) {
      threads.emplace_back([&, t] {
        const std::string balance = std::to_string(round * 100 + t);
        ready++;
        while (ready.load() < kThreads) {
        }
        wb.submit("wallet:9", balance, 60s, [&writer, balance] {
          writer.exec_params(
              "INSERT INTO wb_wallet VALUES (9, $1::int) "
              "ON CONFLICT (user_id) DO UPDATE SET balance = EXCLUDED.balance",
              {balance});
        });
      });
    }
    for (auto& th : threads) th.join();
    wb.flush();
    const std::string in_db(db.exec("SELECT balance FROM wb_wallet WHERE user_id = 9").value(0, 0));
    if (cache.get("wallet:9") != in_db) disagreements++;
  }
  EXPECT_EQ(disagreements, 0) << "of " << kRounds << " rounds";
  EXPECT_EQ(wb.stats().failed, 0u);
}

}  // namespace
