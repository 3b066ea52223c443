// advise.cpp — `azora-opt advise [--budget SIZE] [--apply]`: the index advisor's
// recommendations for the tracked workload (azora_opt.advise_indexes), and with --apply their
// creation, one CREATE INDEX CONCURRENTLY at a time (it cannot run in a transaction block, and
// one at a time keeps the load on a production server bounded), each with a progress line and
// its measured build time, then the affected tracked queries re-planned to show what changed.
// With --verify, advise_verify.cpp builds them instead and keeps only those that paid.
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "advise_verify.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "table.hpp"

namespace azora::cli {

namespace {

// The planner's total cost of a tracked query's slowest call, re-planned now; empty when the
// text is not available or has parameters without values ($1), which EXPLAIN cannot plan.
std::optional<double> replan_cost(Connection& conn, const std::string& queryid) {
  Result src = conn.exec_params(
      "SELECT source_text FROM azora_opt.query_plan($1::bigint) "
      "WHERE source_text <> '<insufficient privilege>' LIMIT 1",
      {queryid});
  if (src.rows() == 0) return std::nullopt;
  std::string text(src.value(0, 0));
  if (text.find('$') != std::string::npos) return std::nullopt;
  try {
    Result plan = conn.exec("EXPLAIN (FORMAT JSON) " + text);
    nlohmann::json doc = nlohmann::json::parse(std::string(plan.value(0, 0)));
    return doc.at(0).at("Plan").at("Total Cost").get<double>();
  } catch (const std::exception&) {
    return std::nullopt;  // the query no longer plans (a dropped table): nothing to compare
  }
}

}  // namespace

int advise(Context& ctx) {
  std::optional<std::string> budget = ctx.args().option("--budget");
  std::string min_improvement = ctx.args().option("--min-improvement").value_or("0.10");
  bool apply = ctx.args().flag("--apply");
  bool verify = ctx.args().flag("--verify");
  if (verify && !apply)
    throw UsageError("--verify needs --apply (it verifies the indexes it applies)");
  VerifyOptions verify_opts;
  if (verify) verify_opts = verify_options(ctx.args());
  ctx.args().positional();
  Param budget_bytes;
  if (budget) budget_bytes = std::to_string(parse_size(*budget));
  parse_number(min_improvement, "--min-improvement");
  Connection& conn = ctx.primary();
  Result advice = exec_input(
      conn,
      "SELECT ddl, relation::text AS relation, columns, index_bytes, queryids, cost_before, "
      "cost_after, improvement FROM azora_opt.advise_indexes($1::bigint, $2::float8)",
      {budget_bytes, min_improvement});
  nlohmann::json doc = {{"recommendations", rows_json(advice)}};
  if (ctx.format() == Format::kText) {
    // The query ids are what `azora-opt plan QUERYID` takes.
    auto joined = [](std::string_view array, const char* sep) {
      std::string out;
      for (const std::string& item : array_items(array)) out += (out.empty() ? "" : sep) + item;
      return out;
    };
    std::vector<std::vector<std::string>> table = {
        {"improvement", "size", "relation", "columns", "queryids", "ddl"}};
    for (int r = 0; r < advice.rows(); r++) {
      char pct[32];
      std::snprintf(pct, sizeof pct, "%.1f %%", 100 * std::stod(std::string(advice.value(r, 7))));
      table.push_back({pct, size_pretty(std::stoll(std::string(advice.value(r, 3)))),
                       std::string(advice.value(r, 1)), joined(advice.value(r, 2), ", "),
                       joined(advice.value(r, 4), " "), std::string(advice.value(r, 0))});
    }
    print_rows(table, stdout, 2, 200);
    if (advice.rows() == 0) std::printf("no index would help the tracked workload enough\n");
  }
  if (verify) {
    int status = apply_and_verify(ctx, conn, advice, verify_opts, doc);
    if (ctx.format() == Format::kJson) print_json(doc);
    return status;
  }
  if (apply) {
    nlohmann::json applied = nlohmann::json::array();
    nlohmann::json replanned = nlohmann::json::array();
    // Each affected query's plan cost now, to compare with after the indexes exist.
    std::set<std::string> queryids;
    for (int r = 0; r < advice.rows(); r++)
      for (const std::string& q : array_items(advice.value(r, 4))) queryids.insert(q);
    std::map<std::string, std::optional<double>> before_cost;
    for (const std::string& q : queryids) before_cost[q] = replan_cost(conn, q);
    for (int r = 0; r < advice.rows(); r++) {
      std::string ddl(advice.value(r, 0));
      std::string relation(advice.value(r, 1));
      if (ctx.format() == Format::kText) {
        print_line("[%d/%d] %s", r + 1, advice.rows(), ddl.c_str());
        std::fflush(stdout);
      }
      // The new index is the one that was not there before.
      const std::string list =
          "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = $1::regclass";
      std::set<std::string> before;
      Result b = conn.exec_params(list, {relation});
      for (int i = 0; i < b.rows(); i++) before.insert(std::string(b.value(i, 0)));
      auto start = std::chrono::steady_clock::now();
      conn.exec(ddl);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::string name;
      Result a = conn.exec_params(list, {relation});
      for (int i = 0; i < a.rows(); i++)
        if (!before.count(std::string(a.value(i, 0)))) name = std::string(a.value(i, 0));
      long long bytes = 0;
      if (!name.empty()) {
        // A partitioned index has no storage of its own: sum its partitions' indexes.
        Result size = conn.exec_params(
            "SELECT CASE WHEN c.relkind = 'I' THEN (SELECT "
            "coalesce(sum(pg_relation_size(t.relid)), "
            "0) FROM pg_partition_tree(c.oid) t) ELSE pg_relation_size(c.oid) END "
            "FROM pg_class c WHERE c.oid = $1::regclass",
            {name});
        bytes = std::stoll(std::string(size.value(0, 0)));
      }
      applied.push_back({{"ddl", ddl}, {"index", name}, {"seconds", secs}, {"bytes", bytes}});
      if (ctx.format() == Format::kText)
        print_line("      built %s in %.2f s, %s (estimated %s)", name.c_str(), secs,
                   size_pretty(bytes).c_str(),
                   size_pretty(std::stoll(std::string(advice.value(r, 3)))).c_str());
    }
    // Re-plan each affected query once, now that every index exists.
    auto json_cost = [](const std::optional<double>& c) {
      return c ? nlohmann::json(*c) : nlohmann::json();
    };
    for (const std::string& q : queryids) {
      std::optional<double> cost = replan_cost(conn, q);
      const std::optional<double>& was = before_cost[q];
      replanned.push_back({{"queryid", std::stoll(q)},
                           {"cost_before", json_cost(was)},
                           {"cost_after", json_cost(cost)}});
      if (ctx.format() == Format::kText) {
        if (cost && was) {
          print_line("      query %s: plan cost %.1f -> %.1f", q.c_str(), *was, *cost);
        } else {
          print_line("      query %s: no parameter-free slowest-call text to re-plan", q.c_str());
        }
      }
    }
    doc["applied"] = applied;
    doc["replanned"] = replanned;
  }
  if (ctx.format() == Format::kJson) print_json(doc);
  return 0;
}

}  // namespace azora::cli
