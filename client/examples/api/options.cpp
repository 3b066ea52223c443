// options.cpp — parsing of the example API's flags and environment.
#include "options.hpp"

#include <charconv>
#include <cstdlib>
#include <initializer_list>
#include <utility>
#include <stdexcept>
#include <string_view>

namespace azora::example {

namespace {

int parse_int(std::string_view text, int min, int max, const std::string& what) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    throw std::invalid_argument(what + " must be an integer in " + std::to_string(min) + ".." +
                                std::to_string(max) + ", not '" + std::string(text) + "'");
  }
  return v;
}

// "ADDR:PORT" (the last colon splits, so "[::1]:80" style is not needed for loopback use).
void parse_listen(std::string_view text, Options& o) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    throw std::invalid_argument("--listen wants ADDR:PORT, not '" + std::string(text) + "'");
  }
  o.host = std::string(text.substr(0, colon));
  o.port = parse_int(text.substr(colon + 1), 1, 65535, "--listen port");
}

// The value of `flag` among `choices` (name -> value); invalid_argument listing them otherwise.
template <class T>
T choose(const char* flag, std::string_view value,
         std::initializer_list<std::pair<const char*, T>> choices) {
  std::string names;
  for (const auto& [name, v] : choices) {
    if (value == name) return v;
    names += names.empty() ? name : std::string(" or ") + name;
  }
  throw std::invalid_argument(std::string(flag) + " must be " + names + ", not '" +
                              std::string(value) + "'");
}

}  // namespace

const char* usage() {
  return "usage: azora-example-api --mode before|after [--listen ADDR:PORT] [--threads N]\n"
         "                         [--dsn CONNINFO] [--cache redis|none]\n"
         "  --mode before   the seed's Before code: all rows, SELECT *, no cache, no gzip\n"
         "  --mode after    paginated, projected, Redis cache-aside, shaped, gzip\n"
         "  --listen        default 127.0.0.1:8080\n"
         "  --threads       HTTP worker threads and pool size (default 8)\n"
         "  --dsn           libpq conninfo (default $AZORA_PG_CONNINFO, else the PG* variables)\n"
         "  --cache         after mode's response cache (default redis; none = uncached)\n"
         "Redis: $AZORA_REDIS_HOST (default 127.0.0.1), $AZORA_REDIS_PORT (default 6379).\n";
}

Options parse_options(int argc, char** argv, bool* help) {
  Options o;
  *help = false;
  if (const char* v = std::getenv("AZORA_PG_CONNINFO")) o.dsn = v;
  if (const char* v = std::getenv("AZORA_REDIS_HOST"); v != nullptr && *v != '\0') {
    o.redis_host = v;
  }
  if (const char* v = std::getenv("AZORA_REDIS_PORT"); v != nullptr && *v != '\0') {
    o.redis_port = parse_int(v, 1, 65535, "AZORA_REDIS_PORT");
  }
  bool mode_given = false;
  for (int i = 1; i < argc; i++) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      *help = true;
      return o;
    }
    if (i + 1 >= argc)
      throw std::invalid_argument("unknown option or missing value: " + std::string(arg));
    const std::string_view value = argv[++i];
    if (arg == "--mode") {
      o.mode = choose<Mode>("--mode", value, {{"before", Mode::before}, {"after", Mode::after}});
      mode_given = true;
    } else if (arg == "--listen") {
      parse_listen(value, o);
    } else if (arg == "--threads") {
      o.threads = parse_int(value, 1, 256, "--threads");
    } else if (arg == "--dsn") {
      o.dsn = std::string(value);
    } else if (arg == "--cache") {
      // "server" (azora_opt.cached_json) comes with issue 8's cache.
      o.cache = choose<CacheKind>("--cache", value,
                                  {{"redis", CacheKind::redis}, {"none", CacheKind::none}});
    } else {
      throw std::invalid_argument("unknown option " + std::string(arg));
    }
  }
  if (!mode_given) throw std::invalid_argument("--mode before|after is required");
  return o;
}

}  // namespace azora::example
