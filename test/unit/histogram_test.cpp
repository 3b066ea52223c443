// histogram_test.cpp — proves the error bound and mergeability of the tracker's latency
// histogram (extension/pure/histogram.hpp) on its bucket math, with no server involved.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "histogram.hpp"

namespace h = azora::histogram;

namespace {

double rel_error(double estimate, double truth) {
  return std::fabs(estimate - truth) / truth;
}

// The exact nearest-rank quantile of a sample, the definition histogram::quantile estimates.
double exact_quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  return values[rank - 1];
}

}  // namespace

TEST(HistogramBuckets, CoverTheRangeContiguously) {
  EXPECT_EQ(h::bucket_of(h::kMinMs / 2), 0);
  EXPECT_EQ(h::bucket_of(0.0), 0);
  EXPECT_EQ(h::bucket_of(-1.0), 0);
  EXPECT_EQ(h::bucket_of(std::nan("")), 0);
  EXPECT_EQ(h::bucket_of(h::kMaxMs), h::kBuckets - 1);
  EXPECT_EQ(h::bucket_of(1e12), h::kBuckets - 1);
  EXPECT_GE(h::bucket_upper(h::kRangeBuckets), h::kMaxMs);  // the in-range buckets reach kMaxMs
  for (int i = 1; i < h::kRangeBuckets; i++)
    EXPECT_NEAR(h::bucket_upper(i), h::bucket_lower(i + 1), 1e-12 * h::bucket_upper(i));
}

TEST(HistogramBuckets, EveryBucketEdgeIsWithinTheBound) {
  // The worst case of a bucket is at its edges; check both edges (and just inside them) of
  // every in-range bucket, through bucket_of as the extension uses it.
  for (int i = 1; i <= h::kRangeBuckets; i++) {
    double lo = h::bucket_lower(i);
    double hi = std::min(h::bucket_upper(i), h::kMaxMs);
    for (double x : {lo, std::nextafter(lo, hi), std::nextafter(hi, lo), (lo + hi) / 2}) {
      if (x >= h::kMaxMs) continue;
      double v = h::bucket_value(h::bucket_of(x));
      EXPECT_LE(rel_error(v, x), h::kGuaranteedError) << "bucket " << i << " value " << x;
    }
  }
}

TEST(HistogramBuckets, RandomValuesAreWithinTheBound) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> exponent(std::log10(h::kMinMs), std::log10(h::kMaxMs));
  double worst = 0;
  for (int k = 0; k < 1000000; k++) {
    double x = std::pow(10.0, exponent(rng));
    if (x >= h::kMaxMs) continue;
    worst = std::max(worst, rel_error(h::bucket_value(h::bucket_of(x)), x));
  }
  EXPECT_LE(worst, h::kGuaranteedError);
  EXPECT_GT(worst, 0.015);  // the buckets are not needlessly fine: the bound is nearly reached
}

TEST(HistogramQuantile, MatchesExactQuantilesWithinTheBound) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(0.0, 1.5);   // ~1 ms, long tail
  std::exponential_distribution<double> fast(1.0 / 0.05);  // ~50 us
  for (int trial = 0; trial < 20; trial++) {
    h::Histogram hist{};
    std::vector<double> values;
    int n = 1 + trial * 997;
    for (int k = 0; k < n; k++) {
      double x = (trial % 2 ? latency(rng) : fast(rng)) + h::kMinMs;
      values.push_back(x);
      h::add(hist, x);
    }
    double lo = *std::min_element(values.begin(), values.end());
    double hi = *std::max_element(values.begin(), values.end());
    EXPECT_EQ(h::total(hist), static_cast<uint64_t>(n));
    for (double q : {0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
      double exact = exact_quantile(values, q);
      EXPECT_LE(rel_error(h::quantile(hist, q, lo, hi), exact), h::kGuaranteedError)
          << "trial " << trial << " q " << q;
    }
  }
}

