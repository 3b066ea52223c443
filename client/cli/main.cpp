// main.cpp — the azora-opt command line: talks to servers running the azora_opt extension.
//
//   azora-opt [-h HOST] [-p PORT] [-U USER] [-d DBNAME|CONNINFO]... [--format text|json]
//             COMMAND [ARGS...]
// The connection options are psql's; what they leave out comes from libpq's PG* environment
// variables. Exit status: 0 ok, 1 bad usage or input, 2 connection failure, 3 server error
// (message, SQLSTATE and hint on stderr).
#include <libpq-fe.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "azora/error.hpp"
#include "azora/version.hpp"
#include "commands.hpp"
#include "table.hpp"

namespace {

using azora::cli::Command;

constexpr int kOk = 0, kUsage = 1, kConnection = 2, kServer = 3;

// Within 100 columns, as every output: the whole synopsis wraps before COMMAND, and one
// command's usage names its options by reference.
constexpr const char* kSynopsis =
    "usage: azora-opt [-h HOST] [-p PORT] [-U USER] [-d DBNAME|CONNINFO]... [--format text|json] "
    "[-x]\n                 COMMAND [ARGS...]";
constexpr const char* kCommandSynopsis = "usage: azora-opt [OPTION]...";

int usage(std::FILE* out) {
  std::fprintf(out,
               "%s\n"
               "       azora-opt --version | --help | COMMAND --help\n"
               "connection options (as psql's; the rest from the PG* environment variables):\n"
               "  -h, --host=HOST        server host or socket directory\n"
               "  -p, --port=PORT        server port\n"
               "  -U, --username=USER    user name\n"
               "  -d, --dbname=DBNAME    database name, or a conninfo string or URI; repeatable:\n"
               "                         report merges the nodes, the other commands use the\n"
               "                         first (--dsn is the same)\n"
               "  --format text|json     output format (default text)\n"
               "  -x, --expanded         one field a line (psql's expanded form); tables wider\n"
               "                         than 100 columns are printed so anyway\n"
               "  -V, --version          print the client version and exit\n"
               "  -?, --help             show this help and exit\n"
               "commands:\n",
               kSynopsis);
  // A command whose arguments reach the description's column has the description on the
  // next line.
  constexpr int kColumn = 28;
  for (const Command& c : azora::cli::commands()) {
    std::string head = std::string(c.name) + (*c.args ? " " : "") + c.args;
    if (head.size() < kColumn) {
      std::fprintf(out, "  %-*s%s\n", kColumn, head.c_str(), c.help);
    } else {
      std::fprintf(out, "  %s\n  %-*s%s\n", head.c_str(), kColumn, "", c.help);
    }
  }
  std::fprintf(out,
               "'azora-opt COMMAND --help' describes one command.\n"
               "Exit status: 0 ok, 1 bad usage or input, 2 connection failure, 3 server error.\n");
  return out == stderr ? kUsage : kOk;
}

int command_help(const Command& c) {
  std::printf("%s %s%s%s\n%s\n%s", kCommandSynopsis, c.name, *c.args ? " " : "", c.args, c.help,
              c.details);
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

// key='value' with libpq's quoting.
std::string conninfo_pair(const std::string& key, const std::string& value) {
  std::string out = key + "='";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "' ";
}

// One node's conninfo as psql builds it: -h/-p/-U, then -d, which is a database name or a
// conninfo string or URI whose own settings win (libpq's expand_dbname). Settings left out come
// from the PG* environment variables.
std::string node_conninfo(const std::string& dbname, const std::optional<std::string>& host,
                          const std::optional<std::string>& port,
                          const std::optional<std::string>& user) {
  std::string out;
  if (host) out += conninfo_pair("host", *host);
  if (port) out += conninfo_pair("port", *port);
  if (user) out += conninfo_pair("user", *user);
  bool is_conninfo = dbname.find('=') != std::string::npos ||
                     dbname.rfind("postgresql://", 0) == 0 || dbname.rfind("postgres://", 0) == 0;
  if (!is_conninfo) {
    if (!dbname.empty()) out += conninfo_pair("dbname", dbname);
    return out;
  }
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(dbname.c_str(), &err);
  if (options == nullptr) {
    std::string msg = err != nullptr ? err : "out of memory";
    PQfreemem(err);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw azora::UsageError("-d '" + dbname + "' is not a valid conninfo: " + msg);
  }
  for (PQconninfoOption* o = options; o->keyword != nullptr; o++)
    if (o->val != nullptr) out += conninfo_pair(o->keyword, o->val);
  PQconninfoFree(options);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> dbnames;
  std::optional<std::string> host, port, user;
  azora::cli::Format format = azora::cli::Format::kText;
  std::vector<std::string> args;
  bool help = false;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    // An option's value: "-d X", "-dX", "--dbname X" or "--dbname=X".
    auto value = [&](const char* shrt, const char* lng) -> std::optional<std::string> {
      std::string l = std::string("--") + lng;
      bool exact = a == l || (shrt != nullptr && a == shrt);
      if (exact) {
        if (i + 1 >= argc)
          throw azora::UsageError(a + " needs a value" +
                                  (a == "-h" ? " (the server host; --help shows the usage)" : ""));
        return std::string(argv[++i]);
      }
      if (a.rfind(l + "=", 0) == 0) return a.substr(l.size() + 1);
      if (shrt != nullptr && a.size() > 2 && a.rfind(shrt, 0) == 0) return a.substr(2);
      return std::nullopt;
    };
    try {
      if (auto v = value("-d", "dbname")) {
        dbnames.push_back(*v);
      } else if (auto v2 = value(nullptr, "dsn")) {
        dbnames.push_back(*v2);
      } else if (auto h = value("-h", "host")) {
        host = *h;
      } else if (auto p = value("-p", "port")) {
        port = *p;
      } else if (auto u = value("-U", "username")) {
        user = *u;
      } else if (auto f = value(nullptr, "format")) {
        if (*f != "text" && *f != "json") {
          std::fprintf(stderr, "azora-opt: --format must be text or json (got '%s')\n", f->c_str());
          return kUsage;
        }
        format = *f == "json" ? azora::cli::Format::kJson : azora::cli::Format::kText;
      } else if (a == "-x" || a == "--expanded") {
        azora::cli::set_expanded(azora::cli::Expanded::kOn);
      } else if (a == "--help" || a == "-?") {
        help = true;
      } else if (a == "--version" || a == "-V") {
        std::printf("azora-opt %s\n", azora::kClientVersion);
        return kOk;
      } else {
        args.push_back(a);
      }
    } catch (const azora::UsageError& e) {
      std::fprintf(stderr, "azora-opt: %s\n", e.what());
      return kUsage;
    }
  }
  if (port && (port->empty() || port->find_first_not_of("0123456789") != std::string::npos)) {
    std::fprintf(stderr, "azora-opt: -p needs a port number (got '%s')\n", port->c_str());
    return kUsage;
  }
  std::vector<std::string> dsns;
  try {
    if (dbnames.empty()) dbnames.emplace_back();
    for (const std::string& d : dbnames) dsns.push_back(node_conninfo(d, host, port, user));
  } catch (const azora::UsageError& e) {
    std::fprintf(stderr, "azora-opt: %s\n", e.what());
    return kUsage;
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
  } catch (const azora::cli::InputRefused& e) {
    std::fprintf(stderr, "azora-opt: %s (SQLSTATE %s)\n", e.what(), e.sqlstate().c_str());
    if (!e.hint().empty()) std::fprintf(stderr, "hint: %s\n", e.hint().c_str());
    return kUsage;
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
