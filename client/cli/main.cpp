// main.cpp — the azora-opt command line: talks to servers running the azora_opt extension.
//
//   azora-opt [-d CONNINFO]... [--format text|json] COMMAND [ARGS...]
// The connection defaults to libpq's PG* environment variables. Exit status: 0 ok, 1 bad usage,
// 2 connection failure, 3 server error (message, SQLSTATE and hint on stderr).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "azora/error.hpp"
#include "commands.hpp"

namespace {

using azora::cli::Command;

constexpr int kOk = 0, kUsage = 1, kConnection = 2, kServer = 3;

int usage(std::FILE* out) {
  std::fprintf(out,
               "usage: azora-opt [-d CONNINFO]... [--format text|json] COMMAND [ARGS...]\n"
               "commands:\n");
  for (const Command& c : azora::cli::commands()) {
    std::string head = std::string(c.name) + (*c.args ? " " : "") + c.args;
    std::fprintf(out, "  %-58s %s\n", head.c_str(), c.help);
  }
  std::fprintf(out,
               "The connection comes from -d (repeatable: report merges nodes), or else libpq's\n"
               "PG* environment variables. 'azora-opt COMMAND --help' describes one command.\n"
               "Exit status: 0 ok, 1 bad usage, 2 connection failure, 3 server error.\n");
  return out == stderr ? kUsage : kOk;
}

int command_help(const Command& c) {
  std::printf("usage: azora-opt [-d CONNINFO]... [--format text|json] %s%s%s\n%s\n%s", c.name,
              *c.args ? " " : "", c.args, c.help, c.details);
  return kOk;
}

// What the user can do about a server error, beyond the server's own hint.
const char* extra_hint(const std::string& sqlstate) {
  if (sqlstate == "3F000" || sqlstate == "42883" || sqlstate == "42P01")
    return "azora_opt is not installed in this database: run CREATE EXTENSION azora_opt (the "
           "server needs shared_preload_libraries = 'azora_opt')";
  if (sqlstate == "42501")
    return "this needs more privileges: metrics needs pg_read_all_stats, reset and the admin "
           "functions need a superuser or an explicit GRANT EXECUTE";
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> dsns;
  azora::cli::Format format = azora::cli::Format::kText;
  std::vector<std::string> args;
  bool help = false;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if ((a == "-d" || a == "--dsn") && i + 1 < argc) {
      dsns.emplace_back(argv[++i]);
    } else if (a == "--format" && i + 1 < argc) {
      std::string f = argv[++i];
      if (f != "text" && f != "json") {
        std::fprintf(stderr, "azora-opt: --format must be text or json (got '%s')\n", f.c_str());
        return kUsage;
      }
      format = f == "json" ? azora::cli::Format::kJson : azora::cli::Format::kText;
    } else if (a == "--help" || a == "-h") {
      help = true;
    } else {
      args.push_back(a);
    }
  }
  if (args.empty()) return help ? usage(stdout) : usage(stderr);
  const Command* command = nullptr;
  for (const Command& c : azora::cli::commands())
    if (args[0] == c.name) command = &c;
  if (command == nullptr) {
    std::fprintf(stderr, "azora-opt: unknown command '%s'\n", args[0].c_str());
    return usage(stderr);
  }
  if (help) return command_help(*command);
  azora::cli::Context ctx(dsns, format, std::vector<std::string>(args.begin() + 1, args.end()));
  try {
    return command->run(ctx);
  } catch (const azora::ConnectionError& e) {
    std::fprintf(stderr, "azora-opt: cannot reach the server: %s\n", e.what());
    std::fprintf(stderr, "hint: check -d CONNINFO or the PG* environment variables\n");
    return kConnection;
  } catch (const azora::TimeoutError& e) {
    std::fprintf(stderr, "azora-opt: cannot reach the server: %s\n", e.what());
    return kConnection;
  } catch (const azora::SqlError& e) {
    std::fprintf(stderr, "azora-opt: %s (SQLSTATE %s)\n", e.what(), e.sqlstate().c_str());
    if (!e.hint().empty()) std::fprintf(stderr, "hint: %s\n", e.hint().c_str());
    if (const char* more = extra_hint(e.sqlstate())) std::fprintf(stderr, "hint: %s\n", more);
    return kServer;
  } catch (const azora::UsageError& e) {
    std::fprintf(stderr, "azora-opt: %s\n(see: azora-opt %s --help)\n", e.what(), command->name);
    return kUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "azora-opt: %s\n", e.what());
    return kServer;
  }
}
