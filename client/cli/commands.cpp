// commands.cpp — the small azora-opt commands and the command table. Values always travel as
// parameters; the server validates them and its error reaches the user.
#include "commands.hpp"

#include <chrono>
#include <cstdio>

#include "azora/version.hpp"
#include "output.hpp"
#include "table.hpp"

namespace azora::cli {

namespace {

int version(Context& ctx) {
  ctx.args().positional();
  Connection& conn = ctx.primary();
  Result r = conn.exec("SELECT azora_opt.version()");
  std::string server(r.value(0, 0));
  if (ctx.format() == Format::kJson) {
    print_json({{"client", kClientVersion},
                {"extension", server},
                {"server_version_num", conn.server_version()}});
  } else {
    std::printf("azora-opt client %s\nazora_opt extension %s (server %d)\n", kClientVersion,
                server.c_str(), conn.server_version());
  }
  return 0;
}

int ping(Context& ctx) {
  ctx.args().positional();
  Connection& conn = ctx.primary();
  auto start = std::chrono::steady_clock::now();
  Result r = conn.exec_params("SELECT $1::text", {std::string("pong")});
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  if (ctx.format() == Format::kJson) {
    print_json({{"backend_pid", conn.backend_pid()}, {"round_trip_us", us}});
  } else {
    std::printf("%s from backend %d in %lld us\n", std::string(r.value(0, 0)).c_str(),
                conn.backend_pid(), static_cast<long long>(us));
  }
  return 0;
}

// plan QUERYID: the slowest call's source text and plan, for each role/database that ran it.
int plan(Context& ctx) {
  std::vector<std::string> words = ctx.args().positional();
  if (words.size() != 1) throw UsageError("plan needs one queryid (see: azora-opt report)");
  parse_int64(words[0], "the queryid");
  Result r = ctx.primary().exec_params(
      "SELECT userid::regrole::text AS role, round(exec_time::numeric, 3) AS exec_ms, "
      "captured_at, source_text, plan FROM azora_opt.query_plan($1::bigint)",
      {words[0]});
  if (r.rows() == 0) {
    std::fprintf(stderr, "azora-opt: no plan recorded for queryid %s\n", words[0].c_str());
    std::fprintf(stderr,
                 "hint: plans are kept for calls at or over azora_opt.plan_min_ms; see "
                 "azora-opt report\n");
    return 3;
  }
  if (ctx.format() == Format::kJson) {
    print_result(r, Format::kJson);
    return 0;
  }
  for (int row = 0; row < r.rows(); row++) {
    // The text and the plan keep their lines; a line wider than the terminal is broken.
    print_line("slowest call: %s ms at %s (role %s)", std::string(r.value(row, 1)).c_str(),
               std::string(r.value(row, 2)).c_str(), std::string(r.value(row, 0)).c_str());
    std::printf("%s\n\n%s\n", fit_lines(r.value(row, 3)).c_str(),
                fit_lines(r.value(row, 4)).c_str());
  }
  return 0;
}

int metrics(Context& ctx) {
  ctx.args().positional();
  Result r = ctx.primary().exec("SELECT azora_opt.metrics()");
  std::fputs(std::string(r.value(0, 0)).c_str(), stdout);
  return 0;
}

int info(Context& ctx) {
  ctx.args().positional();
  print_result(ctx.primary().exec("SELECT * FROM azora_opt.info()"), ctx.format());
  return 0;
}

int reset(Context& ctx) {
  ctx.args().positional();
  Result r = ctx.primary().exec("SELECT azora_opt.reset(NULL, NULL, NULL)");
  if (ctx.format() == Format::kJson) {
    print_json({{"removed", std::stoll(std::string(r.value(0, 0)))}});
  } else {
    std::printf("query statistics reset (%s entries removed)\n",
                std::string(r.value(0, 0)).c_str());
  }
  return 0;
}

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"version", "", "client version, and the server's azora_opt version",
       "Prints the client's version, the azora_opt extension's (azora_opt.version()) and the\n"
       "server's version number. 'azora-opt --version' prints the client's without a server.\n",
       version},
      {"ping", "", "connect, run a round trip, print the latency",
       "Connects with the connection options and runs one parameterised query: 'pong from\n"
       "backend PID in N us'. Exit 2 when the server cannot be reached.\n",
       ping},
      {"report", "[--top N] [--order p95|p99|total|mean|calls|slow]",
       "the heaviest queries, merged over every -d node",
       "  --top N      how many queries (default 10)\n"
       "  --order KEY  p95, p99, total (default), mean, calls or slow\n"
       "With several -d conninfos (a primary and its standbys, each tracking its own reads) the\n"
       "entries of each query are merged: calls and times are summed and the percentiles come\n"
       "from the summed histogram buckets (exact to the histogram's 2 % bound), with a per-node\n"
       "breakdown.\n",
       report},
      {"plan", "QUERYID", "the plan and text of that query's slowest call",
       "  QUERYID  a query id as report shows it (a signed 64-bit integer; anything else is\n"
       "           exit 1)\n"
       "Prints the slowest call's time, capture time, role, source text and plan. Plans are\n"
       "kept for calls at or over azora_opt.plan_min_ms; exit 3 when none is recorded.\n",
       plan},
      {"advise", "[--budget SIZE] [--apply [--verify]] [...]",
       "indexes the tracked workload needs (index advisor)",
       "  --budget SIZE          total size the new indexes may take, e.g. 500MB (no limit)\n"
       "  --min-improvement X    report an index only if it lowers the cost of the queries it\n"
       "                         helps by at least X (default 0.10 = 10 %)\n"
       "  --apply                create them, one CREATE INDEX CONCURRENTLY at a time, with each\n"
       "                         build's time, then re-plan the affected tracked queries\n"
       "  --verify               with --apply: measure each statement the advice is for over a\n"
       "                         window of real calls before and after the builds; keep the\n"
       "                         indexes that paid, DROP the others (docs/cli.md)\n"
       "  --window DURATION      a window lasts at least this (default 60s; 500ms, 2min, 1h)\n"
       "  --min-calls N          ... and until each statement made N calls in it (default 30);\n"
       "                         a statement with fewer is not judged\n"
       "  --max-window DURATION  ... but at most this (default 10 x --window, at least 60s)\n"
       "  --min-gain X           keep an index when mean time or blocks read per call of its\n"
       "                         statements fell by at least X (default 0.10)\n"
       "  --max-loss X           ... and no statement's p95 or mean time rose by more than X\n"
       "                         (default 0.20)\n"
       "  --lock-timeout DURATION  each CREATE/DROP INDEX waits at most this for a lock\n"
       "                         (default 5s); a failed build's INVALID index is dropped\n"
       "Exit 3 when an index could not be built or dropped (after the report).\n",
       advise},
      {"indexes", "--unused|--redundant", "existing indexes that are dead weight, with DROPs",
       "  --unused     never scanned since the statistics reset (unique, primary-key and\n"
       "               constraint indexes excluded)\n"
       "  --redundant  duplicates, and btrees whose keys are a leading prefix of another's\n",
       indexes},
      {"cache", "stats|entries|invalidate PATTERN|flush", "the server-side result cache",
       "  stats               hits, misses, hit rate, memory, evictions, invalidations\n"
       "  entries             every cached key: size, age, TTL left, hits, source relations\n"
       "  invalidate PATTERN  drop the keys matching a glob (* ? and \\ escapes)\n"
       "  flush               drop everything (revoked from PUBLIC)\n",
       cache},
      {"metrics", "", "Prometheus exposition text of azora_opt.metrics()",
       "Needs pg_read_all_stats or a superuser (exit 3, SQLSTATE 42501, otherwise).\n", metrics},
      {"info", "", "tracker state: entries, evictions, last reset, plan captures",
       "One row of azora_opt.info(): tracked entries and their maximum, evictions, the last\n"
       "reset, plan captures, capture failures and skips.\n",
       info},
      {"reset", "", "forget all query statistics (needs the right to call azora_opt.reset)",
       "Runs azora_opt.reset(NULL, NULL, NULL), revoked from PUBLIC: a superuser or an\n"
       "explicit GRANT EXECUTE (exit 3, SQLSTATE 42501, otherwise).\n",
       reset},
      {"exporter", "[--listen ADDR:PORT]", "serve azora_opt.metrics() over HTTP for Prometheus",
       "  --listen ADDR:PORT  where to listen (default 127.0.0.1:9188)\n"
       "Serves GET /metrics from one connection to the first -d node, reconnecting after a\n"
       "failure (503 while the server is unreachable). Stops on SIGINT or SIGTERM.\n",
       exporter},
  };
  return all;
}

}  // namespace azora::cli
