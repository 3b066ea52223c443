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
      {"advise", "[--budget SIZE] [--apply] [--format text|json]",
       "index advice for the tracked workload; --apply builds it (CONCURRENTLY, one at a time)",
       advise},
      {"indexes", "--unused|--redundant [--format text|json]",
       "indexes never scanned, or made unnecessary by another index, with DROP DDL", indexes},
  };
  return all;
}

}  // namespace azora::cli
