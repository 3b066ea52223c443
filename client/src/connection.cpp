// connection.cpp — Connection over libpq (see connection.hpp).
#include "azora/connection.hpp"

#include "pq_error_text.hpp"
#include "pq_wait.hpp"

#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace azora {

namespace {

// The connect_timeout libpq used (the conninfo may set its own), as libpq applies it: 2 at
// least, 0 for none (0 or negative in the conninfo); `fallback` when it cannot be read.
long effective_connect_timeout(PGconn* c, long fallback) {
  long secs = fallback;
  if (PQconninfoOption* opts = PQconninfo(c)) {
    for (PQconninfoOption* o = opts; o->keyword != nullptr; o++)
      if (std::strcmp(o->keyword, "connect_timeout") == 0 && o->val != nullptr && *o->val)
        secs = std::strtol(o->val, nullptr, 10);
    PQconninfoFree(opts);
  }
  if (secs <= 0) return 0;
  return secs < 2 ? 2 : secs;
}

}  // namespace

Connection::Connection(const std::string& conninfo, std::chrono::milliseconds connect_timeout)
    : Connection(conninfo, connect_timeout, {}) {}

Connection::Connection(const std::string& conninfo, std::chrono::milliseconds connect_timeout,
                       const std::vector<std::pair<std::string, std::string>>& overrides) {
  // libpq's connect_timeout is whole seconds (minimum 2); round up so we never wait less.
  long secs = static_cast<long>((connect_timeout.count() + 999) / 1000);
  if (secs < 2) secs = 2;
  const std::string timeout = std::to_string(secs);
  // connect_timeout and the TCP defaults come first so the conninfo's own settings win;
  // overrides come after the conninfo (later keywords override what the expanded dbname set).
  std::vector<const char*> keys = {"connect_timeout"};
  std::vector<const char*> values = {timeout.c_str()};
  for (const auto& [k, v] : kDefaultTcpSettings) {
    keys.push_back(k);
    values.push_back(v);
  }
  keys.push_back("dbname");
  values.push_back(conninfo.c_str());
  for (const auto& [k, v] : overrides) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  // expand_dbname=1: the conninfo string (or URI) is parsed as a whole set of settings.
  const auto start = std::chrono::steady_clock::now();
  conn_ = PQconnectdbParams(keys.data(), values.data(), 1);
  if (conn_ == nullptr) throw ConnectionError("out of memory allocating a connection", "08000");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = detail::trimmed_message(PQerrorMessage(conn_));
    const long limit = effective_connect_timeout(conn_, secs);
    close();
    // libpq reports its connect timeout with a translated message and no SQLSTATE, so the
    // message cannot tell (in German it is "Timeout abgelaufen"). The clock can: libpq gives
    // up on a host once `limit` whole seconds of time(NULL) have passed, i.e. after more than
    // limit - 1 seconds; a refused, unreachable or rejected connection fails long before.
    if (limit > 0 && std::chrono::steady_clock::now() - start >= std::chrono::seconds(limit - 1))
      throw TimeoutError("connection timed out: " + msg);
    throw ConnectionError("could not connect: " + msg, "08001");
  }
}

Connection::~Connection() {
  close();
}

Connection::Connection(Connection&& other) noexcept
    : conn_(other.conn_),
      observer_(std::move(other.observer_)),
      prepared_(std::move(other.prepared_)),
      next_statement_(other.next_statement_) {
  other.conn_ = nullptr;
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    conn_ = other.conn_;
    other.conn_ = nullptr;
    prepared_ = std::move(other.prepared_);
    next_statement_ = other.next_statement_;
    observer_ = std::move(other.observer_);
  }
  return *this;
}

void Connection::close() noexcept {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
  prepared_.reset();
}

Result Connection::check(PGresult* raw) {
  Result res(raw);
  ExecStatusType st = res.status();
  if (raw != nullptr && st != PGRES_FATAL_ERROR && st != PGRES_BAD_RESPONSE &&
      st != PGRES_NONFATAL_ERROR)
    return res;
  std::string message = raw ? detail::trimmed_message(PQresultErrorMessage(raw))
                            : detail::trimmed_message(PQerrorMessage(conn_));
  std::string sqlstate = detail::error_field(raw, PG_DIAG_SQLSTATE);
  if (PQstatus(conn_) != CONNECTION_OK) {
    throw ConnectionError("connection lost: " + message, sqlstate.empty() ? "08006" : sqlstate);
  }
  throw SqlError(message, sqlstate.empty() ? "XX000" : sqlstate,
                 detail::error_field(raw, PG_DIAG_MESSAGE_DETAIL),
                 detail::error_field(raw, PG_DIAG_MESSAGE_HINT));
}

