// commands.cpp — what each azora-opt command sends and prints. Values always travel as
// parameters; the server validates them (e.g. top's order-by) and its error reaches the user.
#include "commands.hpp"

#include <chrono>
#include <cstdio>

#include "azora/version.hpp"
#include "table.hpp"

namespace azora::cli {

namespace {

int version(Connection& conn, const std::vector<std::string>&) {
  Result r = conn.exec("SELECT azora_opt.version()");
  std::printf("azora-opt client %s\nazora_opt extension %s (server %d)\n", kClientVersion,
              std::string(r.value(0, 0)).c_str(), conn.server_version());
  return 0;
}

int ping(Connection& conn, const std::vector<std::string>&) {
  auto start = std::chrono::steady_clock::now();
  Result r = conn.exec_params("SELECT $1::text", {std::string("pong")});
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  std::printf("%s from backend %d in %lld us\n", std::string(r.value(0, 0)).c_str(),
              conn.backend_pid(), static_cast<long long>(us));
  return 0;
}

// top [N] [ORDER_BY]: the heaviest queries, by total_time unless told otherwise.
int top(Connection& conn, const std::vector<std::string>& args) {
  std::string n = args.size() > 0 ? args[0] : "10";
  std::string order = args.size() > 1 ? args[1] : "total_time";
  print_table(
      conn.exec_params("SELECT queryid, calls, round(total_exec_time::numeric, 2) AS total_ms, "
                       "round(mean_exec_time::numeric, 3) AS mean_ms, "
                       "round(p95_exec_time::numeric, 3) AS p95_ms, "
                       "round(p99_exec_time::numeric, 3) AS p99_ms, slow_calls, query "
                       "FROM azora_opt.top_queries($1::int, $2::text)",
                       {n, order}),
      stdout);
  return 0;
}

// plan QUERYID: the slowest call's source text and plan, for each role/database that ran it.
int plan(Connection& conn, const std::vector<std::string>& args) {
  if (args.empty()) throw UsageError("plan needs a queryid (see: azora-opt top)");
  Result r = conn.exec_params(
      "SELECT round(exec_time::numeric, 3) AS exec_ms, captured_at, source_text, plan "
      "FROM azora_opt.query_plan($1::bigint)",
      {args[0]});
  if (r.rows() == 0) {
    std::printf("no plan recorded for queryid %s\n", args[0].c_str());
    return 1;
  }
  for (int row = 0; row < r.rows(); row++) {
    std::printf("slowest call: %s ms at %s\n%s\n\n%s\n", std::string(r.value(row, 0)).c_str(),
                std::string(r.value(row, 1)).c_str(), std::string(r.value(row, 2)).c_str(),
                std::string(r.value(row, 3)).c_str());
  }
  return 0;
}

int metrics(Connection& conn, const std::vector<std::string>&) {
  Result r = conn.exec("SELECT azora_opt.metrics()");
  std::fputs(std::string(r.value(0, 0)).c_str(), stdout);
  return 0;
}

int info(Connection& conn, const std::vector<std::string>&) {
  print_table(conn.exec("SELECT * FROM azora_opt.info()"), stdout);
  return 0;
}

int reset(Connection& conn, const std::vector<std::string>&) {
  conn.exec("SELECT azora_opt.reset(NULL, NULL, NULL)");
  std::printf("query statistics reset\n");
  return 0;
}

// cache stats | entries | invalidate PATTERN | flush: the server-side result cache
// (docs/extension/cache.md). invalidate takes a glob (a plain key is a glob matching itself).
int cache(Connection& conn, const std::vector<std::string>& args) {
  std::string sub = args.empty() ? "" : args[0];
  if (sub == "stats") {
    print_table(conn.exec("SELECT hits, misses, round(hit_rate::numeric, 3) AS hit_rate, entries, "
                          "bytes_used, bytes_cap, evictions, expirations, "
                          "invalidations_explicit + invalidations_pattern AS invalidated, "
                          "invalidations_write + invalidations_ddl AS invalidated_by_writes, "
                          "bypassed, not_stored, fill_waits FROM azora_opt.cache_stats()"),
                stdout);
    return 0;
  }
  if (sub == "entries") {
    print_table(conn.exec("SELECT key, bytes, date_trunc('second', age) AS age, "
                          "date_trunc('second', ttl_left) AS ttl_left, hits, source_relations "
                          "FROM azora_opt.cache_entries() ORDER BY key"),
                stdout);
    return 0;
  }
  if (sub == "invalidate") {
    if (args.size() < 2) throw UsageError("cache invalidate needs a key pattern, e.g. 'courses:*'");
    Result r = conn.exec_params("SELECT azora_opt.cache_invalidate_pattern($1::text)", {args[1]});
    std::printf("%s entries invalidated\n", std::string(r.value(0, 0)).c_str());
    return 0;
  }
  if (sub == "flush") {
    Result r = conn.exec("SELECT azora_opt.cache_flush()");
    std::printf("%s entries flushed\n", std::string(r.value(0, 0)).c_str());
    return 0;
  }
  throw UsageError("cache needs one of: stats, entries, invalidate PATTERN, flush");
}

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"version", "", "client version, and the server's azora_opt version", version},
      {"ping", "", "connect, run a round trip, print the latency", ping},
      {"top", "[N] [ORDER_BY]",
       "the N heaviest queries (10); ORDER_BY: total_time mean_time p95 p99 calls slow_calls", top},
      {"plan", "QUERYID", "the plan and text of that query's slowest call", plan},
      {"metrics", "", "Prometheus exposition text of the query statistics", metrics},
      {"info", "", "tracker state: entries, deallocations, last reset", info},
      {"reset", "", "forget all query statistics (needs the right to call azora_opt.reset)", reset},
      {"cache", "stats|entries|invalidate PATTERN|flush",
       "the server-side result cache: counters, this database's entries, invalidate keys "
       "matching a glob (* ? \\), empty it (flush needs the right to call azora_opt.cache_flush)",
       cache},
  };
  return all;
}

}  // namespace azora::cli
