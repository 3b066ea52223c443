// async_cache_set.hpp — AsyncCacheSet: the seed guide's "write-behind" helper as the seed
// writes it — the database first, then the cache set asynchronously, a failure only logged.
//
// The caller has already written the database (the truth); it hands the new value over and
// returns at once. A background thread sets the cache, in submission order. The caller is never
// blocked and never fails because of Redis: when Redis is down or slow the set fails (counted),
// and when the queue is full the entry is dropped (counted) instead of waiting. Either way the
// cache keeps its previous value until its TTL, or misses: keep TTLs short for such keys.
//
// Compare WriteBehind (write_behind.hpp), the classic opposite: cache now, database later.
// AsyncCacheSet loses nothing that matters when the process dies (only cache sets); WriteBehind
// loses the queued database writes.
//
// Like any write-then-set, two concurrent writers of one key can leave the older value cached
// (their database order need not be their submit order) until its TTL; for contended keys use
// RedisCache::write_through, which deletes instead.
//
// Thread-safe: submit/flush/stats from any thread. The destructor runs the queued sets (each
// bounded by the cache's command timeout), then stops the worker.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "azora/redis_cache.hpp"

namespace azora {

struct AsyncCacheSetOptions {
  // Entries waiting beyond this are dropped (and counted), never waited for.
  std::size_t max_queue = 10000;
};

struct AsyncCacheSetStats {
  std::uint64_t submitted = 0;
  std::uint64_t set = 0;      // cache sets that succeeded
  std::uint64_t failed = 0;   // cache sets that failed (Redis down, slow, refusing)
  std::uint64_t dropped = 0;  // entries dropped because the queue was full
  std::size_t pending = 0;    // queued or running now
};

class AsyncCacheSet {
 public:
  // Failures and drops are also counted in the cache's registry (when it has one) as
  // azora_cache_async_set_failures_total{cache, reason="redis"|"queue_full"}.
  explicit AsyncCacheSet(RedisCache& cache, AsyncCacheSetOptions options = {});
  ~AsyncCacheSet();
  AsyncCacheSet(const AsyncCacheSet&) = delete;
  AsyncCacheSet& operator=(const AsyncCacheSet&) = delete;

  // Queues cache.set(key, value, ttl, protection) and returns at once: true when queued, false
  // when dropped (queue full). Call it after the database write succeeded. UsageError for a
  // ttl <= 0 or Protection::encrypted on a cache without keys (programming errors, found at
  // once rather than counted later).
  bool submit(std::string key, std::string value, std::chrono::milliseconds ttl,
              Protection protection = Protection::by_prefix);
  // Waits until every entry queued before the call has been set (or has failed).
  void flush();
  AsyncCacheSetStats stats() const;

 private:
  struct Entry {
    std::string key, value;
    std::chrono::milliseconds ttl;
    Protection protection;
  };
  void worker();

  RedisCache& cache_;
  AsyncCacheSetOptions opts_;
  metrics::Counter* m_failed_ = nullptr;
  metrics::Counter* m_dropped_ = nullptr;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // worker: an entry arrived or stop
  std::condition_variable done_cv_;  // flush: progress was made
  std::deque<Entry> queue_;
  bool running_ = false;
  bool stop_ = false;
  AsyncCacheSetStats stats_;
  std::thread thread_;  // last: starts after everything it uses exists
};

}  // namespace azora
