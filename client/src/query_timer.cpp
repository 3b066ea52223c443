// query_timer.cpp — query timing into metrics and the slow-query sink (see query_timer.hpp).
#include "azora/query_timer.hpp"

#include <cstdio>

#include "azora/sql_classify.hpp"

namespace azora {

QueryTimer::QueryTimer(QueryTimerOptions options) : opts_(std::move(options)) {
  if (opts_.registry == nullptr) throw UsageError("QueryTimer needs a metrics registry");
}

Result QueryTimer::exec(Connection& conn, std::string_view operation, std::string_view table,
                        const std::string& sql, const std::vector<Param>& params) {
  ObserverPause pause(conn);
  return time(operation, table, sql,
              [&] { return params.empty() ? conn.exec(sql) : conn.exec_params(sql, params); });
}

QueryObserver QueryTimer::observer() {
  return [this](const std::string& sql, std::chrono::nanoseconds duration,
                const std::string* sqlstate) {
    SqlShape shape = classify_sql(sql);
    record(shape.operation, shape.table, sql, duration, sqlstate);
  };
}

void QueryTimer::record(std::string_view operation, std::string_view table, std::string_view sql,
                        std::chrono::nanoseconds duration, const std::string* sqlstate) {
  metrics::Labels labels{{"operation", std::string(operation)}, {"table", std::string(table)}};
  const double seconds = std::chrono::duration<double>(duration).count();
  opts_.registry
      ->histogram(metrics::names::kQueryDuration,
                  "Time of database queries, by operation and table.",
                  metrics::Histogram::latency_buckets(), labels)
      .observe(seconds);
  if (sqlstate != nullptr) {
    metrics::Labels with_state = labels;
    with_state["sqlstate"] = *sqlstate;
    opts_.registry
        ->counter(metrics::names::kQueryErrors, "Database queries that failed, by SQLSTATE.",
                  with_state)
        .inc();
  }
  if (duration < opts_.slow_threshold) return;
  opts_.registry
      ->counter(metrics::names::kSlowQueries, "Database queries slower than the slow threshold.",
                labels)
      .inc();
  SlowQuery slow{std::string(operation), std::string(table), std::string(sql), duration};
  if (opts_.on_slow) {
    opts_.on_slow(slow);
  } else {
    // One fprintf per line: stdio locks the stream, so lines from threads do not interleave.
    std::fprintf(stderr, "azora: slow query (%.1f ms >= %lld ms) operation=%s table=%s: %.*s\n",
                 seconds * 1000.0, static_cast<long long>(opts_.slow_threshold.count()),
                 slow.operation.c_str(), slow.table.c_str(), static_cast<int>(sql.size()),
                 sql.data());
  }
}

}  // namespace azora
