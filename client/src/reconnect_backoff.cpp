// reconnect_backoff.cpp — exponential reconnect backoff (see reconnect_backoff.hpp).
#include "azora/detail/reconnect_backoff.hpp"

#include <algorithm>

#include "azora/error.hpp"

namespace azora {

ReconnectBackoff::ReconnectBackoff(std::chrono::milliseconds min, std::chrono::milliseconds max)
    : min_(min), max_(max), delay_(min) {
  if (min.count() <= 0 || max < min)
    throw UsageError("backoff: need 0 < min <= max (milliseconds)");
}

bool ReconnectBackoff::try_begin_attempt(Clock::time_point now) {
  std::lock_guard<std::mutex> lk(mu_);
  if (!failing_) return true;
  if (now < next_allowed_) return false;
  // Re-arm so that callers arriving while this attempt runs do not pile on.
  next_allowed_ = now + delay_;
  return true;
}

void ReconnectBackoff::failed(Clock::time_point now) {
  std::lock_guard<std::mutex> lk(mu_);
  if (!failing_) delay_ = min_;
  failing_ = true;
  next_allowed_ = now + delay_;
  delay_ = std::min(delay_ * 2, max_);
}

void ReconnectBackoff::succeeded() {
  std::lock_guard<std::mutex> lk(mu_);
  failing_ = false;
  delay_ = min_;
}

std::chrono::milliseconds ReconnectBackoff::next_delay() const {
  std::lock_guard<std::mutex> lk(mu_);
  return delay_;
}

bool ReconnectBackoff::backing_off(Clock::time_point now) const {
  std::lock_guard<std::mutex> lk(mu_);
  return failing_ && now < next_allowed_;
}

}  // namespace azora
