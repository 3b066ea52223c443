// write_behind.cpp — cache now, database later (see write_behind.hpp).
#include "azora/write_behind.hpp"

#include <algorithm>

namespace azora {

WriteBehind::WriteBehind(RedisCache& cache, WriteBehindOptions options)
    : cache_(cache), opts_(std::move(options)) {
  if (opts_.max_queue == 0) throw UsageError("write-behind: max_queue must be > 0");
  thread_ = std::thread([this] { worker(); });
}

WriteBehind::~WriteBehind() {
  {
    std::unique_lock<std::mutex> lk(mu_);
    stop_ = true;  // the worker drains the queue before it exits
  }
  work_cv_.notify_all();
  thread_.join();
}

void WriteBehind::submit(std::string key, std::string value, std::chrono::milliseconds ttl,
                         std::function<void()> write_db) {
  if (ttl.count() <= 0) throw UsageError("write-behind: ttl must be positive");
  if (!write_db) throw UsageError("write-behind: empty database write");
  {
    std::unique_lock<std::mutex> lk(mu_);
    idle_cv_.wait(lk, [&] { return queue_.size() < opts_.max_queue; });
    // Under the lock with the enqueue: set outside it, two submits could cache in one order and
    // queue in the other, leaving the cache with a value the database then overwrites.
    cache_.set(key, value, ttl);
    queue_.push_back(Task{std::move(key), std::move(write_db)});
    stats_.submitted++;
  }
  work_cv_.notify_one();
}

void WriteBehind::flush() {
  std::unique_lock<std::mutex> lk(mu_);
  // Wait until everything submitted so far has run: the counters reach the submitted count.
  const std::uint64_t target = stats_.submitted;
  idle_cv_.wait(lk, [&] { return stats_.written + stats_.failed >= target; });
}

WriteBehindStats WriteBehind::stats() const {
  std::lock_guard<std::mutex> lk(mu_);
  WriteBehindStats s = stats_;
  s.pending = queue_.size() + (running_task_ ? 1 : 0);
  return s;
}

void WriteBehind::worker() {
  std::unique_lock<std::mutex> lk(mu_);
  while (true) {
    work_cv_.wait(lk, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_ and drained
    Task task = std::move(queue_.front());
    queue_.pop_front();
    running_task_ = true;
    idle_cv_.notify_all();  // room in the queue
    lk.unlock();

    std::exception_ptr error;
    try {
      task.write_db();
    } catch (...) {
      error = std::current_exception();
    }
    if (error) {
      {
        // The cache holds a value the database never got: remove it so readers fall back to
        // the database, unless a later submit for the key is queued (the cache holds that one,
        // which the database is about to get). Under the lock, so no submit slips in between.
        std::lock_guard<std::mutex> relock(mu_);
        const bool newer = std::any_of(queue_.begin(), queue_.end(),
                                       [&](const Task& t) { return t.key == task.key; });
        if (!newer) cache_.del(task.key);
      }
      if (opts_.on_error) {
        try {
          opts_.on_error(task.key, error);
        } catch (...) {
        }
      }
    }

    lk.lock();
    running_task_ = false;
    if (error)
      stats_.failed++;
    else
      stats_.written++;
    idle_cv_.notify_all();
  }
}

}  // namespace azora
