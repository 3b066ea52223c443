// query_timer.hpp — QueryTimer: times queries into metrics by (operation, table) and reports
// the slow ones.
//
// Every timed query lands in azora_db_query_duration_seconds{operation,table}; one slower than
// the threshold also counts in azora_db_slow_queries_total and goes to the slow-query sink
// (stderr by default); a failed one counts in azora_db_query_errors_total{...,sqlstate}.
// Thread-safe: one QueryTimer may serve every thread (the sink must be thread-safe too).
//
// Recording is on every query's path, so it takes no lock and allocates nothing once a series
// is known: the timer caches each (operation, table)'s metric handles, and its observer
// memoizes each SQL text's classification (lock-free lookups, see append_only_map.hpp). Up to
// kMaxCachedSeries series and kMaxMemoizedSql texts are cached; past that a query takes the
// registry's lock (and the observer classifies the text again), correct but slower.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "azora/connection.hpp"
#include "azora/metrics.hpp"

namespace azora {

struct SlowQuery {
  std::string operation;
  std::string table;
  std::string sql;
  std::chrono::nanoseconds duration;
};

struct QueryTimerOptions {
  metrics::Registry* registry = &metrics::Registry::global();
  std::chrono::milliseconds slow_threshold = std::chrono::milliseconds(200);
  // Called for each slow query; empty = one line on stderr.
  std::function<void(const SlowQuery&)> on_slow;
};

// Suspends a connection's observer while it lives, so a query that is timed explicitly (with
// its own operation and table labels) is not also counted by the observer.
class ObserverPause {
 public:
  explicit ObserverPause(Connection& conn) : conn_(conn), saved_(conn.set_query_observer({})) {}
  ~ObserverPause() { conn_.set_query_observer(std::move(saved_)); }
  ObserverPause(const ObserverPause&) = delete;
  ObserverPause& operator=(const ObserverPause&) = delete;

 private:
  Connection& conn_;
  QueryObserver saved_;
};

class QueryTimer {
 public:
  static constexpr std::size_t kMaxCachedSeries = 1024;  // (operation, table) pairs
  static constexpr std::size_t kMaxMemoizedSql = 4096;   // distinct SQL texts (observer)

  QueryTimer() : QueryTimer(QueryTimerOptions{}) {}
  explicit QueryTimer(QueryTimerOptions options);
  // A copy records into the same registry and shares the handle cache.
  QueryTimer(const QueryTimer&) = default;
  QueryTimer& operator=(const QueryTimer&) = default;
  ~QueryTimer();

  // Runs one statement on conn and records it; errors are recorded and rethrown unchanged.
  // conn's own observer, if any, is paused meanwhile (no double count).
  Result exec(Connection& conn, std::string_view operation, std::string_view table,
              const std::string& sql, const std::vector<Param>& params = {});

  // Times any callable (e.g. a pqxx exec, a pipeline) under (operation, table).
  template <class F>
  auto time(std::string_view operation, std::string_view table, std::string_view sql, F&& f)
      -> decltype(f()) {
    const auto start = std::chrono::steady_clock::now();
    try {
      if constexpr (std::is_void_v<decltype(f())>) {
        f();
        record(operation, table, sql, std::chrono::steady_clock::now() - start, nullptr);
      } else {
        auto result = f();
        record(operation, table, sql, std::chrono::steady_clock::now() - start, nullptr);
        return result;
      }
    } catch (const SqlError& e) {
      const std::string state = e.sqlstate();
      record(operation, table, sql, std::chrono::steady_clock::now() - start, &state);
      throw;
    } catch (...) {
      const std::string state = "unknown";
      record(operation, table, sql, std::chrono::steady_clock::now() - start, &state);
      throw;
    }
  }

  // An observer for Connection::set_query_observer (PoolOptions::timer installs it): records
  // each statement under the operation and table read from its text (classify_sql).
  QueryObserver observer();

  // Records one measured query; sqlstate is null for a success.
  void record(std::string_view operation, std::string_view table, std::string_view sql,
              std::chrono::nanoseconds duration, const std::string* sqlstate);

  const QueryTimerOptions& options() const noexcept { return opts_; }

 private:
  struct Series;
  struct Cache;
  // The cached handles of (operation, table), or nullptr when the cache is full.
  const Series* series(std::string_view operation, std::string_view table) const;
  void record(const Series& s, std::string_view sql, std::chrono::nanoseconds duration,
              const std::string* sqlstate);
  void record_uncached(std::string_view operation, std::string_view table, std::string_view sql,
                       std::chrono::nanoseconds duration, const std::string* sqlstate);
  void report_slow(std::string_view operation, std::string_view table, std::string_view sql,
                   std::chrono::nanoseconds duration);

  QueryTimerOptions opts_;
  std::shared_ptr<Cache> cache_;
};

}  // namespace azora
