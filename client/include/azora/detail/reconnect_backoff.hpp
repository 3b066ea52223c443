// reconnect_backoff.hpp — when the next connection attempt to a failing server is allowed:
// exponential backoff from min to max, reset by a success. Keeps a dead Redis from being
// hammered with connects while requests keep failing open at full speed.
//
// Thread-safe.
//
// Internal (azora/detail/): used by the library and its tools, installed because public headers
// or the example API include it, but not part of the client API; it may change without notice.
#pragma once

#include <chrono>
#include <mutex>

namespace azora {

class ReconnectBackoff {
 public:
  using Clock = std::chrono::steady_clock;

  // Throws UsageError unless 0 < min <= max.
  ReconnectBackoff(std::chrono::milliseconds min, std::chrono::milliseconds max);

  // Whether a connection attempt may start now. While backing off, one caller per window is let
  // through and the window is re-armed for the rest, so concurrent callers make one attempt.
  bool try_begin_attempt(Clock::time_point now = Clock::now());
  // The attempt failed: wait the current delay, then double it (up to max).
  void failed(Clock::time_point now = Clock::now());
  // The attempt (or any command) succeeded: attempts are allowed immediately again.
  void succeeded();

  // The delay the next failure will impose (min after a success).
  std::chrono::milliseconds next_delay() const;
  bool backing_off(Clock::time_point now = Clock::now()) const;

 private:
  const std::chrono::milliseconds min_, max_;
  mutable std::mutex mu_;
  std::chrono::milliseconds delay_;  // imposed by the next failure
  bool failing_ = false;
  Clock::time_point next_allowed_{};
};

}  // namespace azora
