// advise_verdict_test.cpp — the decisions of `azora-opt advise --apply --verify`
// (client/cli/advise_verdict.hpp): windows as snapshot differences, the per-statement and
// per-index verdicts at and around their thresholds, and durations.
#include <gtest/gtest.h>

#include <vector>

#include "../../client/cli/advise_verdict.hpp"

namespace v = azora::cli::verify;
namespace h = azora::histogram;

namespace {

// A snapshot holding `calls` calls of `ms` each (on top of `base`), reading `blocks` per call.
v::Snapshot with_calls(v::Snapshot base, long long calls, double ms, double blocks) {
  base.present = true;
  base.calls += calls;
  base.total_ms += static_cast<double>(calls) * ms;
  base.shared_blks_read += static_cast<long long>(static_cast<double>(calls) * blocks);
  base.hist.counts[h::bucket_of(ms)] += static_cast<uint32_t>(calls);
  return base;
}

// A window of `calls` calls of `ms`, `blocks` blocks read each, after some history.
v::Window window(long long calls, double ms, double blocks) {
  v::Snapshot history = with_calls(v::Snapshot{}, 500, 7.0, 3);
  return v::delta(history, with_calls(history, calls, ms, blocks));
}

v::Judged judged(const std::string& id, const v::Window& before, const v::Window& after,
                 const v::Settings& s) {
  v::Judged j;
  j.queryid = id;
  j.before = before;
  j.after = after;
  j.result = v::judge_statement(before, after, s);
  return j;
}

}  // namespace

TEST(VerifyWindow, IsTheDifferenceOfTwoSnapshots) {
  v::Snapshot s0 = with_calls(v::Snapshot{}, 1000, 50.0, 100);  // history: slow calls
  v::Snapshot s1 = with_calls(s0, 40, 2.0, 1);                  // the window: fast ones
  v::Window w = v::delta(s0, s1);
  ASSERT_TRUE(w.valid);
  EXPECT_EQ(w.calls, 40);
  EXPECT_NEAR(w.mean_ms(), 2.0, 1e-9);
  EXPECT_NEAR(w.blocks_per_call(), 1.0, 1e-9);
  // The p95 is of the window's calls only, not of the 1000 slow calls before it.
  EXPECT_NEAR(w.p95_ms(), 2.0, 2.0 * h::kGuaranteedError);
}

TEST(VerifyWindow, AResetOrEvictionMakesItInvalid) {
  v::Snapshot s0 = with_calls(v::Snapshot{}, 100, 5.0, 1);
  v::Snapshot after_reset = with_calls(v::Snapshot{}, 30, 5.0, 1);  // fewer calls than before
  EXPECT_FALSE(v::delta(s0, after_reset).valid);
  EXPECT_FALSE(v::delta(s0, v::Snapshot{}).valid);  // evicted
  // A statement first seen during the window counts from zero.
  v::Window fresh = v::delta(v::Snapshot{}, after_reset);
  EXPECT_TRUE(fresh.valid);
  EXPECT_EQ(fresh.calls, 30);
  v::Settings s;
  s.min_calls = 10;
  EXPECT_EQ(v::judge_statement(v::delta(s0, after_reset), window(50, 1, 0), s).verdict,
            v::StatementVerdict::kNotEnoughCalls);
}

TEST(VerifyStatement, NeedsMinCallsInBothWindows) {
  v::Settings s;
  s.min_calls = 30;
  EXPECT_EQ(v::judge_statement(window(29, 10, 5), window(100, 1, 0), s).verdict,
            v::StatementVerdict::kNotEnoughCalls);
  EXPECT_EQ(v::judge_statement(window(100, 10, 5), window(29, 1, 0), s).verdict,
            v::StatementVerdict::kNotEnoughCalls);
  EXPECT_EQ(v::judge_statement(window(30, 10, 5), window(30, 1, 0), s).verdict,
            v::StatementVerdict::kImproved);
}

TEST(VerifyStatement, ImprovedUnchangedWorseAtTheThresholds) {
  v::Settings s;  // min_gain 0.10, max_loss 0.20
  s.min_calls = 10;
  // Mean time 10 ms -> 8.5 ms (-15 %): improved; -> 9.5 ms (-5 %): unchanged.
  EXPECT_EQ(v::judge_statement(window(50, 10, 0), window(50, 8.5, 0), s).verdict,
            v::StatementVerdict::kImproved);
  EXPECT_EQ(v::judge_statement(window(50, 10, 0), window(50, 9.5, 0), s).verdict,
            v::StatementVerdict::kUnchanged);
  // Same time, blocks read per call 100 -> 50: improved by blocks alone.
  EXPECT_EQ(v::judge_statement(window(50, 10, 100), window(50, 10, 50), s).verdict,
            v::StatementVerdict::kImproved);
  // Mean time +30 %: worse, even with fewer blocks read.
  v::StatementResult r = v::judge_statement(window(50, 10, 100), window(50, 13, 10), s);
  EXPECT_EQ(r.verdict, v::StatementVerdict::kWorse);
  ASSERT_TRUE(r.mean_change);
  EXPECT_NEAR(*r.mean_change, 0.30, 1e-9);
  // No blocks before: no blocks change to speak of.
  EXPECT_FALSE(v::judge_statement(window(50, 10, 0), window(50, 9, 0), s).blocks_change);
}

