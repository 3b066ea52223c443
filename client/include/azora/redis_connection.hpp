// redis_connection.hpp — RedisConnection: one RAII hiredis connection with connect and command
// timeouts, and RedisReply, an owning redisReply.
//
// Not thread-safe (a hiredis context is not): RedisCache guards each one with a mutex. After an
// I/O error or a timeout hiredis leaves the context unusable; broken() then says so and the owner
// must replace the connection.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "azora/error.hpp"

struct redisContext;
struct redisReply;

namespace azora {

// A Redis operation failed: connection refused or lost, timeout, the server answered with an
// error, or the cache is backing off after failures (connection_lost() tells which kind).
class RedisError : public Error {
 public:
  RedisError(const std::string& message, bool connection_lost)
      : Error(message), connection_lost_(connection_lost) {}
  // True when the server could not be reached or the connection broke (not a command error).
  bool connection_lost() const noexcept { return connection_lost_; }

 private:
  bool connection_lost_;
};

class RedisReply {
 public:
  RedisReply() = default;
  explicit RedisReply(redisReply* r) noexcept;
  // REDIS_REPLY_* of hiredis (string 1, array 2, integer 3, nil 4, status 5, error 6).
  int type() const noexcept;
  bool is_nil() const noexcept;
  std::string_view str() const noexcept;  // string, status or error text
  long long integer() const noexcept;
  std::size_t elements() const noexcept;
  const redisReply* element(std::size_t i) const noexcept;
  const redisReply* native() const noexcept { return reply_.get(); }

 private:
  struct Free {
    void operator()(redisReply* r) const noexcept;
  };
  std::unique_ptr<redisReply, Free> reply_;
};

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::chrono::milliseconds connect_timeout{200};
  std::chrono::milliseconds command_timeout{200};
  std::string password;  // AUTH when not empty
  int database = 0;      // SELECT when not 0
};

class RedisConnection {
 public:
  // Connects (and authenticates / selects the database). Throws RedisError.
  explicit RedisConnection(const RedisEndpoint& endpoint);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command (arguments are binary-safe, never interpolated into a format string) and
  // returns its reply. Throws RedisError for an I/O failure (then broken() is true) or an error
  // reply from the server (the connection stays usable).
  RedisReply command(const std::vector<std::string_view>& args);

  bool broken() const noexcept;

 private:
  redisContext* ctx_ = nullptr;
};

}  // namespace azora
