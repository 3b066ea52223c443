// advisor_commands.cpp — the azora-opt commands of the index advisor: `advise` (the advice,
// optionally applied one index at a time) and `indexes` (unused or redundant indexes).
// Values travel as parameters; sizes like "500MB" are parsed by the server (pg_size_bytes).
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "commands.hpp"
#include "table.hpp"

namespace azora::cli {

namespace {

struct Options {
  std::string budget;  // empty: no limit
  std::string min_improvement = "0.10";
  bool apply = false;
  bool json = false;
  std::string report;  // indexes: unused | redundant
};

Options parse(const std::vector<std::string>& args, bool advise) {
  Options o;
  for (size_t i = 0; i < args.size(); i++) {
    const std::string& a = args[i];
    auto value = [&](const char* name) {
      if (i + 1 >= args.size()) throw UsageError(std::string(name) + " needs a value");
      return args[++i];
    };
    if (a == "--format") {
      std::string f = value("--format");
      if (f != "text" && f != "json") throw UsageError("--format is text or json");
      o.json = f == "json";
    } else if (advise && a == "--budget") {
      o.budget = value("--budget");
    } else if (advise && a == "--min-improvement") {
      o.min_improvement = value("--min-improvement");
    } else if (advise && a == "--apply") {
      o.apply = true;
    } else if (!advise && (a == "--unused" || a == "--redundant")) {
      o.report = a.substr(2);
    } else {
      throw UsageError("unknown option '" + a + "'");
    }
  }
  if (!advise && o.report.empty()) throw UsageError("indexes needs --unused or --redundant");
  return o;
}

const char* kAdvice =
    "SELECT ddl, relation::text AS relation, array_to_string(columns, ', ') AS columns, "
    "pg_size_pretty(index_bytes) AS size, cardinality(queryids) AS queries, "
    "round(improvement::numeric, 3) AS improvement, queryids::text AS queryids "
    "FROM azora_opt.advise_indexes(pg_size_bytes(NULLIF($1, '')), $2::float8)";

// JSON keeps the raw figures: bytes, query ids as numbers, both costs.
const char* kAdviceJson =
    "SELECT ddl, relation::text AS relation, columns, index_bytes, queryids, cost_before, "
    "cost_after, improvement "
    "FROM azora_opt.advise_indexes(pg_size_bytes(NULLIF($1, '')), $2::float8)";

// The planner's total cost of a tracked statement now, from its slowest call's source text;
// empty when none was captured or it does not plan any more.
std::string current_cost(Connection& conn, const std::string& queryid) {
  Result text = conn.exec_params("SELECT source_text FROM azora_opt.query_plan($1::bigint) LIMIT 1",
                                 {queryid});
  if (text.rows() == 0) return "";
  try {
    Result plan = conn.exec("EXPLAIN (FORMAT JSON) " + std::string(text.value(0, 0)));
    std::string json(plan.value(0, 0));
    auto at = json.find("\"Total Cost\": ");
    if (at == std::string::npos) return "";
    at += 14;
    return json.substr(at, json.find_first_of(",\n}", at) - at);
  } catch (const SqlError&) {
    return "";
  }
}

std::vector<std::string> ids_of(const std::string& array_text) {  // "{1,2}" -> {"1","2"}
  std::vector<std::string> out;
  std::string cur;
  for (char c : array_text) {
    if (c == '{' || c == '}' || c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

// Applies each advised index with CREATE INDEX CONCURRENTLY, one at a time, with a progress
// line and its build time, then re-plans the tracked statements it was meant to help.
int apply(Connection& conn, const Result& advice) {
  std::map<std::string, std::string> before;
  for (int r = 0; r < advice.rows(); r++)
    for (const std::string& id : ids_of(std::string(advice.value(r, 6))))
      before.emplace(id, current_cost(conn, id));
  for (int r = 0; r < advice.rows(); r++) {
    std::string ddl(advice.value(r, 0));
    std::printf("[%d/%d] %s ... ", r + 1, advice.rows(), ddl.c_str());
    std::fflush(stdout);
    auto start = std::chrono::steady_clock::now();
    conn.exec(ddl);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("built in %.2f s\n", s);
  }
  for (const auto& [id, cost] : before) {
    std::string after = current_cost(conn, id);
    std::printf("query %s: plan cost %s -> %s\n", id.c_str(), cost.empty() ? "?" : cost.c_str(),
                after.empty() ? "?" : after.c_str());
  }
  return 0;
}

void print_json(Connection& conn, const std::string& sql, const std::vector<Param>& params) {
  Result r = conn.exec_params("SELECT coalesce(json_agg(x), '[]') FROM (" + sql + ") x", params);
  std::printf("%s\n", std::string(r.value(0, 0)).c_str());
}

}  // namespace

// advise [--budget SIZE] [--min-improvement X] [--apply] [--format text|json]
int advise(Connection& conn, const std::vector<std::string>& args) {
  Options o = parse(args, true);
  std::vector<Param> params = {o.budget, o.min_improvement};
  if (o.json && !o.apply) {
    print_json(conn, kAdviceJson, params);
    return 0;
  }
  Result advice = conn.exec_params(kAdvice, params);
  if (o.apply) return apply(conn, advice);
  if (advice.rows() == 0) {
    std::printf("no index to advise for the tracked workload\n");
    return 0;
  }
  print_table(advice, stdout);
  return 0;
}

// indexes --unused|--redundant [--format text|json]
int indexes(Connection& conn, const std::vector<std::string>& args) {
  Options o = parse(args, false);
  std::string sql =
      o.report == "unused"
          ? "SELECT index::text AS index, relation::text AS relation, "
            "pg_size_pretty(index_bytes) AS size, idx_scan, drop_ddl, reason "
            "FROM azora_opt.unused_indexes()"
          : "SELECT index::text AS index, relation::text AS relation, "
            "pg_size_pretty(index_bytes) AS size, covered_by::text AS covered_by, drop_ddl, "
            "reason FROM azora_opt.redundant_indexes()";
  if (o.json) {
    print_json(conn, sql, {});
  } else {
    print_table(conn.exec(sql), stdout, 80);
  }
  return 0;
}

}  // namespace azora::cli
