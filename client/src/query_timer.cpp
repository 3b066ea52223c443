// query_timer.cpp — query timing into metrics and the slow-query sink (see query_timer.hpp).
#include "azora/query_timer.hpp"

#include <cstdio>
#include <functional>

#include "append_only_map.hpp"
#include "azora/detail/sql_classify.hpp"

namespace azora {

namespace {

constexpr const char* kDurationHelp = "Time of database queries, by operation and table.";
constexpr const char* kSlowHelp = "Database queries slower than the slow threshold.";
constexpr const char* kErrorsHelp = "Database queries that failed, by SQLSTATE.";

std::size_t hash_of(std::string_view s) noexcept {
  return std::hash<std::string_view>{}(s);
}

std::size_t hash_of(std::string_view operation, std::string_view table) noexcept {
  const std::size_t h = hash_of(operation);
  return h ^ (hash_of(table) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

}  // namespace

// The metric handles of one (operation, table), looked up in the registry once.
struct QueryTimer::Series {
  std::string operation;
  std::string table;
  metrics::Histogram* duration;
  metrics::Counter* slow;
};

struct QueryTimer::Cache {
  detail::AppendOnlyMap<Series> series{kMaxCachedSeries};
  struct Memo {
    std::string sql;
    const Series* series;
  };
  detail::AppendOnlyMap<Memo> by_sql{kMaxMemoizedSql};  // the observer's classify_sql results
};

QueryTimer::QueryTimer(QueryTimerOptions options)
    : opts_(std::move(options)), cache_(std::make_shared<Cache>()) {
  if (opts_.registry == nullptr) throw UsageError("QueryTimer needs a metrics registry");
}

QueryTimer::~QueryTimer() = default;

Result QueryTimer::exec(Connection& conn, std::string_view operation, std::string_view table,
                        const std::string& sql, const std::vector<Param>& params) {
  ObserverPause pause(conn);
  return time(operation, table, sql,
              [&] { return params.empty() ? conn.exec(sql) : conn.exec_params(sql, params); });
}

const QueryTimer::Series* QueryTimer::series(std::string_view operation,
                                             std::string_view table) const {
  const std::size_t h = hash_of(operation, table);
  const auto same = [&](const Series& s) { return s.operation == operation && s.table == table; };
  if (const Series* s = cache_->series.find(h, same)) return s;  // the hot path: no lock
  return cache_->series.insert(h, same, [&] {
    const metrics::Labels labels{{"operation", std::string(operation)},
                                 {"table", std::string(table)}};
    metrics::Registry& r = *opts_.registry;
    return Series{std::string(operation), std::string(table),
                  &r.histogram(metrics::names::kQueryDuration, kDurationHelp,
                               metrics::Histogram::latency_buckets(), labels),
                  &r.counter(metrics::names::kSlowQueries, kSlowHelp, labels)};
  });
}

QueryObserver QueryTimer::observer() {
  return [this](const std::string& sql, std::chrono::nanoseconds duration,
                const std::string* sqlstate) {
    const std::size_t h = hash_of(sql);
    const auto same = [&](const Cache::Memo& m) { return m.sql == sql; };
    const Cache::Memo* memo = cache_->by_sql.find(h, same);
    if (memo == nullptr) {
      const SqlShape shape = classify_sql(sql);
      const Series* s = series(shape.operation, shape.table);
      if (s != nullptr) memo = cache_->by_sql.insert(h, same, [&] { return Cache::Memo{sql, s}; });
      if (memo == nullptr) {
        record(shape.operation, shape.table, sql, duration, sqlstate);
        return;
      }
    }
    record(*memo->series, sql, duration, sqlstate);
  };
}

void QueryTimer::record(std::string_view operation, std::string_view table, std::string_view sql,
                        std::chrono::nanoseconds duration, const std::string* sqlstate) {
  if (const Series* s = series(operation, table))
    record(*s, sql, duration, sqlstate);
  else
    record_uncached(operation, table, sql, duration, sqlstate);
}

void QueryTimer::record(const Series& s, std::string_view sql, std::chrono::nanoseconds duration,
                        const std::string* sqlstate) {
  s.duration->observe(std::chrono::duration<double>(duration).count());
  if (sqlstate != nullptr) {  // rare: the error counter is looked up by its sqlstate label
    opts_.registry
        ->counter(metrics::names::kQueryErrors, kErrorsHelp,
                  {{"operation", s.operation}, {"table", s.table}, {"sqlstate", *sqlstate}})
        .inc();
  }
  if (duration < opts_.slow_threshold) return;
  s.slow->inc();
  report_slow(s.operation, s.table, sql, duration);
}

void QueryTimer::record_uncached(std::string_view operation, std::string_view table,
                                 std::string_view sql, std::chrono::nanoseconds duration,
                                 const std::string* sqlstate) {
  metrics::Labels labels{{"operation", std::string(operation)}, {"table", std::string(table)}};
  opts_.registry
      ->histogram(metrics::names::kQueryDuration, kDurationHelp,
                  metrics::Histogram::latency_buckets(), labels)
      .observe(std::chrono::duration<double>(duration).count());
  if (sqlstate != nullptr) {
    metrics::Labels with_state = labels;
    with_state["sqlstate"] = *sqlstate;
    opts_.registry->counter(metrics::names::kQueryErrors, kErrorsHelp, with_state).inc();
  }
  if (duration < opts_.slow_threshold) return;
  opts_.registry->counter(metrics::names::kSlowQueries, kSlowHelp, labels).inc();
  report_slow(operation, table, sql, duration);
}

void QueryTimer::report_slow(std::string_view operation, std::string_view table,
                             std::string_view sql, std::chrono::nanoseconds duration) {
  SlowQuery slow{std::string(operation), std::string(table), std::string(sql), duration};
  if (opts_.on_slow) {
    opts_.on_slow(slow);
    return;
  }
  // One fprintf per line: stdio locks the stream, so lines from threads do not interleave.
  std::fprintf(stderr, "azora: slow query (%.1f ms >= %lld ms) operation=%s table=%s: %.*s\n",
               std::chrono::duration<double, std::milli>(duration).count(),
               static_cast<long long>(opts_.slow_threshold.count()), slow.operation.c_str(),
               slow.table.c_str(), static_cast<int>(sql.size()), sql.data());
}

}  // namespace azora
