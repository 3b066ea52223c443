// async_cache_set.cpp — database first, cache set later, never blocking (see
// async_cache_set.hpp).
#include "azora/async_cache_set.hpp"

namespace azora {

AsyncCacheSet::AsyncCacheSet(RedisCache& cache, AsyncCacheSetOptions options)
    : cache_(cache), opts_(std::move(options)) {
  if (opts_.max_queue == 0) throw UsageError("async cache set: max_queue must be > 0");
  if (metrics::Registry* reg = cache_.options().metrics) {
    const char* name = "azora_cache_async_set_failures_total";
    const char* help = "Asynchronous cache sets after a database write that did not happen.";
    m_failed_ = &reg->counter(name, help, {{"cache", cache_.options().name}, {"reason", "redis"}});
    m_dropped_ =
        &reg->counter(name, help, {{"cache", cache_.options().name}, {"reason", "queue_full"}});
  }
  thread_ = std::thread([this] { worker(); });
}

AsyncCacheSet::~AsyncCacheSet() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;  // the worker runs what is queued before it exits
  }
  work_cv_.notify_all();
  thread_.join();
}

bool AsyncCacheSet::submit(std::string key, std::string value, std::chrono::milliseconds ttl,
                           Protection protection) {
  if (ttl.count() <= 0) throw UsageError("async cache set: ttl must be positive");
  if (protection == Protection::encrypted && !cache_.options().encryption)
    throw UsageError("async cache set: encryption asked for, but the cache has no keys");
  {
    std::lock_guard<std::mutex> lk(mu_);
    stats_.submitted++;
    if (queue_.size() >= opts_.max_queue) {
      stats_.dropped++;
      if (m_dropped_) m_dropped_->inc();
      return false;
    }
    queue_.push_back(Entry{std::move(key), std::move(value), ttl, protection});
  }
  work_cv_.notify_one();
  return true;
}

void AsyncCacheSet::flush() {
  std::unique_lock<std::mutex> lk(mu_);
  const std::uint64_t target = stats_.submitted;
  done_cv_.wait(lk, [&] { return stats_.set + stats_.failed + stats_.dropped >= target; });
}

AsyncCacheSetStats AsyncCacheSet::stats() const {
  std::lock_guard<std::mutex> lk(mu_);
  AsyncCacheSetStats s = stats_;
  s.pending = queue_.size() + (running_ ? 1 : 0);
  return s;
}

void AsyncCacheSet::worker() {
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    work_cv_.wait(lk, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_ and drained
    Entry e = std::move(queue_.front());
    queue_.pop_front();
    running_ = true;
    lk.unlock();
    bool ok = false;
    try {
      ok = cache_.set(e.key, e.value, e.ttl, e.protection);  // fails open: false on Redis errors
    } catch (...) {
      // Nothing the caller could act on any more (it has returned): counted as a failure.
    }
    if (!ok && m_failed_) m_failed_->inc();
    lk.lock();
    running_ = false;
    (ok ? stats_.set : stats_.failed)++;
    done_cv_.notify_all();
  }
}

}  // namespace azora
