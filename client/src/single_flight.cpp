// single_flight.cpp — one execution per key at a time (see single_flight.hpp).
#include "azora/single_flight.hpp"

namespace azora {

SingleFlight::Outcome SingleFlight::run(const std::string& key,
                                        const std::function<std::string()>& fn) {
  std::promise<std::string> promise;
  {
    std::unique_lock<std::mutex> lk(mu_);
    auto it = calls_.find(key);
    if (it != calls_.end()) {
      std::shared_future<std::string> shared = it->second;
      joined_.fetch_add(1, std::memory_order_relaxed);
      lk.unlock();
      return {shared.get(), true};  // rethrows the leader's exception
    }
    calls_.emplace(key, promise.get_future().share());
  }
  // Forget the key however fn ends, after the result is published, so that a caller arriving
  // in between still finds a ready future rather than starting a second run.
  struct Forget {
    SingleFlight* self;
    const std::string& key;
    ~Forget() {
      std::lock_guard<std::mutex> lk(self->mu_);
      self->calls_.erase(key);
    }
  };
  Forget forget{this, key};
  try {
    std::string value = fn();
    promise.set_value(value);
    return {std::move(value), false};
  } catch (...) {
    promise.set_exception(std::current_exception());
    throw;
  }
}

std::size_t SingleFlight::in_flight() const {
  std::lock_guard<std::mutex> lk(mu_);
  return calls_.size();
}

}  // namespace azora
