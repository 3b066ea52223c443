// reservoir.hpp — which calls of a statement the tracker keeps as parameter samples: a uniform
// reservoir of k over the calls, scheduled with Li's algorithm L (ACM TOMS 20(4), 1994).
//
// Algorithm R (call n replaces a sample with probability k/n) draws a random number at every
// call. Algorithm L gives the same distribution — every call equally likely to be in the
// reservoir — but draws, at each replacement, the number of the next call that replaces one:
// the calls in between only compare their number with it. That makes "is this call sampled?"
// answerable before the call is recorded, so the sample is built only for the calls that are
// (the tracker's hot path: tracker/hooks.cpp). PostgreSQL-free so test/unit/reservoir_test.cpp
// checks the uniformity directly.
#pragma once

#include <cmath>
#include <cstdint>

namespace azora::reservoir {

struct Schedule {
  int64_t next_call = 0;   // the call that next replaces a sample; 0: none drawn yet
  double threshold = 1.0;  // algorithm L's W: the k-th smallest random key kept so far
};

// Draws the call after n that replaces the next sample. u() is uniform in (0, 1).
template <class Uniform>
void draw_next(Schedule& s, int64_t n, Uniform&& u) {
  double skip = 0;
  if (s.threshold < 1.0) skip = std::floor(std::log(u()) / std::log1p(-s.threshold));
  // A huge skip (a tiny threshold after billions of calls) is capped far in the future.
  constexpr double kFar = 4e18;
  s.next_call = n + 1 + static_cast<int64_t>(skip < kFar - static_cast<double>(n) ? skip : 0);
  if (!(skip < kFar - static_cast<double>(n))) s.next_call = static_cast<int64_t>(kFar);
}

// Whether call n (1-based, counted in order) is one whose number matches a reservoir turn:
// true for the first k calls and for the scheduled ones. Callers may ask before recording.
inline bool due(const Schedule& s, int64_t n, int k) {
  return n <= k || (s.next_call != 0 && n >= s.next_call);
}

// Whether take() has anything to do at call n (a turn, or a schedule to draw): every other
// call is left alone, so callers skip take() on this one test.
inline bool acts(const Schedule& s, int64_t n, int k) {
  return n <= k || s.next_call == 0 || n >= s.next_call;
}

// Call n's turn: the slot (0..k-1) it fills or replaces, or -1. Advances the schedule.
// A schedule that was never drawn at n > k (lost in a restart, or k raised) resumes at the
// rate a reservoir of k over n calls has (threshold k/n) without taking call n.
template <class Uniform>
int take(Schedule& s, int64_t n, int k, Uniform&& u) {
  if (k <= 0 || n <= 0) return -1;
  if (n <= k) {
    if (n == k) {
      s.threshold = std::exp(std::log(u()) / k);
      draw_next(s, n, u);
    }
    return static_cast<int>(n - 1);
  }
  if (s.next_call == 0) {
    s.threshold = static_cast<double>(k) / static_cast<double>(n);
    draw_next(s, n, u);
    return -1;
  }
  if (n < s.next_call) return -1;
  int slot = static_cast<int>(u() * k);
  if (slot >= k) slot = k - 1;
  s.threshold *= std::exp(std::log(u()) / k);
  draw_next(s, n, u);
  return slot;
}

}  // namespace azora::reservoir
