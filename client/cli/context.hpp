// context.hpp — what every azora-opt command gets: the global options (-d conninfos, --format),
// its own arguments, and connections opened on first use.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "azora/connection.hpp"
#include "azora/error.hpp"

namespace azora::cli {

enum class Format { kText, kJson };

// A command's arguments: flags (--apply), options with a value (--top 5 or --top=5) and
// positional words, in the order given. Unknown flags are a usage error (UsageError).
class Args {
 public:
  explicit Args(std::vector<std::string> words) : words_(std::move(words)) {}
  // Consumes --name; true when it was given.
  bool flag(const std::string& name);
  // Consumes --name VALUE or --name=VALUE.
  std::optional<std::string> option(const std::string& name);
  // What is left after flags and options were consumed; refuses leftover --options.
  std::vector<std::string> positional() const;

 private:
  std::vector<std::string> words_;
};

class Context {
 public:
  // One conninfo per node ("" = libpq's environment); none means one node from the environment.
  Context(std::vector<std::string> dsns, Format format, std::vector<std::string> args);
  Format format() const { return format_; }
  Args& args() { return args_; }
  // The first -d conninfo's connection (libpq's PG* environment when none was given).
  Connection& primary();
  // One connection per -d conninfo, in order.
  std::vector<Connection*> all();
  // A short name of node i for output: host:port of its connection.
  std::string node_name(size_t i);
  size_t node_count() const { return dsns_.size(); }
  // The conninfo of node i ("" = libpq's environment), to reconnect with.
  std::string dsn(size_t i) const { return dsns_[i]; }

 private:
  Connection& open(size_t i);
  std::vector<std::string> dsns_;
  Format format_;
  Args args_;
  std::vector<std::unique_ptr<Connection>> conns_;
};

// A server error about a value the user typed (SQLSTATE class 22, e.g. a malformed glob):
// bad input, exit 1, printed with the server's message, SQLSTATE and hint.
class InputRefused : public SqlError {
 public:
  using SqlError::SqlError;
};

// exec_params whose parameters came from the user: a class 22 error is InputRefused.
Result exec_input(Connection& conn, const std::string& sql, const std::vector<Param>& params);

// Parses a whole signed 64-bit integer (a queryid); UsageError naming `what` otherwise.
long long parse_int64(const std::string& text, const std::string& what);

// Parses a finite decimal number; UsageError naming `what` otherwise.
double parse_number(const std::string& text, const std::string& what);

// Parses a size such as 500MB, 2GB, 10kB or 12345 (bytes) into bytes; UsageError otherwise.
long long parse_size(const std::string& text);

}  // namespace azora::cli
