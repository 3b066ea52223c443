// cache.cpp — `azora-opt cache stats|entries|invalidate PATTERN|flush`: the extension's
// shared-memory result cache (docs/extension/cache.md).
#include <cstdio>

#include "commands.hpp"
#include "output.hpp"

namespace azora::cli {

int cache(Context& ctx) {
  std::vector<std::string> words = ctx.args().positional();
  if (words.empty())
    throw UsageError("cache needs a subcommand: stats, entries, invalidate PATTERN or flush");
  const std::string& sub = words[0];
  Connection& conn = ctx.primary();
  if (sub == "stats" && words.size() == 1) {
    print_result(conn.exec("SELECT * FROM azora_opt.cache_stats()"), ctx.format());
  } else if (sub == "entries" && words.size() == 1) {
    print_result(conn.exec("SELECT * FROM azora_opt.cache_entries() ORDER BY key"), ctx.format());
  } else if (sub == "invalidate" && words.size() == 2) {
    Result r = exec_input(conn, "SELECT azora_opt.cache_invalidate_pattern($1)", {words[1]});
    long long n = std::stoll(std::string(r.value(0, 0)));
    if (ctx.format() == Format::kJson) {
      print_json({{"pattern", words[1]}, {"invalidated", n}});
    } else {
      std::printf("%lld cache entr%s invalidated for %s\n", n, n == 1 ? "y" : "ies",
                  words[1].c_str());
    }
  } else if (sub == "flush" && words.size() == 1) {
    Result r = conn.exec("SELECT azora_opt.cache_flush()");
    long long n = std::stoll(std::string(r.value(0, 0)));
    if (ctx.format() == Format::kJson) {
      print_json({{"flushed", n}});
    } else {
      std::printf("cache flushed (%lld entries removed)\n", n);
    }
  } else {
    throw UsageError("cache takes: stats | entries | invalidate PATTERN | flush");
  }
  return 0;
}

}  // namespace azora::cli
