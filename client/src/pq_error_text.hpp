// pq_error_text.hpp — reading libpq's error reports: one field of a result, a trimmed message.
// Internal to the library (connection.cpp, pipeline.cpp).
#pragma once

#include <libpq-fe.h>

#include <string>

namespace azora::detail {

// A diagnostic field (PG_DIAG_SQLSTATE, PG_DIAG_MESSAGE_HINT, ...) of res, or "".
inline std::string error_field(const PGresult* res, int code) {
  const char* v = res ? PQresultErrorField(res, code) : nullptr;
  return v ? v : "";
}

// libpq's messages end with a newline; exceptions' what() should not.
inline std::string trimmed_message(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace azora::detail
