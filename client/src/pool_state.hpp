// pool_state.hpp — the shared state behind a Pool (private to the library).
//
// Pool and every Lease share it (shared_ptr), so a lease returned after the Pool is gone finds a
// closed state and just closes its connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "azora/lease.hpp"
#include "azora/pool.hpp"

namespace azora::detail {

using Clock = std::chrono::steady_clock;

struct PoolSlot {
  explicit PoolSlot(Connection c) : conn(std::move(c)), created(Clock::now()), last_used(created) {}
  Connection conn;
  Clock::time_point created;
  Clock::time_point last_used;
};

class PoolState : public std::enable_shared_from_this<PoolState> {
 public:
  explicit PoolState(PoolOptions o);

  Lease acquire(std::chrono::milliseconds timeout);
  void give_back(std::unique_ptr<PoolSlot> slot, bool discard) noexcept;
  // Prunes idle/expired connections, replaces dead idle ones, refills to min_size.
  void maintain();
  // Opens min_size connections (constructor): the first failure is thrown.
  void fill();
  // Stops the maintenance loop and closes idle connections.
  void close() noexcept;
  void maintenance_loop();
  PoolStats stats() const;

  const PoolOptions opts;

 private:
  std::unique_ptr<PoolSlot> open_slot() const;
  bool healthy(PoolSlot& slot) const noexcept;
  bool expired(const PoolSlot& slot, Clock::time_point now) const noexcept {
    return now - slot.created >= opts.max_lifetime;
  }

  // A caller of acquire(), in line. Callers are served first come, first served: each waits on
  // its own condition variable and only the front one may take a connection, so a thread that
  // arrives when a connection is returned cannot overtake those already waiting.
  struct Waiter {
    std::condition_variable cv;
  };
  // Wakes the caller at the front of the line (under mu_): something it waits for changed.
  void wake_front() {
    if (!line_.empty()) line_.front()->cv.notify_one();
  }
  // Records one acquire()'s wait (histogram, maximum).
  void record_wait(Clock::duration waited) noexcept;

  mutable std::mutex mu_;
  std::deque<Waiter*> line_;                     // acquire() callers, first come first
  std::condition_variable stop_;                 // wakes the maintenance loop on close
  std::vector<std::unique_ptr<PoolSlot>> idle_;  // back = most recently used (LIFO keeps the
                                                 // hot ones hot and lets the rest idle out)
  std::size_t total_ = 0;                        // open + being opened
  std::size_t active_ = 0;
  std::size_t waiting_ = 0;  // callers blocked (in line_ and not being served)
  bool closed_ = false;
  metrics::Histogram* wait_histogram_ = nullptr;  // opts.registry's, when set
  std::atomic<std::uint64_t> acquired_{0};
  std::atomic<std::uint64_t> timeouts_{0};
  std::atomic<std::uint64_t> broken_{0};
  std::atomic<std::int64_t> max_wait_ns_{0};
};

}  // namespace azora::detail
