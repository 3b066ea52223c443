// api_error.hpp — ApiError: a request the API refuses, with its HTTP status and a stable code.
//
// Handlers throw it for bad input (400), unknown ids and pages past the end (404), or an
// unavailable database (503); the server turns it into {"error": message, "code": code}.
// The codes are part of the API contract (docs/example-api.md): clients branch on them.
#pragma once

#include <stdexcept>
#include <string>

namespace azora::example {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }

 private:
  int status_;
  std::string code_;
};

}  // namespace azora::example
