// connection.cpp — Connection over libpq (see connection.hpp).
#include "azora/connection.hpp"

#include <memory>

namespace azora {

namespace {

std::string field(const PGresult* res, int code) {
  const char* v = res ? PQresultErrorField(res, code) : nullptr;
  return v ? v : "";
}

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Connection::Connection(const std::string& conninfo, std::chrono::milliseconds connect_timeout) {
  // libpq's connect_timeout is whole seconds (minimum 2); round up so we never wait less.
  long secs = static_cast<long>((connect_timeout.count() + 999) / 1000);
  if (secs < 2) secs = 2;
  const std::string timeout = std::to_string(secs);
  const char* keys[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {conninfo.c_str(), timeout.c_str(), nullptr};
  // expand_dbname=1: the conninfo string is parsed and its own settings win.
  conn_ = PQconnectdbParams(keys, values, 1);
  if (conn_ == nullptr) throw ConnectionError("out of memory allocating a connection", "08000");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = trimmed(PQerrorMessage(conn_));
    close();
    if (msg.find("timeout expired") != std::string::npos)
      throw TimeoutError("connection timed out: " + msg);
    throw ConnectionError("could not connect: " + msg, "08001");
  }
}

Connection::~Connection() { close(); }

Connection::Connection(Connection&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    conn_ = other.conn_;
    other.conn_ = nullptr;
  }
  return *this;
}

void Connection::close() noexcept {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
}

Result Connection::check(PGresult* raw) {
  Result res(raw);
  ExecStatusType st = res.status();
  if (raw != nullptr && st != PGRES_FATAL_ERROR && st != PGRES_BAD_RESPONSE &&
      st != PGRES_NONFATAL_ERROR)
    return res;
  std::string message = raw ? trimmed(PQresultErrorMessage(raw)) : trimmed(PQerrorMessage(conn_));
  std::string sqlstate = field(raw, PG_DIAG_SQLSTATE);
  if (PQstatus(conn_) != CONNECTION_OK) {
    throw ConnectionError("connection lost: " + message, sqlstate.empty() ? "08006" : sqlstate);
  }
  throw SqlError(message, sqlstate.empty() ? "XX000" : sqlstate, field(raw, PG_DIAG_MESSAGE_DETAIL),
                 field(raw, PG_DIAG_MESSAGE_HINT));
}

Result Connection::exec(const std::string& sql) {
  if (conn_ == nullptr) throw ConnectionError("connection is closed", "08003");
  return check(PQexec(conn_, sql.c_str()));
}

Result Connection::exec_params(const std::string& sql, const std::vector<Param>& params) {
  if (conn_ == nullptr) throw ConnectionError("connection is closed", "08003");
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  return check(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, 0));
}

std::string Connection::quote_identifier(std::string_view name) const {
  if (conn_ == nullptr) throw ConnectionError("connection is closed", "08003");
  std::unique_ptr<char, decltype(&PQfreemem)> quoted(
      PQescapeIdentifier(conn_, name.data(), name.size()), &PQfreemem);
  if (!quoted) throw UsageError("cannot quote identifier: " + trimmed(PQerrorMessage(conn_)));
  return quoted.get();
}

bool Connection::is_open() const noexcept {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::ping() noexcept {
  if (!is_open()) return false;
  Result res(PQexec(conn_, ""));
  return res.status() == PGRES_EMPTY_QUERY && PQstatus(conn_) == CONNECTION_OK;
}

int Connection::backend_pid() const noexcept { return conn_ ? PQbackendPID(conn_) : 0; }

int Connection::server_version() const noexcept { return conn_ ? PQserverVersion(conn_) : 0; }

}  // namespace azora
