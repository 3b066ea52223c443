// pool_state.hpp — the shared state behind a Pool (private to the library).
//
// Pool and every Lease share it (shared_ptr), so a lease returned after the Pool is gone finds a
// closed state and just closes its connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
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
  explicit PoolState(PoolOptions o) : opts(std::move(o)) {}

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

  mutable std::mutex mu_;
  std::condition_variable freed_;                // a lease came back or a slot became free
  std::condition_variable stop_;                 // wakes the maintenance loop on close
  std::vector<std::unique_ptr<PoolSlot>> idle_;  // back = most recently used (LIFO keeps the
                                                 // hot ones hot and lets the rest idle out)
  std::size_t total_ = 0;                        // open + being opened
  std::size_t active_ = 0;
  std::size_t waiting_ = 0;
  bool closed_ = false;
  std::atomic<std::uint64_t> acquired_{0};
  std::atomic<std::uint64_t> timeouts_{0};
  std::atomic<std::uint64_t> broken_{0};
};

}  // namespace azora::detail