TEST(VerifyStatement, AWorseP95AloneIsWorse) {
  v::Settings s;
  s.min_calls = 10;
  // The same mean (1.45 ms, about), but the tail grows: 95 calls at 1 ms + 5 at 10 ms, then 94 at
  // 0.6 ms + 6 at 14.8 ms (the 95th call is now a slow one).
  v::Snapshot base = with_calls(v::Snapshot{}, 1, 1.0, 0);
  v::Window before = v::delta(base, with_calls(with_calls(base, 95, 1.0, 0), 5, 10.0, 0));
  v::Window after = v::delta(base, with_calls(with_calls(base, 94, 0.6, 0), 6, 14.8, 0));
  ASSERT_NEAR(before.mean_ms(), after.mean_ms(), 0.01);  // +0.14 %
  v::StatementResult r = v::judge_statement(before, after, s);
  ASSERT_TRUE(r.p95_change);
  EXPECT_GT(*r.p95_change, s.max_loss);
  EXPECT_EQ(r.verdict, v::StatementVerdict::kWorse);
}

TEST(VerifyIndex, KeptWhenItsStatementsGotFaster) {
  v::Settings s;
  s.min_calls = 10;
  v::Judged a = judged("1", window(100, 20, 50), window(100, 0.5, 0), s);
  v::IndexResult r = v::judge_index({&a}, s);
  EXPECT_EQ(r.verdict, v::IndexVerdict::kKept);
  ASSERT_TRUE(r.mean_gain);
  EXPECT_NEAR(*r.mean_gain, 1 - 0.5 / 20, 1e-9);
  ASSERT_TRUE(r.blocks_gain);
  EXPECT_NEAR(*r.blocks_gain, 1.0, 1e-9);
}

TEST(VerifyIndex, DroppedWhenNothingPaid) {
  v::Settings s;
  s.min_calls = 10;
  v::Judged a = judged("1", window(100, 10, 0), window(100, 9.5, 0), s);  // -5 %
  v::IndexResult r = v::judge_index({&a}, s);
  EXPECT_EQ(r.verdict, v::IndexVerdict::kDropped);
  EXPECT_NE(r.reason.find("less than the 10.0 %"), std::string::npos) << r.reason;
}

TEST(VerifyIndex, DroppedWhenOneStatementGotWorseEvenIfTheSumPaid) {
  v::Settings s;
  s.min_calls = 10;
  v::Judged fast = judged("1", window(1000, 50, 0), window(1000, 1, 0), s);
  v::Judged slow = judged("2", window(100, 1, 0), window(100, 2, 0), s);  // +100 %
  v::IndexResult r = v::judge_index({&fast, &slow}, s);
  EXPECT_EQ(r.verdict, v::IndexVerdict::kDropped);
  EXPECT_NE(r.reason.find("query 2 got worse"), std::string::npos) << r.reason;
  // Raising max_loss past the regression keeps it.
  s.max_loss = 1.5;
  v::Judged slow2 = judged("2", window(100, 1, 0), window(100, 2, 0), s);
  EXPECT_EQ(v::judge_index({&fast, &slow2}, s).verdict, v::IndexVerdict::kKept);
}

TEST(VerifyIndex, WeightsStatementsByTheirBeforeCalls) {
  v::Settings s;
  s.min_calls = 10;
  // A rare statement gets much faster (20 -> 10 ms: -50 %) and a frequent one stays (10 ms):
  // weighted by calls the time falls by 10 / (10 * 1000 + 20 * 10)... under 10 %: dropped.
  v::Judged rare = judged("1", window(10, 20, 0), window(10, 10, 0), s);
  v::Judged frequent = judged("2", window(1000, 10, 0), window(1000, 10, 0), s);
  v::IndexResult r = v::judge_index({&rare, &frequent}, s);
  ASSERT_TRUE(r.mean_gain);
  EXPECT_NEAR(*r.mean_gain, 100.0 / 10200.0, 1e-9);
  EXPECT_EQ(r.verdict, v::IndexVerdict::kDropped);
}

TEST(VerifyIndex, InconclusiveAndKeptWithoutEnoughCalls) {
  v::Settings s;
  s.min_calls = 30;
  v::Judged a = judged("1", window(5, 20, 0), window(100, 1, 0), s);
  v::IndexResult r = v::judge_index({&a}, s);
  EXPECT_EQ(r.verdict, v::IndexVerdict::kInconclusive);
  EXPECT_EQ(r.judged, 0);
  // A statement without enough calls does not count towards another's verdict.
  v::Judged b = judged("2", window(100, 10, 0), window(100, 9.9, 0), s);
  EXPECT_EQ(v::judge_index({&a, &b}, s).verdict, v::IndexVerdict::kDropped);
}

TEST(VerifyDuration, ParsesUnits) {
  EXPECT_EQ(v::parse_duration("30s"), 30.0);
  EXPECT_EQ(v::parse_duration("45"), 45.0);
  EXPECT_EQ(v::parse_duration("500ms"), 0.5);
  EXPECT_EQ(v::parse_duration("2min"), 120.0);
  EXPECT_EQ(v::parse_duration("1h"), 3600.0);
  EXPECT_EQ(v::parse_duration("1.5s"), 1.5);
  EXPECT_FALSE(v::parse_duration(""));
  EXPECT_FALSE(v::parse_duration("s"));
  EXPECT_FALSE(v::parse_duration("10 s"));
  EXPECT_FALSE(v::parse_duration("10d"));
  EXPECT_FALSE(v::parse_duration("1.2.3s"));
  EXPECT_FALSE(v::parse_duration("-5s"));
}
