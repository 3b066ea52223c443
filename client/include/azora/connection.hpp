// connection.hpp — Connection: one RAII libpq connection with typed errors.
//
// Not thread-safe: use one Connection per thread, or lease them from azora::Pool.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "azora/error.hpp"
#include "azora/result.hpp"

namespace azora {

// A statement parameter: a text value, or std::nullopt for NULL.
using Param = std::optional<std::string>;

class Connection {
 public:
  // Connects with a libpq conninfo string or URI ("" uses the PG* environment variables).
  // Throws ConnectionError, or TimeoutError when connect_timeout passes first.
  explicit Connection(const std::string& conninfo,
                      std::chrono::milliseconds connect_timeout = std::chrono::seconds(2));
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters; returns the last result.
  Result exec(const std::string& sql);
  // Runs one statement with $1..$n parameters sent separately from the text (never spliced in).
  Result exec_params(const std::string& sql, const std::vector<Param>& params);

  // Quotes an identifier (table, column) for inclusion in SQL text, using the server's rules.
  std::string quote_identifier(std::string_view name) const;

  // Whether the connection is up, as libpq last saw it (no round trip).
  bool is_open() const noexcept;
  // A round trip that proves the server answers; false when the connection is broken.
  bool ping() noexcept;
  int backend_pid() const noexcept;
  int server_version() const noexcept;
  PGconn* native() const noexcept { return conn_; }

 private:
  // Wraps a result; throws SqlError/ConnectionError for a failed one.
  Result check(PGresult* res);
  void close() noexcept;
  PGconn* conn_ = nullptr;
};

}  // namespace azora
