// connection.hpp — Connection: one RAII libpq connection with typed errors.
//
// Not thread-safe: use one Connection per thread, or lease them from azora::Pool.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include "azora/conversions.hpp"
#include "azora/error.hpp"
#include "azora/result.hpp"

namespace azora {

// Statement parameters are azora::Param (conversions.hpp): ints, doubles, bools, strings,
// std::optional<T> and std::nullopt/nullptr (NULL), e.g. exec_params(sql, {42, "x", nullptr}).

// Sees each statement run through exec, exec_params or exec_prepared once it finished: its SQL
// text, how long it took, and its SQLSTATE when it failed (nullptr on success). A Pool with a
// QueryTimer installs one on every connection so that every query is timed.
using QueryObserver = std::function<void(const std::string& sql, std::chrono::nanoseconds duration,
                                         const std::string* sqlstate)>;

class Connection {
 public:
  // Connects with a libpq conninfo string or URI ("" uses the PG* environment variables).
  // Throws ConnectionError, or TimeoutError when connect_timeout passes first.
  // TCP connections get kDefaultTcpSettings unless the conninfo sets them itself: keepalives
  // (a peer that vanished is noticed within about a minute) and tcp_user_timeout (data sent and
  // not acknowledged for 30 s breaks the connection instead of blocking forever).
  explicit Connection(const std::string& conninfo,
                      std::chrono::milliseconds connect_timeout = std::chrono::seconds(2));
  // The same, with libpq keywords that override the conninfo's (e.g. {"target_session_attrs",
  // "prefer-standby"} to route a multi-host conninfo to a standby).
  Connection(const std::string& conninfo, std::chrono::milliseconds connect_timeout,
             const std::vector<std::pair<std::string, std::string>>& overrides);
  static constexpr std::pair<const char*, const char*> kDefaultTcpSettings[] = {
      {"keepalives", "1"},
      {"keepalives_idle", "30"},
      {"keepalives_interval", "10"},
      {"keepalives_count", "3"},
      {"tcp_user_timeout", "30000"}};
  // How long a housekeeping round trip (ping, a pool's ROLLBACK or reset query) may take.
  static constexpr std::chrono::milliseconds kHousekeepingTimeout{5000};
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters; returns the last result.
  Result exec(const std::string& sql);
  // Runs sql like exec (unobserved: for housekeeping), but gives up at the deadline: a hung or
  // half-open server cannot block it. Past the deadline the connection is closed (what the
  // server did with the statement is unknown) and TimeoutError is thrown.
  Result exec_within(const std::string& sql, std::chrono::milliseconds timeout);
  // Runs one statement with $1..$n parameters sent separately from the text (never spliced in).
  Result exec_params(const std::string& sql, const std::vector<Param>& params);

  // Like exec_params, but the statement is prepared on first use and the prepared one reused
  // on this connection afterwards, so the server parses and plans it once (planning is often
  // most of a short indexed query). Keyed by the SQL text; at most kMaxPrepared per connection.
  // When the session lost the statement behind the cache's back (DEALLOCATE ALL, SQLSTATE
  // 26000), it is prepared again and run once more, but only outside a transaction: inside
  // one the error has aborted the transaction, so the 26000 SqlError is thrown (the cache no
  // longer lists the statement; the next call after the ROLLBACK prepares it).
  Result exec_prepared(const std::string& sql, const std::vector<Param>& params);
  static constexpr std::size_t kMaxPrepared = 256;
  // The statement cache itself, for Pipeline (which prepares inside the pipeline): the name sql
  // is prepared under, or nullptr; a fresh name, or "" when the cache is full; record/forget.
  const std::string* find_prepared(const std::string& sql) const;
  std::string new_statement_name();
  void remember_prepared(const std::string& sql, std::string name);
  void forget_prepared(const std::string& sql);
  // Empties the cache, after the session lost its statements (DISCARD ALL, DEALLOCATE ALL).
  void forget_all_prepared() noexcept;

  // Installs the observer (an empty function removes it); returns the previous one.
  QueryObserver set_query_observer(QueryObserver observer);
  bool has_query_observer() const noexcept { return static_cast<bool>(observer_); }

  // Quotes an identifier (table, column) for inclusion in SQL text, using the server's rules.
  std::string quote_identifier(std::string_view name) const;

  // Whether the connection is up, as libpq last saw it (no round trip).
  bool is_open() const noexcept;
  // A round trip that proves the server answers; false when the connection is broken or the
  // answer does not come within timeout (the connection is then closed).
  bool ping(std::chrono::milliseconds timeout = kHousekeepingTimeout) noexcept;
  // A check without a round trip, for a connection that sat idle: the server sends nothing to
  // an idle session unless it is going away (pg_terminate_backend, shutdown: a FATAL then EOF)
  // or has a NOTIFY/ParameterStatus. So no pending input means alive; pending input is read,
  // and if the connection survived that, a ping() settles it. False when broken.
  bool idle_check(std::chrono::milliseconds timeout = kHousekeepingTimeout) noexcept;
  // Whether the socket has unread input (poll with zero timeout), without reading it.
  bool has_pending_input() const noexcept;
  // Where the session stands: PQTRANS_IDLE, PQTRANS_INTRANS, PQTRANS_INERROR, ...
  PGTransactionStatusType transaction_status() const noexcept;
  // Host and port this connection went to (the one chosen from a multi-host conninfo).
  std::string host() const;
  std::string port() const;
  int backend_pid() const noexcept;
  int server_version() const noexcept;
  PGconn* native() const noexcept { return conn_; }
  // Closes the connection now (is_open() is false afterwards); used when its state is unknown.
  void close() noexcept;

 private:
  // Wraps a result; throws SqlError/ConnectionError for a failed one.
  Result check(PGresult* res);
  // Reads every result of the statement sent last; returns the last or throws the first error.
  // With a deadline, waits for each result only until then (see exec_within).
  Result collect(const std::chrono::steady_clock::time_point* deadline = nullptr);
  // The statements themselves, unobserved.
  Result run_exec(const std::string& sql);
  Result run_params(const std::string& sql, const std::vector<Param>& params);
  Result run_prepared(const std::string& sql, const std::vector<Param>& params);
  PGconn* conn_ = nullptr;
  QueryObserver observer_;
  // SQL text -> server-side statement name, for exec_prepared. Lives and dies with conn_.
  std::unique_ptr<std::unordered_map<std::string, std::string>> prepared_;
  unsigned long next_statement_ = 0;
};

}  // namespace azora
