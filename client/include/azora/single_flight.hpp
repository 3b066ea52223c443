// single_flight.hpp — SingleFlight: concurrent calls for the same key share one execution.
//
// The first caller for a key (the leader) runs the function; callers arriving while it runs wait
// for its result instead of running it again, so N concurrent cache misses cost one database
// query. A thrown exception is delivered to the leader and every waiter alike. Once the call
// finishes the key is forgotten: the next call runs the function again.
//
// Thread-safe. A function that never returns blocks its waiters too (give loaders timeouts).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <unordered_map>

namespace azora {

class SingleFlight {
 public:
  struct Outcome {
    std::string value;
    bool shared;  // true for a waiter that got the leader's result
  };

  Outcome run(const std::string& key, const std::function<std::string()>& fn);

  // Calls currently running.
  std::size_t in_flight() const;
  // Total number of callers that joined a running call instead of running fn.
  std::uint64_t joined() const noexcept { return joined_.load(std::memory_order_relaxed); }

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_future<std::string>> calls_;
  std::atomic<std::uint64_t> joined_{0};
};

}  // namespace azora
