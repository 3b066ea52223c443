// redis_cache.hpp — RedisCache: cache-aside over Redis (the seed guide's cacheManager).
//
// Fails open: Redis is an optimisation, never a dependency. When Redis is down, slow or
// refusing, every call still succeeds — get() misses, get_or_set() runs the loader and returns
// its value, set()/del() do nothing — the error is counted (stats().errors and the
// azora_cache_errors_total metric), the broken connection is dropped, and a new one is tried on
// a later call after an exponential backoff (backoff_min .. backoff_max), so a dead server is
// neither hammered nor allowed to stall requests beyond the short connect/command timeouts.
// A connection that worked and then broke is replaced at once; the backoff starts when a
// connect fails, or when a new connection fails before its first reply (a hung server still
// accepts TCP connections).
//
// Single-flight: concurrent get_or_set() misses for one key run the loader once; the others
// wait for its value (or its exception: then nothing is cached and every caller gets it).
//
// Encryption (optional, "don't cache sensitive data without encryption"): with
// options.encryption set, values of keys under one of its prefixes (e.g. "wallet:") — or of any
// key on a call with Protection::encrypted — are stored sealed with AES-256-GCM (ValueCipher),
// bound to their full key, with the key id inside so keys can rotate. Reading such a key serves
// only a value that opens: anything else (tampered, moved from another key, unknown key id,
// plaintext where encryption is required) is a miss, counted in stats().rejected and
// azora_cache_rejected_total, never served.
//
// Thread-safe: every member may be called from any thread. hiredis contexts are not, so the
// cache keeps `connections` of them, each behind its own mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "azora/metrics.hpp"
#include "azora/detail/reconnect_backoff.hpp"
#include "azora/redis_connection.hpp"
#include "azora/single_flight.hpp"
#include "azora/value_cipher.hpp"

namespace azora {

// Which values are stored encrypted (see the header comment).
struct CacheEncryption {
  // Key id -> 32 random bytes (AES-256). Keep old ids while values sealed with them live.
  std::map<std::string, std::string> keys;
  std::string current_key;  // the id new values are sealed with
  // Keys (as passed to the cache, without key_prefix) starting with one of these are always
  // encrypted, e.g. {"wallet:"}; others only on a call with Protection::encrypted.
  std::vector<std::string> prefixes;
};

// Per call: whether this value must be encrypted beyond what the prefixes say.
enum class Protection { by_prefix, encrypted };

struct RedisCacheOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // AUTH when not empty
  int database = 0;      // SELECT when not 0
  // Short on purpose: a request waits at most about one of these for a dead or hung Redis.
  std::chrono::milliseconds connect_timeout{200};
  std::chrono::milliseconds command_timeout{200};
  // Prepended to every key and pattern, so applications sharing a Redis stay apart.
  std::string key_prefix = "azora:";
  // Reconnect backoff after a failed connect: min, doubling up to max.
  std::chrono::milliseconds backoff_min{100};
  std::chrono::milliseconds backoff_max{5000};
  // hiredis contexts (each used by one thread at a time).
  int connections = 2;
  // Where hit/miss/error counters go (label cache=<name>); nullptr records nowhere.
  metrics::Registry* metrics = &metrics::Registry::global();
  std::string name = "redis";
  // When set, values are encrypted as described above.
  std::optional<CacheEncryption> encryption;
};

struct CacheStats {
  std::uint64_t hits = 0;                   // get/get_or_set found the key
  std::uint64_t misses = 0;                 // ... did not
  std::uint64_t errors = 0;                 // Redis operations that failed (each one failed open)
  std::uint64_t sets = 0;                   // values written
  std::uint64_t deletes = 0;                // keys removed by del()
  std::uint64_t invalidated = 0;            // keys removed by invalidate_pattern()
  std::uint64_t invalidation_failures = 0;  // invalidate_pattern() calls that did not finish
  std::uint64_t loads = 0;                  // loader runs
  std::uint64_t coalesced = 0;  // get_or_set misses that waited for another caller's loader
  std::uint64_t connects = 0;   // connection attempts (initial and reconnects)
  std::uint64_t rejected = 0;   // stored values refused (did not decrypt/verify, or plaintext
                                // where encryption is required); each also counts as a miss
  // DBSIZE of the selected database at the time of stats() (all keys, not only key_prefix);
  // -1 when Redis could not be asked.
  long long dbsize = -1;
};

class RedisCache {
 public:
  using Loader = std::function<std::string()>;

