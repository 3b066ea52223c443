// redis_cache.cpp — fail-open cache-aside over Redis (see redis_cache.hpp).
#include "azora/redis_cache.hpp"

#include <hiredis/hiredis.h>

#include <mutex>

namespace azora {

namespace {

constexpr const char* kErrorsMetric = "azora_cache_errors_total";
// Keys per SCAN round: large enough to finish quickly, small enough that each UNLINK stays a
// short command on the server.
constexpr const char* kScanCount = "500";

}  // namespace

struct RedisCache::Slot {
  std::mutex mu;
  std::unique_ptr<RedisConnection> conn;
  // Whether conn has had a reply yet. A hung server still accepts TCP connections (the kernel
  // completes the handshake), so a connect alone proves nothing: only a reply resets the backoff,
  // and a fresh connection that fails before its first reply counts as a failed attempt.
  bool proven = false;
};

RedisCache::RedisCache(RedisCacheOptions options)
    : opts_(std::move(options)), backoff_(opts_.backoff_min, opts_.backoff_max) {
  if (opts_.connections < 1 || opts_.connections > 64)
    throw UsageError("redis cache: connections must be 1..64");
  if (opts_.port <= 0 || opts_.port > 65535) throw UsageError("redis cache: bad port");
  if (opts_.connect_timeout.count() <= 0 || opts_.command_timeout.count() <= 0)
    throw UsageError("redis cache: timeouts must be positive");
  endpoint_ =
      RedisEndpoint{opts_.host,     opts_.port,    opts_.connect_timeout, opts_.command_timeout,
                    opts_.password, opts_.database};
  for (int i = 0; i < opts_.connections; i++) slots_.push_back(std::make_unique<Slot>());
  if (opts_.encryption)
    cipher_.emplace(opts_.encryption->keys, opts_.encryption->current_key);  // UsageError
  if (opts_.metrics != nullptr) {
    const metrics::Labels labels{{"cache", opts_.name}};
    m_hits_ = &opts_.metrics->counter(metrics::names::kCacheHits,
                                      "Cache lookups that found the key.", labels);
    m_misses_ = &opts_.metrics->counter(metrics::names::kCacheMisses,
                                        "Cache lookups that did not find the key.", labels);
    m_errors_ = &opts_.metrics->counter(
        kErrorsMetric, "Cache operations that failed and were answered without the cache.", labels);
    m_rejected_ = &opts_.metrics->counter(
        "azora_cache_rejected_total",
        "Cached values refused (failed to decrypt or verify, or plaintext where encryption is "
        "required) and treated as misses.",
        labels);
    m_invalidation_failures_ = &opts_.metrics->counter(
        "azora_cache_invalidation_failures_total",
        "invalidate_pattern() calls that failed midway: matching keys may remain cached.", labels);
  }
}

RedisCache::~RedisCache() = default;

std::string RedisCache::full_key(std::string_view key) const {
  std::string k;
  k.reserve(opts_.key_prefix.size() + key.size());
  k += opts_.key_prefix;
  k += key;
  return k;
}

void RedisCache::count_error() noexcept {
  errors_.fetch_add(1, std::memory_order_relaxed);
  if (m_errors_) m_errors_->inc();
}

void RedisCache::connect(Slot& slot) {
  if (!backoff_.try_begin_attempt())
    throw RedisError("redis: unavailable, waiting before reconnecting", true);
  connects_.fetch_add(1, std::memory_order_relaxed);
  try {
    slot.conn = std::make_unique<RedisConnection>(endpoint_);
  } catch (const RedisError&) {
    backoff_.failed();
    throw;
  }
  slot.proven = false;
}

RedisReply RedisCache::execute(const std::vector<std::string_view>& args) {
  Slot& slot = *slots_[next_slot_.fetch_add(1, std::memory_order_relaxed) % slots_.size()];
  std::lock_guard<std::mutex> lk(slot.mu);
  // A proven connection that broke (server restarted, connection killed) is replaced on the next
  // call at once; a failed connect, or a new connection failing before its first reply, arms the
  // backoff.
  if (!slot.conn || slot.conn->broken()) {
    slot.conn.reset();
    connect(slot);
  }
  try {
    RedisReply reply = slot.conn->command(args);
    if (!slot.proven) {
      slot.proven = true;
      backoff_.succeeded();
    }
    return reply;
  } catch (const RedisError& e) {
    if (!e.connection_lost() && !slot.proven) {
      slot.proven = true;  // an error reply is still a reply
      backoff_.succeeded();
    }
    if (slot.conn->broken()) {
      if (!slot.proven) backoff_.failed();
      slot.conn.reset();
    }
    throw;
  }
}

bool RedisCache::sealed(std::string_view key, Protection protection) const {
  if (protection == Protection::encrypted) {
    if (!cipher_) throw UsageError("redis cache: encryption asked for, but no encryption keys");
    return true;
  }
  if (!opts_.encryption) return false;
  for (const std::string& p : opts_.encryption->prefixes)
    if (key.substr(0, p.size()) == p) return true;
  return false;
}

std::optional<std::string> RedisCache::get_full(const std::string& full, bool must_seal, bool count,
                                                bool* failed) {
  std::optional<std::string> value;
  try {
    RedisReply r = execute({"GET", full});
    if (r.type() == REDIS_REPLY_STRING) {
      const std::string_view stored = r.str();
      if (ValueCipher::is_sealed(stored)) {
        // Sealed values are opened whatever the call says; one that does not open (tampered,
        // moved from another key, unknown key id, no cipher) is never served.
        if (cipher_) value = cipher_->open(stored, full);
      } else if (!must_seal) {
        value.emplace(stored);
      }
      if (!value) {
        rejected_.fetch_add(1, std::memory_order_relaxed);
        if (m_rejected_) m_rejected_->inc();
      }
    }
  } catch (const RedisError&) {
    count_error();
    if (failed) *failed = true;
    return std::nullopt;
  }
  if (count) {
    (value ? hits_ : misses_).fetch_add(1, std::memory_order_relaxed);
    if (metrics::Counter* c = value ? m_hits_ : m_misses_) c->inc();
  }
  return value;
}

std::optional<std::string> RedisCache::get(std::string_view key, Protection protection) {
  return get_full(full_key(key), sealed(key, protection), true);
}

bool RedisCache::set_full(const std::string& full, std::string_view value,
                          std::chrono::milliseconds ttl, bool must_seal) {
  if (ttl.count() <= 0) throw UsageError("redis cache: ttl must be positive");
  const std::string stored = must_seal ? cipher_->seal(value, full) : std::string();
  const std::string px = std::to_string(ttl.count());
  try {
    execute({"SET", full, must_seal ? std::string_view(stored) : value, "PX", px});
    sets_.fetch_add(1, std::memory_order_relaxed);
    return true;
  } catch (const RedisError&) {
    count_error();
    return false;
  }
}

bool RedisCache::set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl,
                     Protection protection) {
  return set_full(full_key(key), value, ttl, sealed(key, protection));
}

