// error.hpp — the client library's exception types.
//
// Every failure is an azora::Error. Errors reported by the server keep their SQLSTATE (and
// detail and hint) so callers can branch on e.g. "23505" (unique_violation) like with libpqxx.
#pragma once

#include <stdexcept>
#include <string>

namespace azora {

// Base of every exception the library throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The server reported an error for a statement; the connection is still usable.
class SqlError : public Error {
 public:
  SqlError(const std::string& message, std::string sqlstate, std::string detail = {},
           std::string hint = {})
      : Error(message),
        sqlstate_(std::move(sqlstate)),
        detail_(std::move(detail)),
        hint_(std::move(hint)) {}
  // The five-character SQLSTATE, e.g. "42P01".
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  const std::string& detail() const noexcept { return detail_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  std::string sqlstate_;
  std::string detail_;
  std::string hint_;
};

// Connecting failed, or the connection was lost (server restart, pg_terminate_backend, network).
// sqlstate() is the server's when it sent one (e.g. "57P01"), otherwise "08006".
class ConnectionError : public SqlError {
 public:
  using SqlError::SqlError;
};

// A wait ran past its deadline (connect timeout, pool exhaustion, a housekeeping or pipeline
// deadline: the connection is then closed).
class TimeoutError : public Error {
 public:
  using Error::Error;
};

// The caller passed something the library refuses (bad option, tampered cursor, unknown field).
class UsageError : public Error {
 public:
  using Error::Error;
};

// A pipelined statement that the server skipped because an earlier one in the same
// synchronisation segment failed (libpq's PGRES_PIPELINE_ABORTED).
class PipelineAborted : public Error {
 public:
  using Error::Error;
};

// A pagination cursor that does not decode, does not verify or has expired: tampered with,
// truncated, or made with another key or for another listing or filter.
class InvalidCursor : public UsageError {
 public:
  using UsageError::UsageError;
};

}  // namespace azora
