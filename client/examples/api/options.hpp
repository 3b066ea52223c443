// options.hpp — the example API's command line and environment: mode, address, threads, the
// PostgreSQL conninfo and the Redis endpoint.
#pragma once

#include <string>

namespace azora::example {

enum class Mode { before, after };
// Where `after` mode caches responses. `server` (azora_opt.cached_json, issue 8) is not wired
// yet: RowSource (rows.hpp) is the seam it plugs into.
enum class CacheKind { redis, none };

struct Options {
  Mode mode = Mode::after;
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 8;
  std::string dsn;  // libpq conninfo; "" uses the PG* variables
  CacheKind cache = CacheKind::redis;
  std::string redis_host = "127.0.0.1";
  int redis_port = 6379;
};

// Parses argv over the environment (AZORA_PG_CONNINFO, AZORA_REDIS_HOST, AZORA_REDIS_PORT).
// Throws std::invalid_argument with a message for bad usage; sets *help for --help.
Options parse_options(int argc, char** argv, bool* help);

const char* usage();

}  // namespace azora::example
