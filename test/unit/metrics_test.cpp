// metrics_test.cpp — the Prometheus registry: series, types, exposition text, threads.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "azora/error.hpp"
#include "azora/metrics.hpp"
#include "azora/query_timer.hpp"
#include "azora/response_encoding.hpp"

namespace {

using azora::metrics::Histogram;
using azora::metrics::Registry;

TEST(Metrics, CounterAndGaugeExposeWithHelpTypeAndLabels) {
  Registry r;
  r.counter("azora_cache_hits_total", "Cache hits.", {{"cache", "users"}}).inc();
  r.counter("azora_cache_hits_total", "ignored: first help wins", {{"cache", "users"}}).inc(2);
  r.gauge("azora_pool_connections", "Connections.", {{"state", "idle"}}).set(3);
  const std::string text = r.expose();
  EXPECT_NE(text.find("# HELP azora_cache_hits_total Cache hits.\n"
                      "# TYPE azora_cache_hits_total counter\n"
                      "azora_cache_hits_total{cache=\"users\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE azora_pool_connections gauge\n"
                      "azora_pool_connections{state=\"idle\"} 3\n"),
            std::string::npos)
      << text;
  // Families are sorted by name.
  EXPECT_LT(text.find("azora_cache_hits_total"), text.find("azora_pool_connections"));
}

TEST(Metrics, HistogramHasCumulativeBucketsSumAndCount) {
  Registry r;
  Histogram& h = r.histogram("azora_db_query_duration_seconds", "Query time.", {0.1, 1},
                             {{"operation", "select"}, {"table", "users"}});
  h.observe(0.05);
  h.observe(0.1);  // a bound is inclusive (le)
  h.observe(0.5);
  h.observe(7);
  const std::string text = r.expose();
  const char* expected =
      "# TYPE azora_db_query_duration_seconds histogram\n"
      "azora_db_query_duration_seconds_bucket{operation=\"select\",table=\"users\",le=\"0.1\"} 2\n"
      "azora_db_query_duration_seconds_bucket{operation=\"select\",table=\"users\",le=\"1\"} 3\n"
      "azora_db_query_duration_seconds_bucket{operation=\"select\",table=\"users\",le=\"+Inf\"} 4\n"
      "azora_db_query_duration_seconds_sum{operation=\"select\",table=\"users\"} 7.65\n"
      "azora_db_query_duration_seconds_count{operation=\"select\",table=\"users\"} 4\n";
  EXPECT_NE(text.find(expected), std::string::npos) << text;
  EXPECT_EQ(h.count(), 4u);
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  Registry r;
  r.counter("x_total", "line1\nback\\slash", {{"v", "a\"b\\c\nd"}}).inc();
  const std::string text = r.expose();
  EXPECT_NE(text.find("# HELP x_total line1\\nback\\\\slash\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
}

TEST(Metrics, MisuseIsAUsageError) {
  Registry r;
  r.counter("dup", "a counter");
  EXPECT_THROW(r.gauge("dup", "now a gauge"), azora::UsageError);
  EXPECT_THROW(r.counter("bad name", "x"), azora::UsageError);
  EXPECT_THROW(r.counter("9starts_with_digit", "x"), azora::UsageError);
  EXPECT_THROW(r.counter("ok", "x", {{"bad-label", "v"}}), azora::UsageError);
  EXPECT_THROW(r.counter("ok", "x", {{"le", "v"}}), azora::UsageError);
  EXPECT_THROW(r.counter("dup", "x").inc(-1), azora::UsageError);
  EXPECT_THROW(r.histogram("h", "x", {1, 1}), azora::UsageError);
  r.histogram("h2", "x", {1, 2});
  EXPECT_THROW(r.histogram("h2", "x", {1, 3}), azora::UsageError);
  EXPECT_THROW(Histogram::exponential(0, 2, 3), azora::UsageError);
  EXPECT_EQ(Histogram::exponential(64, 4, 3), (std::vector<double>{64, 256, 1024}));
}

TEST(Metrics, CallbackGaugeIsReadAtExpositionAndGoesAwayWithItsSubscription) {
  Registry r;
  double v = 5;
  {
    auto sub =
        r.gauge_callback("azora_pool_waiting", "Waiting.", {{"pool", "p"}}, [&v] { return v; });
    v = 6;
    EXPECT_NE(r.expose().find("azora_pool_waiting{pool=\"p\"} 6\n"), std::string::npos);
    auto moved = std::move(sub);
    v = 7;
    EXPECT_NE(r.expose().find("azora_pool_waiting{pool=\"p\"} 7\n"), std::string::npos);
  }
  EXPECT_EQ(r.expose().find("azora_pool_waiting"), std::string::npos);
}

TEST(Metrics, ConcurrentUpdatesAreNotLost) {
  Registry r;
  auto& c = r.counter("c_total", "c");
  auto& h = r.histogram("h_seconds", "h", {0.5});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++)
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; i++) {
        c.inc();
        h.observe(i % 2 ? 0.25 : 1.0);
        r.counter("c_total", "c");  // concurrent get-or-create returns the same series
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 80000);
  EXPECT_EQ(h.count(), 80000u);
  EXPECT_EQ(h.cumulative_counts()[0], 40000u);
  EXPECT_DOUBLE_EQ(h.sum(), 40000 * 1.25);
}

// The library's default destination: a QueryTimer and encode_response given no registry
// record into Registry::global(), visible in its exposition (not just the same address twice).
TEST(Metrics, LibraryRecordsIntoTheGlobalRegistryByDefault) {
  const std::string table = "global_default_" + std::to_string(::getpid());
  const std::string series =
      "azora_db_query_duration_seconds_count{operation=\"select\",table=\"" + table + "\"} ";
  EXPECT_EQ(Registry::global().expose().find(series), std::string::npos);
  azora::QueryTimer timer;  // default options
  timer.record("select", table, "SELECT 1", std::chrono::milliseconds(1), nullptr);
  timer.record("select", table, "SELECT 1", std::chrono::milliseconds(1), nullptr);
  EXPECT_NE(Registry::global().expose().find(series + "2\n"), std::string::npos);

  const auto sent = [] {
    const std::string text = Registry::global().expose();
    const std::string key = "azora_response_size_bytes_count{encoding=\"identity\"} ";
    const auto at = text.find(key);
    return at == std::string::npos ? 0 : std::stoll(text.substr(at + key.size()));
  };
  const long long before = sent();
  azora::encode_response("{}", "application/json", "identity");  // default registry
  EXPECT_EQ(sent(), before + 1);
}

}  // namespace
