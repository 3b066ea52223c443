// main.cpp — the azora-opt command line: talks to a server running the azora_opt extension.
//
//   azora-opt [--dsn CONNINFO] COMMAND
// Commands: version, ping. The connection defaults to libpq's PG* environment variables.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "azora/connection.hpp"
#include "azora/version.hpp"

namespace {

int usage(FILE* out) {
  std::fprintf(out,
               "usage: azora-opt [--dsn CONNINFO] COMMAND\n"
               "commands:\n"
               "  version   client version, and the server's azora_opt version\n"
               "  ping      connect, run a round trip, print the latency\n"
               "The connection comes from --dsn, or else libpq's PG* environment variables.\n");
  return out == stderr ? 2 : 0;
}

int cmd_version(azora::Connection& conn) {
  azora::Result r = conn.exec("SELECT azora_opt.version()");
  std::printf("azora-opt client %s\nazora_opt extension %s (server %d)\n", azora::kClientVersion,
              std::string(r.value(0, 0)).c_str(), conn.server_version());
  return 0;
}

int cmd_ping(azora::Connection& conn) {
  auto start = std::chrono::steady_clock::now();
  azora::Result r = conn.exec_params("SELECT $1::text", {std::string("pong")});
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::steady_clock::now() - start)
                .count();
  std::printf("%s from backend %d in %lld us\n", std::string(r.value(0, 0)).c_str(),
              conn.backend_pid(), static_cast<long long>(us));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dsn;
  std::vector<std::string> args;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--dsn") == 0 && i + 1 < argc) {
      dsn = argv[++i];
    } else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      return usage(stdout);
    } else {
      args.emplace_back(argv[i]);
    }
  }
  if (args.empty()) return usage(stderr);
  try {
    azora::Connection conn(dsn);
    if (args[0] == "version") return cmd_version(conn);
    if (args[0] == "ping") return cmd_ping(conn);
    std::fprintf(stderr, "azora-opt: unknown command '%s'\n", args[0].c_str());
    return usage(stderr);
  } catch (const azora::SqlError& e) {
    std::fprintf(stderr, "azora-opt: %s (SQLSTATE %s)\n", e.what(), e.sqlstate().c_str());
    if (!e.hint().empty()) std::fprintf(stderr, "hint: %s\n", e.hint().c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "azora-opt: %s\n", e.what());
    return 1;
  }
}
