// write_behind.hpp — WriteBehind: update the cache now, write the database later, in order, on
// a background thread (classic write-behind; the seed guide's own helper, database first and
// the cache set asynchronously, is AsyncCacheSet in async_cache_set.hpp).
//
// Failure semantics (the price of answering before the database has the data):
//  - submit() caches the value at once (fail open: a Redis failure is counted by the cache).
//    The cache write and the enqueue happen under one lock, so the cache's order of values is
//    the database's order of writes: of two concurrent submits for a key, the one cached last
//    is also written last. The price: submits are serialised over the cache write (each
//    bounded by the cache's command_timeout when Redis is slow).
//  - The database write runs later on the worker thread, writes in submission order, one at a
//    time. When it throws, the key is deleted from the cache (so readers go back to the
//    database, which holds the truth; unless a later submit for the key is queued: the cache
//    then holds that newer value), stats().failed grows and on_error is called; the write
//    is not retried (callers needing retries do them inside write_db).
//  - Data-loss window: until the worker has run it, a write exists only in this process (and its
//    value in Redis). If the process dies without the destructor (SIGKILL, OOM killer, crash),
//    every queued write and the running one are lost — the database never gets them, nothing
//    replays them — while Redis keeps serving their values until the TTL. At most
//    stats().pending writes (<= max_queue + 1). Use write-through, or a database write plus
//    AsyncCacheSet (the seed's helper, async_cache_set.hpp), for data that must not be lost
//    (payments, wallet balances).
//  - The destructor flushes: it waits for every queued write, then stops the worker.
//
// Thread-safe: submit/flush/stats from any thread. Do not call submit() or flush() from inside
// write_db or on_error (they run on the worker: flush would wait for itself).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "azora/redis_cache.hpp"

namespace azora {

struct WriteBehindOptions {
  // Queued writes beyond this make submit() wait for room (backpressure instead of unbounded
  // memory when the database falls behind).
  std::size_t max_queue = 10000;
  // Called on the worker thread when a database write throws (exceptions from it are ignored).
  std::function<void(const std::string& key, std::exception_ptr error)> on_error;
};

struct WriteBehindStats {
  std::uint64_t submitted = 0;
  std::uint64_t written = 0;  // database writes that succeeded
  std::uint64_t failed = 0;   // database writes that threw
  std::size_t pending = 0;    // queued or running now
};

class WriteBehind {
 public:
  WriteBehind(RedisCache& cache, WriteBehindOptions options = {});
  ~WriteBehind();
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;

  // Caches value under key for ttl now and queues write_db. Throws UsageError for a ttl <= 0 or
  // an empty write_db.
  void submit(std::string key, std::string value, std::chrono::milliseconds ttl,
              std::function<void()> write_db);
  // Waits until every write submitted before the call has run.
  void flush();
  WriteBehindStats stats() const;

 private:
  struct Task {
    std::string key;
    std::function<void()> write_db;
  };
  void worker();

  RedisCache& cache_;
  WriteBehindOptions opts_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // worker: a task arrived or stop
  std::condition_variable idle_cv_;  // flush/submit: progress was made
  std::deque<Task> queue_;
  bool running_task_ = false;
  bool stop_ = false;
  WriteBehindStats stats_;
  std::thread thread_;  // last: starts after everything it uses exists
};

}  // namespace azora
