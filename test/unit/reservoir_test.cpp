// reservoir_test.cpp — the tracker's sample schedule (extension/pure/reservoir.hpp): every call
// equally likely to end in the reservoir (what the advisor's call-weighted mean relies on), as
// many replacements as algorithm R makes, and due() saying beforehand which calls take a turn.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "reservoir.hpp"

namespace r = azora::reservoir;

namespace {

struct Uniform {
  std::mt19937_64 gen;
  std::uniform_real_distribution<double> dist{0.0, 1.0};
  double operator()() {
    double x;
    do x = dist(gen);
    while (x <= 0.0);
    return x;
  }
};

// Runs n calls into a reservoir of k; returns the call numbers kept and counts the turns.
std::vector<int64_t> run(int64_t n, int k, Uniform& u, int64_t* turns) {
  std::vector<int64_t> kept;
  r::Schedule s;
  for (int64_t call = 1; call <= n; call++) {
    bool due = r::due(s, call, k);
    bool acts = r::acts(s, call, k);
    r::Schedule before = s;
    int slot = r::take(s, call, k, u);
    EXPECT_EQ(due, slot >= 0) << "call " << call;
    // Callers skip take() when acts() says no: it must then have had nothing to do.
    if (!acts) {
      EXPECT_TRUE(slot < 0 && s.next_call == before.next_call) << "call " << call;
    }
    if (slot < 0) continue;
    (*turns)++;
    if (slot < static_cast<int>(kept.size())) {
      kept[slot] = call;
    } else {
      kept.push_back(call);
    }
  }
  return kept;
}

}  // namespace

TEST(Reservoir, EveryCallEquallyLikely) {
  constexpr int64_t n = 200;
  constexpr int k = 4;
  constexpr int trials = 100000;
  Uniform u{std::mt19937_64(42)};
  std::vector<int> hits(n + 1, 0);
  int64_t turns = 0;
  for (int t = 0; t < trials; t++) {
    auto kept = run(n, k, u, &turns);
    ASSERT_EQ(kept.size(), static_cast<size_t>(k));
    for (int64_t c : kept) hits[c]++;
  }
  // Each call is kept with probability k/n: binomial(trials, 0.02), sd ~44; allow 5 sd.
  double expected = static_cast<double>(trials) * k / n;
  double sd = std::sqrt(expected * (1.0 - static_cast<double>(k) / n));
  for (int64_t c = 1; c <= n; c++)
    EXPECT_NEAR(hits[c], expected, 5 * sd) << "call " << c << " kept " << hits[c] << " times";
  // Algorithm R replaces in call m > k with probability k/m: k + sum k/m turns on average.
  double expected_turns = k;
  for (int64_t m = k + 1; m <= n; m++) expected_turns += static_cast<double>(k) / m;
  EXPECT_NEAR(static_cast<double>(turns) / trials, expected_turns, 0.05 * expected_turns);
}

TEST(Reservoir, FirstCallsFillInOrder) {
  Uniform u{std::mt19937_64(7)};
  r::Schedule s;
  for (int call = 1; call <= 4; call++) {
    EXPECT_TRUE(r::due(s, call, 4));
    EXPECT_EQ(r::take(s, call, 4, u), call - 1);
  }
  EXPECT_GT(s.next_call, 4);
  EXPECT_GT(s.threshold, 0.0);
  EXPECT_LT(s.threshold, 1.0);
}

TEST(Reservoir, ResumesAfterALostSchedule) {
  // After a restart the schedule is gone (next_call 0) while the entry has 10,000 calls: the
  // first call only draws, later ones take turns at about k/n.
  Uniform u{std::mt19937_64(3)};
  r::Schedule s;
  EXPECT_FALSE(r::due(s, 10001, 4));
  EXPECT_EQ(r::take(s, 10001, 4, u), -1);
  EXPECT_GT(s.next_call, 10001);
  EXPECT_NEAR(s.threshold, 4.0 / 10001, 1e-12);
  int turns = 0;
  for (int64_t call = 10002; call <= 20001; call++) turns += r::take(s, call, 4, u) >= 0;
  // Expected 4 * ln(2) = 2.8 turns over the doubling; a broken resume gives 0 or thousands.
  EXPECT_LE(turns, 15);
}

TEST(Reservoir, NoCapacityNoTurns) {
  Uniform u{std::mt19937_64(1)};
  r::Schedule s;
  for (int call = 1; call <= 10; call++) EXPECT_EQ(r::take(s, call, 0, u), -1);
}

TEST(Reservoir, TinyThresholdStaysFinite) {
  Uniform u{std::mt19937_64(5)};
  r::Schedule s;
  s.threshold = 1e-300;
  r::draw_next(s, 100, u);
  EXPECT_GT(s.next_call, 100);
}