TEST(HistogramQuantile, SmallSamplesAndClamping) {
  h::Histogram hist{};
  EXPECT_TRUE(std::isnan(h::quantile(hist, 0.5, 0, 0)));
  h::add(hist, 10.0);
  // One value: every quantile is that value, exactly, thanks to clamping to [min, max].
  EXPECT_DOUBLE_EQ(h::quantile(hist, 0.5, 10.0, 10.0), 10.0);
  EXPECT_DOUBLE_EQ(h::quantile(hist, 0.99, 10.0, 10.0), 10.0);
  // Out of range values are reported as the observed extremes.
  h::Histogram tiny{};
  h::add(tiny, 0.0001);
  EXPECT_DOUBLE_EQ(h::quantile(tiny, 0.5, 0.0001, 0.0001), 0.0001);
  h::Histogram huge{};
  h::add(huge, 5e6);
  EXPECT_DOUBLE_EQ(h::quantile(huge, 0.99, 5e6, 5e6), 5e6);
}

TEST(HistogramMerge, MergeEqualsHistogramOfTheUnion) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> latency(1.0, 2.0);
  h::Histogram a{}, b{}, both{};
  for (int k = 0; k < 50000; k++) {
    double x = latency(rng);
    h::add(k % 3 ? a : b, x);
    h::add(both, x);
  }
  h::merge(a, b);
  for (int i = 0; i < h::kBuckets; i++) EXPECT_EQ(a.counts[i], both.counts[i]) << i;
}

TEST(HistogramMerge, CountsSaturateInsteadOfWrapping) {
  h::Histogram a{}, b{};
  a.counts[5] = UINT32_MAX - 1;
  b.counts[5] = 10;
  h::merge(a, b);
  EXPECT_EQ(a.counts[5], UINT32_MAX);
  h::add(a, h::bucket_value(5));
  EXPECT_EQ(a.counts[5], UINT32_MAX);
}

TEST(HistogramCoarse, CountAtMostReBucketsMonotonically) {
  h::Histogram hist{};
  for (double x : {0.5, 2.0, 20.0, 200.0, 2000.0}) h::add(hist, x);
  EXPECT_EQ(h::count_at_most(hist, 1.0), 1u);
  EXPECT_EQ(h::count_at_most(hist, 10.0), 2u);
  EXPECT_EQ(h::count_at_most(hist, 100.0), 3u);
  EXPECT_EQ(h::count_at_most(hist, 1e9), 5u);
}

// The tracker's hot path looks buckets up in a table (bucket_of(table, ms)) instead of taking a
// logarithm: it must give the very bucket bucket_of gives, for every double, so the histograms
// (and the statistics files written before) mean the same.
TEST(HistogramBuckets, TableLookupEqualsTheLogarithm) {
  static h::BucketTable table;  // 8 kB: not on the stack
  h::init_table(table);
  ASSERT_TRUE(table.ready);
  auto same = [&](double x) {
    ASSERT_EQ(h::bucket_of(table, x), h::bucket_of(x)) << "value " << x;
  };
  // Around every bucket edge, a few doubles on either side.
  for (int i = 1; i <= h::kRangeBuckets + 1; i++) {
    double x = table.lower[i];
    for (int k = 0; k < 8; k++) x = std::nextafter(x, 0.0);
    for (int k = 0; k < 17; k++, x = std::nextafter(x, 1e300)) same(x);
  }
  // Around every slot boundary of the table.
  for (int slot = 0; slot < h::BucketTable::kSlots; slot++) {
    double x = std::ldexp(1.0 + (slot & 63) / 64.0, (slot >> 6) + h::BucketTable::kMinExponent);
    same(std::nextafter(x, 0.0));
    same(x);
    same(std::nextafter(x, 1e300));
  }
  // Out of range, and log-uniform random values over the whole range and beyond.
  for (double x : {0.0, -1.0, std::nan(""), h::kMinMs, h::kMaxMs, 1e12, 1e-9, 0.5, 1.0, 50.0})
    same(x);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-4.0, 7.0);
  for (int k = 0; k < 2000000; k++) same(std::pow(10.0, exponent(rng)));
  // A zeroed table (not initialised) falls back to the logarithm.
  static h::BucketTable empty;
  EXPECT_EQ(h::bucket_of(empty, 1.5), h::bucket_of(1.5));
}