  // Does not connect: the first call does (so constructing with Redis down is fine).
  // Throws UsageError for invalid options.
  explicit RedisCache(RedisCacheOptions options);
  ~RedisCache();
  RedisCache(const RedisCache&) = delete;
  RedisCache& operator=(const RedisCache&) = delete;

  // The cached value, or nullopt on a miss or a Redis failure. A sealed value is opened (and a
  // miss when it does not open); protection = encrypted refuses a plaintext value.
  std::optional<std::string> get(std::string_view key,
                                 Protection protection = Protection::by_prefix);
  // Stores value for ttl (> 0, millisecond resolution), sealed when the key's prefix or
  // protection says so (UsageError for Protection::encrypted without options.encryption).
  // Returns false when Redis failed.
  bool set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl,
           Protection protection = Protection::by_prefix);
  // Removes key; true when it existed.
  bool del(std::string_view key);

  // Cache-aside: the cached value, or loader()'s value, cached for ttl. Loader exceptions
  // propagate (nothing is cached). With Redis down: loader()'s value, uncached.
  std::string get_or_set(std::string_view key, const Loader& loader, std::chrono::milliseconds ttl,
                         Protection protection = Protection::by_prefix);
  // The same for JSON documents (stored as compact JSON text).
  nlohmann::json get_or_set_json(std::string_view key,
                                 const std::function<nlohmann::json()>& loader,
                                 std::chrono::milliseconds ttl,
                                 Protection protection = Protection::by_prefix);

  // Write-through, delete-after-write: runs write_db (the database update; its exceptions
  // propagate and leave the cache alone), then removes key, so the next read loads what the
  // database now holds. It does not cache the written value: of two concurrent writers, the one
  // whose database write came first could set its (older) value last and leave it cached; a
  // removal is right whatever the order. If Redis fails after the database write, the error is
  // counted and the old cached value may be served until its TTL expires.
  void write_through(std::string_view key, const std::function<void()>& write_db);

  // Removes every key matching the glob pattern (key_prefix is prepended) with SCAN + UNLINK in
  // batches: never KEYS, which blocks the server for the whole keyspace. Says how many keys it
  // removed and whether it finished: on a Redis failure midway, complete is false, keys matching
  // the pattern may remain (serve stale data until their TTL), and the failure is counted
  // (stats().invalidation_failures, azora_cache_invalidation_failures_total, and as an error).
  // Throws UsageError for an empty pattern.
  struct Invalidation {
    std::size_t removed = 0;  // keys removed (by this call)
    bool complete = true;     // the whole keyspace was scanned and every match removed
  };
  [[nodiscard]] Invalidation invalidate_pattern(std::string_view pattern);

  // Whether Redis answers PING now (counts an error when not).
  bool ping();

  CacheStats stats();
  const RedisCacheOptions& options() const noexcept { return opts_; }

 private:
  struct Slot;
  RedisReply execute(const std::vector<std::string_view>& args);
  void connect(Slot& slot);
  void count_error() noexcept;
  std::string full_key(std::string_view key) const;
  // Whether the value of key must be stored sealed (UsageError when that needs a cipher and
  // none is configured).
  bool sealed(std::string_view key, Protection protection) const;
  // GET of a prefixed key, opened when sealed; must_seal: a plaintext value is refused; count:
  // record hit/miss; *failed set when Redis failed.
  std::optional<std::string> get_full(const std::string& full, bool must_seal, bool count,
                                      bool* failed = nullptr);
  // SET of a prefixed key, sealed when must_seal.
  bool set_full(const std::string& full, std::string_view value, std::chrono::milliseconds ttl,
                bool must_seal);

  RedisCacheOptions opts_;
  RedisEndpoint endpoint_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<std::size_t> next_slot_{0};
  ReconnectBackoff backoff_;
  SingleFlight flight_;

  std::optional<ValueCipher> cipher_;
  std::atomic<std::uint64_t> hits_{0}, misses_{0}, errors_{0}, sets_{0}, deletes_{0},
      invalidated_{0}, loads_{0}, connects_{0}, rejected_{0}, invalidation_failures_{0};
  metrics::Counter* m_hits_ = nullptr;
  metrics::Counter* m_misses_ = nullptr;
  metrics::Counter* m_errors_ = nullptr;
  metrics::Counter* m_rejected_ = nullptr;
  metrics::Counter* m_invalidation_failures_ = nullptr;
};

}  // namespace azora