bool RedisCache::del(std::string_view key) {
  const std::string full = full_key(key);
  try {
    const bool existed = execute({"UNLINK", full}).integer() > 0;
    if (existed) deletes_.fetch_add(1, std::memory_order_relaxed);
    return existed;
  } catch (const RedisError&) {
    count_error();
    return false;
  }
}

std::string RedisCache::get_or_set(std::string_view key, const Loader& loader,
                                   std::chrono::milliseconds ttl, Protection protection) {
  if (ttl.count() <= 0) throw UsageError("redis cache: ttl must be positive");
  const std::string full = full_key(key);
  const bool must_seal = sealed(key, protection);
  bool redis_failed = false;
  if (auto hit = get_full(full, must_seal, true, &redis_failed)) return *std::move(hit);

  SingleFlight::Outcome out = flight_.run(full, [&]() -> std::string {
    // Re-check: a caller that missed just before another leader stored the value must not load
    // again. Skipped when Redis just failed (it would fail too, and waste a timeout).
    if (!redis_failed)
      if (auto hit = get_full(full, must_seal, false)) return *std::move(hit);
    loads_.fetch_add(1, std::memory_order_relaxed);
    std::string value = loader();
    set_full(full, value, ttl, must_seal);
    return value;
  });
  return std::move(out.value);
}

nlohmann::json RedisCache::get_or_set_json(std::string_view key,
                                           const std::function<nlohmann::json()>& loader,
                                           std::chrono::milliseconds ttl, Protection protection) {
  const std::string text = get_or_set(
      key, [&] { return loader().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); },
      ttl, protection);
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    // Not JSON (written by someone else under our key): drop it and serve the loader's value.
    del(key);
    return loader();
  }
  return doc;
}

void RedisCache::write_through(std::string_view key, const std::function<void()>& write_db) {
  write_db();
  del(key);
}

RedisCache::Invalidation RedisCache::invalidate_pattern(std::string_view pattern) {
  if (pattern.empty()) throw UsageError("redis cache: empty invalidation pattern");
  const std::string match = full_key(pattern);
  Invalidation result;
  std::string cursor = "0";
  try {
    do {
      RedisReply r = execute({"SCAN", cursor, "MATCH", match, "COUNT", kScanCount});
      const redisReply* next = r.element(0);
      const redisReply* batch = r.element(1);
      if (r.elements() != 2 || next == nullptr || batch == nullptr ||
          next->type != REDIS_REPLY_STRING || batch->type != REDIS_REPLY_ARRAY)
        throw RedisError("redis: unexpected SCAN reply", false);
      cursor.assign(next->str, next->len);
      if (batch->elements > 0) {
        std::vector<std::string_view> args{"UNLINK"};
        for (std::size_t i = 0; i < batch->elements; i++)
          args.emplace_back(batch->element[i]->str, batch->element[i]->len);
        const long long n = execute(args).integer();
        result.removed += static_cast<std::size_t>(n);
        invalidated_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
      }
    } while (cursor != "0");
  } catch (const RedisError&) {
    count_error();
    result.complete = false;
    invalidation_failures_.fetch_add(1, std::memory_order_relaxed);
    if (m_invalidation_failures_) m_invalidation_failures_->inc();
  }
  return result;
}

bool RedisCache::ping() {
  try {
    return execute({"PING"}).str() == "PONG";
  } catch (const RedisError&) {
    count_error();
    return false;
  }
}

CacheStats RedisCache::stats() {
  CacheStats s;
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  s.sets = sets_.load(std::memory_order_relaxed);
  s.deletes = deletes_.load(std::memory_order_relaxed);
  s.invalidated = invalidated_.load(std::memory_order_relaxed);
  s.loads = loads_.load(std::memory_order_relaxed);
  s.coalesced = flight_.joined();
  s.connects = connects_.load(std::memory_order_relaxed);
  s.rejected = rejected_.load(std::memory_order_relaxed);
  s.invalidation_failures = invalidation_failures_.load(std::memory_order_relaxed);
  try {
    s.dbsize = execute({"DBSIZE"}).integer();
  } catch (const RedisError&) {
    count_error();
  }
  s.errors = errors_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace azora
