// pool.cpp — Pool and its shared state: lease, return, health check, maintenance (see pool.hpp).
#include "azora/pool.hpp"

#include <algorithm>
#include <utility>

#include "azora/query_timer.hpp"
#include "pool_state.hpp"

namespace azora {

namespace detail {

std::unique_ptr<PoolSlot> PoolState::open_slot() const {
  std::vector<std::pair<std::string, std::string>> overrides;
  if (!opts.target_session_attrs.empty())
    overrides.emplace_back("target_session_attrs", opts.target_session_attrs);
  auto slot =
      std::make_unique<PoolSlot>(Connection(opts.conninfo, opts.connect_timeout, overrides));
  if (opts.timer != nullptr) slot->conn.set_query_observer(opts.timer->observer());
  if (opts.on_connect) opts.on_connect(slot->conn);
  return slot;
}

bool PoolState::healthy(PoolSlot& slot) const noexcept {
  if (!opts.health_check) return slot.conn.is_open();
  if (!slot.conn.idle_check(opts.housekeeping_timeout)) return false;
  if (Clock::now() - slot.last_used >= opts.ping_after_idle)
    return slot.conn.ping(opts.housekeeping_timeout);
  return true;
}

PoolState::PoolState(PoolOptions o) : opts(std::move(o)) {
  if (opts.registry != nullptr)
    wait_histogram_ = &opts.registry->histogram(
        "azora_pool_acquire_wait_seconds",
        "Time acquire() took to hand out a connection (waiting, health check, connecting).",
        metrics::Histogram::latency_buckets(), {{"pool", opts.name}});
}

void PoolState::record_wait(Clock::duration waited) noexcept {
  if (wait_histogram_ != nullptr)
    wait_histogram_->observe(std::chrono::duration<double>(waited).count());
  // A lock-free maximum: this runs on every acquire().
  const std::int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(waited).count();
  std::int64_t seen = max_wait_ns_.load(std::memory_order_relaxed);
  while (ns > seen && !max_wait_ns_.compare_exchange_weak(seen, ns, std::memory_order_relaxed)) {
  }
}

Lease PoolState::acquire(std::chrono::milliseconds timeout) {
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + timeout;
  std::unique_lock<std::mutex> lock(mu_);
  // Every caller queues; only the front one takes a connection (first come, first served). It
  // keeps its place while it checks or opens one outside the lock, and leaves the line however
  // acquire() ends, waking the next one.
  Waiter me;
  line_.push_back(&me);
  struct InLine {
    PoolState& st;
    Waiter& me;
    std::unique_lock<std::mutex>& lock;
    ~InLine() {
      if (!lock.owns_lock()) lock.lock();
      st.line_.erase(std::find(st.line_.begin(), st.line_.end(), &me));
      st.wake_front();
    }
  } in_line{*this, me, lock};
  auto served = [this, &me] {
    return line_.front() == &me && (!idle_.empty() || total_ < opts.max_size);
  };
  for (;;) {
    if (closed_) throw UsageError("pool " + opts.name + " is closed");
    if (line_.front() == &me && !idle_.empty()) {
      std::unique_ptr<PoolSlot> slot = std::move(idle_.back());
      idle_.pop_back();
      active_++;
      lock.unlock();
      // The check runs outside the lock: a ping is a round trip.
      if (!expired(*slot, Clock::now()) && healthy(*slot)) {
        acquired_.fetch_add(1, std::memory_order_relaxed);
        record_wait(Clock::now() - start);
        return Lease(shared_from_this(), std::move(slot));
      }
      const bool dead = !slot->conn.is_open() || !expired(*slot, Clock::now());
      slot.reset();  // close outside the lock
      if (dead) broken_.fetch_add(1, std::memory_order_relaxed);
      lock.lock();
      active_--;
      total_--;
      continue;  // try the next idle one, or open a replacement
    }
    if (line_.front() == &me && total_ < opts.max_size) {
      total_++;
      active_++;
      lock.unlock();
      try {
        std::unique_ptr<PoolSlot> slot = open_slot();
        acquired_.fetch_add(1, std::memory_order_relaxed);
        record_wait(Clock::now() - start);
        return Lease(shared_from_this(), std::move(slot));
      } catch (...) {
        lock.lock();
        total_--;
        active_--;
        throw;
      }
    }
    waiting_++;
    const bool woke = me.cv.wait_until(lock, deadline, [&] { return closed_ || served(); });
    waiting_--;
    if (!woke) {
      timeouts_.fetch_add(1, std::memory_order_relaxed);
      throw TimeoutError("pool " + opts.name + " exhausted: all " + std::to_string(opts.max_size) +
                         " connections in use after waiting " + std::to_string(timeout.count()) +
                         " ms");
    }
  }
}

void PoolState::give_back(std::unique_ptr<PoolSlot> slot, bool discard) noexcept {
  bool keep = !discard && slot->conn.is_open();
  bool dead = !discard && !keep;
  if (keep) {
    // A transaction left open (an exception in the middle of one) must not leak into the next
    // lease: roll it back. A query still running or a pipeline left on: not worth saving.
    switch (slot->conn.transaction_status()) {
      case PQTRANS_IDLE:
        break;
      case PQTRANS_INTRANS:
      case PQTRANS_INERROR:
        try {
          // Unobserved (not the application's query) and bounded: a hung server must not
          // block the thread returning the lease.
          slot->conn.exec_within("ROLLBACK", opts.housekeeping_timeout);
        } catch (...) {
          keep = false;
          dead = !slot->conn.is_open();
        }
        break;
      default:
        keep = false;
    }
    if (keep && PQpipelineStatus(slot->conn.native()) != PQ_PIPELINE_OFF) keep = false;
    if (keep && !opts.reset_query.empty()) {
      try {
        slot->conn.exec_within(opts.reset_query, opts.housekeeping_timeout);
        slot->conn.forget_all_prepared();
      } catch (...) {
        keep = false;
        dead = !slot->conn.is_open();
      }
    }
  }
  const Clock::time_point now = Clock::now();
  if (keep && expired(*slot, now)) keep = false;
  slot->last_used = now;
  if (dead) broken_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    active_--;
    if (keep && !closed_) {
      idle_.push_back(std::move(slot));
    } else {
      total_--;
    }
    wake_front();
  }
  // A slot not kept is closed here, outside the lock.
}

void PoolState::fill() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_ || total_ >= opts.min_size) return;
      total_++;
    }
    std::unique_ptr<PoolSlot> slot;
    try {
      slot = open_slot();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      total_--;
      throw;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) {
      total_--;
      return;
    }
    idle_.push_back(std::move(slot));
    wake_front();
  }
}

