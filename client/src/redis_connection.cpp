// redis_connection.cpp — hiredis RAII wrappers (see redis_connection.hpp).
#include "azora/redis_connection.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

namespace azora {

namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

}  // namespace

void RedisReply::Free::operator()(redisReply* r) const noexcept {
  freeReplyObject(r);
}

RedisReply::RedisReply(redisReply* r) noexcept : reply_(r) {}
int RedisReply::type() const noexcept {
  return reply_ ? reply_->type : REDIS_REPLY_NIL;
}
bool RedisReply::is_nil() const noexcept {
  return type() == REDIS_REPLY_NIL;
}
std::string_view RedisReply::str() const noexcept {
  if (!reply_ || reply_->str == nullptr) return {};
  return {reply_->str, reply_->len};
}
long long RedisReply::integer() const noexcept {
  return reply_ ? reply_->integer : 0;
}
std::size_t RedisReply::elements() const noexcept {
  return reply_ && reply_->type == REDIS_REPLY_ARRAY ? reply_->elements : 0;
}
const redisReply* RedisReply::element(std::size_t i) const noexcept {
  return i < elements() ? reply_->element[i] : nullptr;
}

RedisConnection::RedisConnection(const RedisEndpoint& ep) {
  if (ep.port <= 0 || ep.port > 65535)
    throw UsageError("redis: port must be 1..65535, got " + std::to_string(ep.port));
  if (ep.connect_timeout.count() <= 0 || ep.command_timeout.count() <= 0)
    throw UsageError("redis: timeouts must be positive");
  ctx_ = redisConnectWithTimeout(ep.host.c_str(), ep.port, to_timeval(ep.connect_timeout));
  if (ctx_ == nullptr) throw RedisError("redis: out of memory allocating a context", true);
  if (ctx_->err != 0) {
    const std::string msg =
        "redis: connect to " + ep.host + ":" + std::to_string(ep.port) + " failed: " + ctx_->errstr;
    redisFree(ctx_);
    ctx_ = nullptr;
    throw RedisError(msg, true);
  }
  // A short command timeout is what makes a hung server fail fast instead of stalling requests.
  redisSetTimeout(ctx_, to_timeval(ep.command_timeout));
  redisEnableKeepAlive(ctx_);
  try {
    if (!ep.password.empty()) command({"AUTH", ep.password});
    if (ep.database != 0) command({"SELECT", std::to_string(ep.database)});
  } catch (...) {
    redisFree(ctx_);
    ctx_ = nullptr;
    throw;
  }
}

RedisConnection::~RedisConnection() {
  if (ctx_ != nullptr) redisFree(ctx_);
}

bool RedisConnection::broken() const noexcept {
  return ctx_ == nullptr || ctx_->err != 0;
}

RedisReply RedisConnection::command(const std::vector<std::string_view>& args) {
  if (broken()) throw RedisError("redis: connection is broken", true);
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (std::string_view a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* raw = static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), lens.data()));
  if (raw == nullptr)
    throw RedisError(std::string("redis: ") + (ctx_->errstr[0] ? ctx_->errstr : "I/O error"), true);
  RedisReply reply(raw);
  if (reply.type() == REDIS_REPLY_ERROR)
    throw RedisError(
        "redis: " + std::string(args.empty() ? "" : args[0]) + ": " + std::string(reply.str()),
        false);
  return reply;
}

}  // namespace azora
