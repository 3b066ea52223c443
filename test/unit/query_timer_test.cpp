// query_timer_test.cpp — every timed query lands in the metrics; slow ones reach the sink.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "azora/query_timer.hpp"
#include "test_env.hpp"

namespace {

using azora::metrics::Histogram;
using azora::metrics::Registry;
namespace names = azora::metrics::names;

TEST(QueryTimer, RecordsDurationByOperationAndTable) {
  Registry reg;
  azora::QueryTimerOptions o;
  o.registry = &reg;
  o.slow_threshold = std::chrono::hours(1);
  int slow_calls = 0;
  o.on_slow = [&](const azora::SlowQuery&) { slow_calls++; };
  azora::QueryTimer timer(o);
  azora::Connection conn(azora::test::pg_conninfo());
  azora::Result r = timer.exec(conn, "select", "pg_class",
                               "SELECT count(*) FROM pg_class WHERE relkind = $1", {"r"});
  EXPECT_EQ(r.rows(), 1);
  timer.exec(conn, "select", "pg_class", "SELECT 1");
  Histogram& h = reg.histogram(names::kQueryDuration, "", Histogram::latency_buckets(),
                               {{"operation", "select"}, {"table", "pg_class"}});
  EXPECT_EQ(h.count(), 2u);
  EXPECT_GT(h.sum(), 0.0);
  EXPECT_EQ(slow_calls, 0);
  const std::string text = reg.expose();
  EXPECT_NE(text.find("azora_db_query_duration_seconds_count{operation=\"select\","
                      "table=\"pg_class\"} 2"),
            std::string::npos)
      << text;
}

TEST(QueryTimer, SlowQueriesAreCountedAndReported) {
  Registry reg;
  azora::QueryTimerOptions o;
  o.registry = &reg;
  o.slow_threshold = std::chrono::milliseconds(20);
  std::vector<azora::SlowQuery> slow;
  o.on_slow = [&](const azora::SlowQuery& q) { slow.push_back(q); };
  azora::QueryTimer timer(o);
  azora::Connection conn(azora::test::pg_conninfo());
  timer.exec(conn, "select", "sleep", "SELECT pg_sleep(0.05)");  // sleeps at least 50 ms
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_EQ(slow[0].operation, "select");
  EXPECT_EQ(slow[0].table, "sleep");
  EXPECT_EQ(slow[0].sql, "SELECT pg_sleep(0.05)");
  EXPECT_EQ(
      reg.counter(names::kSlowQueries, "", {{"operation", "select"}, {"table", "sleep"}}).value(),
      1);
}

TEST(QueryTimer, DefaultSinkWritesOneLineToStderr) {
  Registry reg;
  azora::QueryTimerOptions o;
  o.registry = &reg;
  o.slow_threshold = std::chrono::milliseconds(0);  // everything is slow
  azora::QueryTimer timer(o);
  azora::Connection conn(azora::test::pg_conninfo());
  testing::internal::CaptureStderr();
  timer.exec(conn, "select", "t", "SELECT 'logged'");
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("azora: slow query ("), std::string::npos) << err;
  EXPECT_NE(err.find("operation=select table=t: SELECT 'logged'\n"), std::string::npos) << err;
}

TEST(QueryTimer, FailuresAreCountedBySqlstateAndRethrown) {
  Registry reg;
  azora::QueryTimerOptions o;
  o.registry = &reg;
  azora::QueryTimer timer(o);
  azora::Connection conn(azora::test::pg_conninfo());
  try {
    timer.exec(conn, "select", "missing", "SELECT * FROM missing_table_qt");
    FAIL();
  } catch (const azora::SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "42P01");
  }
  EXPECT_EQ(reg.counter(names::kQueryErrors, "",
                        {{"operation", "select"}, {"table", "missing"}, {"sqlstate", "42P01"}})
                .value(),
            1);
  EXPECT_EQ(reg.histogram(names::kQueryDuration, "", Histogram::latency_buckets(),
                          {{"operation", "select"}, {"table", "missing"}})
                .count(),
            1u);
}

TEST(QueryTimer, TimesAnyCallableAndIsSharedByThreads) {
  Registry reg;
  azora::QueryTimerOptions o;
  o.registry = &reg;
  azora::QueryTimer timer(o);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++)
    threads.emplace_back([&] {
      azora::Connection conn(azora::test::pg_conninfo());
      for (int i = 0; i < 25; i++)
        EXPECT_EQ(timer.time("update", "t", "custom", [&] { return conn.exec("SELECT 1").rows(); }),
                  1);
    });
  for (auto& t : threads) t.join();
  timer.time("delete", "t", "void", [] {});
  EXPECT_EQ(reg.histogram(names::kQueryDuration, "", Histogram::latency_buckets(),
                          {{"operation", "update"}, {"table", "t"}})
                .count(),
            100u);
  EXPECT_THROW(azora::QueryTimer(azora::QueryTimerOptions{nullptr, {}, {}}), azora::UsageError);
}

}  // namespace