void PoolState::maintain() {
  std::vector<std::unique_ptr<PoolSlot>> to_close;
  std::vector<std::unique_ptr<PoolSlot>> to_check;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Clock::time_point now = Clock::now();
    // idle_ is LIFO: the front ones have been idle longest.
    std::vector<std::unique_ptr<PoolSlot>> keep;
    for (auto& slot : idle_) {
      const bool idle_out =
          now - slot->last_used >= opts.idle_timeout && total_ - to_close.size() > opts.min_size;
      if (idle_out || expired(*slot, now))
        to_close.push_back(std::move(slot));
      else if (opts.health_check && slot->conn.has_pending_input())
        to_check.push_back(std::move(slot));  // the server said something: maybe goodbye
      else
        keep.push_back(std::move(slot));
    }
    idle_ = std::move(keep);
    total_ -= to_close.size();
    active_ += to_check.size();  // out of the idle list while checked, like a lease
  }
  to_close.clear();
  for (auto& slot : to_check) {
    if (slot->conn.idle_check(opts.housekeeping_timeout)) {
      std::lock_guard<std::mutex> lock(mu_);
      active_--;
      if (closed_) {
        total_--;
      } else {
        idle_.push_back(std::move(slot));
        wake_front();
      }
    } else {
      slot.reset();
      broken_.fetch_add(1, std::memory_order_relaxed);
      std::lock_guard<std::mutex> lock(mu_);
      active_--;
      total_--;
      wake_front();
    }
  }
  try {
    fill();  // replaces what was closed, up to min_size
  } catch (const Error&) {
    // Server unreachable right now: the next round (or an acquire) tries again.
  }
}