// PQexec keeps only the last result; when the server sends a FATAL and then closes the
// connection, that last one is libpq's own "server closed the connection" without a SQLSTATE.
// Collecting the results ourselves keeps the first error, with the server's SQLSTATE (57P01).
Result Connection::collect(const std::chrono::steady_clock::time_point* deadline) {
  PGresult* first_error = nullptr;
  PGresult* last = nullptr;
  for (;;) {
    if (deadline != nullptr && !detail::await_result(conn_, *deadline)) {
      if (first_error != nullptr) PQclear(first_error);
      if (last != nullptr) PQclear(last);
      close();
      throw TimeoutError("no answer from the server in time; connection closed");
    }
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) break;
    ExecStatusType st = PQresultStatus(r);
    if ((st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) && first_error == nullptr) {
      first_error = r;
      continue;
    }
    if (last != nullptr) PQclear(last);
    last = r;
    if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) break;
    if (PQstatus(conn_) != CONNECTION_OK) break;
  }
  if (first_error != nullptr) {
    if (last != nullptr) PQclear(last);
    return check(first_error);
  }
  return check(last);
}

namespace {

// Runs a statement and reports it to the observer, failures included (then rethrown as is).
template <class F>
Result observed(const QueryObserver& observer, const std::string& sql, F&& run) {
  const auto start = std::chrono::steady_clock::now();
  try {
    Result r = run();
    observer(sql, std::chrono::steady_clock::now() - start, nullptr);
    return r;
  } catch (const SqlError& e) {
    observer(sql, std::chrono::steady_clock::now() - start, &e.sqlstate());
    throw;
  }
}

}  // namespace

QueryObserver Connection::set_query_observer(QueryObserver observer) {
  return std::exchange(observer_, std::move(observer));
}

Result Connection::exec(const std::string& sql) {
  if (!observer_) return run_exec(sql);
  return observed(observer_, sql, [&] { return run_exec(sql); });
}

Result Connection::exec_params(const std::string& sql, const std::vector<Param>& params) {
  if (!observer_) return run_params(sql, params);
  return observed(observer_, sql, [&] { return run_params(sql, params); });
}

Result Connection::exec_prepared(const std::string& sql, const std::vector<Param>& params) {
  if (!observer_) return run_prepared(sql, params);
  return observed(observer_, sql, [&] { return run_prepared(sql, params); });
}

Result Connection::run_exec(const std::string& sql) {
  if (conn_ == nullptr) throw ConnectionError("connection is closed", "08003");
  if (PQsendQuery(conn_, sql.c_str()) == 0) return check(nullptr);
  return collect();
}

Result Connection::exec_within(const std::string& sql, std::chrono::milliseconds timeout) {
  if (conn_ == nullptr) throw ConnectionError("connection is closed", "08003");
  const auto deadline = detail::WaitClock::now() + timeout;
  // Non-blocking while sending, so a server that stopped reading cannot block the write either.
  if (PQsetnonblocking(conn_, 1) != 0) return check(nullptr);
  const bool sent = PQsendQuery(conn_, sql.c_str()) != 0;
  const bool flushed = !sent || detail::flush_until(conn_, deadline);
  PQsetnonblocking(conn_, 0);
  if (!sent) return check(nullptr);
  if (!flushed) {
    close();
    throw TimeoutError("could not send to the server in time; connection closed");
  }
  return collect(&deadline);
}

Result Connection::run_params(const std::string& sql, const std::vector<Param>& params) {
  if (conn_ == nullptr) throw ConnectionError("connection is closed", "08003");
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, 0) == 0)
    return check(nullptr);
  return collect();
}

const std::string* Connection::find_prepared(const std::string& sql) const {
  if (!prepared_) return nullptr;
  auto it = prepared_->find(sql);
  return it == prepared_->end() ? nullptr : &it->second;
}

