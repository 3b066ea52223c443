// main.cpp — the azora-opt command line: talks to a server running the azora_opt extension.
//
//   azora-opt [--dsn CONNINFO] COMMAND [ARGS...]
// The connection defaults to libpq's PG* environment variables. Exit status: 0 ok, 1 error
// (message, SQLSTATE and hint on stderr), 2 bad usage.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "commands.hpp"

namespace {

int usage(std::FILE* out) {
  std::fprintf(out, "usage: azora-opt [--dsn CONNINFO] COMMAND [ARGS...]\ncommands:\n");
  for (const azora::cli::Command& c : azora::cli::commands()) {
    std::string head = std::string(c.name) + (*c.args ? " " : "") + c.args;
    std::fprintf(out, "  %-22s %s\n", head.c_str(), c.help);
  }
  std::fprintf(out,
               "The connection comes from --dsn, or else libpq's PG* environment variables.\n");
  return out == stderr ? 2 : 0;
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
  const azora::cli::Command* command = nullptr;
  for (const azora::cli::Command& c : azora::cli::commands())
    if (args[0] == c.name) command = &c;
  if (command == nullptr) {
    std::fprintf(stderr, "azora-opt: unknown command '%s'\n", args[0].c_str());
    return usage(stderr);
  }
  try {
    azora::Connection conn(dsn);
    return command->run(conn, std::vector<std::string>(args.begin() + 1, args.end()));
  } catch (const azora::SqlError& e) {
    std::fprintf(stderr, "azora-opt: %s (SQLSTATE %s)\n", e.what(), e.sqlstate().c_str());
    if (!e.hint().empty()) std::fprintf(stderr, "hint: %s\n", e.hint().c_str());
    return 1;
  } catch (const azora::UsageError& e) {
    std::fprintf(stderr, "azora-opt: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "azora-opt: %s\n", e.what());
    return 1;
  }
}