void PoolState::maintenance_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!closed_) {
    stop_.wait_for(lock, opts.maintenance_interval);
    if (closed_) break;
    lock.unlock();
    maintain();
    lock.lock();
  }
}

void PoolState::close() noexcept {
  std::vector<std::unique_ptr<PoolSlot>> idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    idle.swap(idle_);
    total_ -= idle.size();
  }
  stop_.notify_all();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Waiter* w : line_) w->cv.notify_all();
  }
}

PoolStats PoolState::stats() const {
  PoolStats s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.total = total_;
    s.active = active_;
    s.idle = idle_.size();
    s.waiting = waiting_;
  }
  s.acquired = acquired_.load(std::memory_order_relaxed);
  s.timeouts = timeouts_.load(std::memory_order_relaxed);
  s.broken = broken_.load(std::memory_order_relaxed);
  s.max_wait = std::chrono::nanoseconds(max_wait_ns_.load(std::memory_order_relaxed));
  return s;
}

}  // namespace detail

Pool::Pool(PoolOptions options) {
  if (options.max_size == 0 || options.min_size > options.max_size)
    throw UsageError("pool options need 0 <= min_size <= max_size and max_size > 0");
  if (options.maintenance_interval.count() <= 0 || options.idle_timeout.count() < 0 ||
      options.max_lifetime.count() <= 0 || options.acquire_timeout.count() < 0 ||
      options.housekeeping_timeout.count() <= 0)
    throw UsageError("pool options: intervals and timeouts must be positive");
  state_ = std::make_shared<detail::PoolState>(std::move(options));
  state_->fill();
  if (metrics::Registry* reg = state_->opts.registry) {
    detail::PoolState* st = state_.get();
    const std::string& pool = st->opts.name;
    auto gauge = [&](const char* name, const char* help, metrics::Labels labels, auto field) {
      labels["pool"] = pool;
      exported_.push_back(reg->gauge_callback(
          name, help, labels, [st, field] { return static_cast<double>(field(st->stats())); }));
    };
    auto counter = [&](const char* name, const char* help, auto field) {
      exported_.push_back(reg->counter_callback(name, help, {{"pool", pool}}, [st, field] {
        return static_cast<double>(field(st->stats()));
      }));
    };
    gauge("azora_pool_connections", "Pool connections by state (active = leased).",
          {{"state", "active"}}, [](const PoolStats& s) { return s.active; });
    gauge("azora_pool_connections", "Pool connections by state (active = leased).",
          {{"state", "idle"}}, [](const PoolStats& s) { return s.idle; });
    gauge("azora_pool_size", "Open pool connections (active + idle).", {},
          [](const PoolStats& s) { return s.total; });
    gauge("azora_pool_waiting_clients", "Callers blocked waiting for a pool connection.", {},
          [](const PoolStats& s) { return s.waiting; });
    counter("azora_pool_acquired_total", "Leases handed out by the pool.",
            [](const PoolStats& s) { return s.acquired; });
    counter("azora_pool_timeouts_total", "Pool acquisitions that timed out.",
            [](const PoolStats& s) { return s.timeouts; });
    gauge("azora_pool_max_wait_seconds", "Longest time an acquire() took since the pool started.",
          {}, [](const PoolStats& s) { return std::chrono::duration<double>(s.max_wait).count(); });
    counter("azora_pool_broken_total", "Pool connections found dead and replaced.",
            [](const PoolStats& s) { return s.broken; });
  }
  maintenance_ = std::thread([st = state_] { st->maintenance_loop(); });
}

Pool::~Pool() {
  exported_.clear();
  state_->close();
  if (maintenance_.joinable()) maintenance_.join();
}

Lease Pool::acquire() {
  return state_->acquire(state_->opts.acquire_timeout);
}

Lease Pool::acquire(std::chrono::milliseconds timeout) {
  return state_->acquire(timeout);
}

PoolStats Pool::stats() const {
  return state_->stats();
}

const PoolOptions& Pool::options() const noexcept {
  return state_->opts;
}

}  // namespace azora