std::string Connection::new_statement_name() {
  if (prepared_ && prepared_->size() >= kMaxPrepared) return "";
  return "azora_s" + std::to_string(++next_statement_);
}

void Connection::remember_prepared(const std::string& sql, std::string name) {
  if (!prepared_) prepared_ = std::make_unique<std::unordered_map<std::string, std::string>>();
  (*prepared_)[sql] = std::move(name);
}

void Connection::forget_prepared(const std::string& sql) {
  if (prepared_) prepared_->erase(sql);
}

void Connection::forget_all_prepared() noexcept {
  if (prepared_) prepared_->clear();
}

Result Connection::run_prepared(const std::string& sql, const std::vector<Param>& params) {
  if (conn_ == nullptr) throw ConnectionError("connection is closed", "08003");
  if (!prepared_) prepared_ = std::make_unique<std::unordered_map<std::string, std::string>>();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  for (int attempt = 0;; attempt++) {
    auto it = prepared_->find(sql);
    if (it == prepared_->end()) {
      if (prepared_->size() >= kMaxPrepared) {
        // Full: drop one (any) statement rather than grow without bound.
        auto victim = prepared_->begin();
        run_exec("DEALLOCATE " + quote_identifier(victim->second));
        prepared_->erase(victim);
      }
      std::string name = new_statement_name();
      check(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
      it = prepared_->emplace(sql, std::move(name)).first;
    }
    try {
      if (PQsendQueryPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                              values.data(), nullptr, nullptr, 0) == 0)
        return check(nullptr);
      return collect();
    } catch (const SqlError& e) {
      // Someone ran DEALLOCATE ALL / DISCARD ALL on this session: prepare again and retry,
      // once, and only outside a transaction (inside one the error aborted it: a retry would
      // only hide the real error behind "current transaction is aborted").
      if (e.sqlstate() != "26000") throw;
      prepared_->erase(it);
      if (attempt > 0 || PQtransactionStatus(conn_) != PQTRANS_IDLE) throw;
    }
  }
}

std::string Connection::quote_identifier(std::string_view name) const {
  if (conn_ == nullptr) throw ConnectionError("connection is closed", "08003");
  std::unique_ptr<char, decltype(&PQfreemem)> quoted(
      PQescapeIdentifier(conn_, name.data(), name.size()), &PQfreemem);
  if (!quoted)
    throw UsageError("cannot quote identifier: " + detail::trimmed_message(PQerrorMessage(conn_)));
  return quoted.get();
}

bool Connection::is_open() const noexcept {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::ping(std::chrono::milliseconds timeout) noexcept {
  if (!is_open()) return false;
  try {
    Result res = exec_within("", timeout);
    return res.status() == PGRES_EMPTY_QUERY && PQstatus(conn_) == CONNECTION_OK;
  } catch (...) {
    return false;
  }
}

bool Connection::has_pending_input() const noexcept {
  if (!is_open()) return false;
  pollfd p{PQsocket(conn_), POLLIN, 0};
  int n;
  do n = ::poll(&p, 1, 0);
  while (n < 0 && errno == EINTR);
  return n != 0;  // readable, hung up, or an error: all mean "look closer"
}

bool Connection::idle_check(std::chrono::milliseconds timeout) noexcept {
  if (!is_open()) return false;
  if (!has_pending_input()) return true;
  if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) return false;
  // Drop NOTIFYs nobody asked for; then prove the session is alive.
  while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
  return ping(timeout);
}

PGTransactionStatusType Connection::transaction_status() const noexcept {
  return conn_ ? PQtransactionStatus(conn_) : PQTRANS_UNKNOWN;
}

std::string Connection::host() const {
  const char* h = conn_ ? PQhost(conn_) : nullptr;
  return h ? h : "";
}

std::string Connection::port() const {
  const char* p = conn_ ? PQport(conn_) : nullptr;
  return p ? p : "";
}

int Connection::backend_pid() const noexcept {
  return conn_ ? PQbackendPID(conn_) : 0;
}

int Connection::server_version() const noexcept {
  return conn_ ? PQserverVersion(conn_) : 0;
}

}  // namespace azora
