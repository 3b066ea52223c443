// histogram.hpp — the latency histogram of one tracked query: log-bucketed, fixed size, mergeable.
//
// PostgreSQL-free so GoogleTest can prove its error bound (test/unit/histogram_test.cpp); the
// extension keeps one Histogram per entry in shared memory, so it is plain data only.
//
// Bucket math. With a relative accuracy a, every bucket i >= 1 covers [L*g^(i-1), L*g^i) where
// g = (1+a)/(1-a) and L = kMinMs. A value reported for bucket i is its "centre"
// 2*L*g^(i-1)*g/(g+1), which lies within a (relative) of both ends, hence of every value in the
// bucket. We design with a = 1.9 % so that floating-point rounding at bucket edges still keeps
// the guaranteed bound under the advertised 2 %. Bucket 0 holds values below kMinMs, the last
// bucket values of kMaxMs and above; quantiles are clamped to the observed [min, max] (exact
// values the entry keeps anyway), which can only bring an estimate closer to the truth.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace azora {
namespace histogram {

constexpr double kDesignAccuracy = 0.019;  // a, used to size buckets
constexpr double kGuaranteedError = 0.02;  // the bound the tests prove
constexpr double kMinMs = 0.001;           // 1 microsecond
constexpr double kMaxMs = 1000000.0;       // 1000 seconds
// g = (1+a)/(1-a); ln(g) as a literal keeps everything constexpr.
constexpr double kGamma = (1.0 + kDesignAccuracy) / (1.0 - kDesignAccuracy);
// ceil(ln(kMaxMs / kMinMs) / ln(kGamma)) = ceil(20.7233 / 0.0380046) = 546, plus under/overflow.
constexpr int kRangeBuckets = 546;
constexpr int kBuckets = kRangeBuckets + 2;

// Plain data, zero-initialised means empty.
struct Histogram {
  uint32_t counts[kBuckets];
};
static_assert(std::is_trivially_copyable_v<Histogram> && std::is_standard_layout_v<Histogram>,
              "kept in shared memory and in the statistics file as raw bytes");

inline double log_gamma() {
  static const double value = std::log(kGamma);
  return value;
}

// The bucket a duration (milliseconds) falls into.
inline int bucket_of(double ms) {
  if (!(ms >= kMinMs)) return 0;  // also catches NaN
  if (ms >= kMaxMs) return kBuckets - 1;
  int i = static_cast<int>(std::floor(std::log(ms / kMinMs) / log_gamma())) + 1;
  if (i < 1) i = 1;
  if (i > kRangeBuckets) i = kRangeBuckets;
  return i;
}

// bucket_of without a logarithm, for the tracker's hot path (the log was its costliest step,
// ~90 instructions). A value's exponent and top kMantissaBits mantissa bits select a slot whose
// values span a ratio of at most 1 + 2^-6, less than one bucket (kGamma), so the slot's first
// bucket is the answer or one below it, decided by comparing with the next bucket's exact lower
// edge. Both tables are computed from bucket_of itself (init_table), so the two agree on every
// double as long as bucket_of is monotone; histogram_test checks them against each other at
// every edge and on random values. Plain data: a zero-initialised table (ready == false) falls
// back to bucket_of.
struct BucketTable {
  static constexpr int kMantissaBits = 6;
  static constexpr int kMinExponent = -10;  // 2^-10 <= kMinMs
  static constexpr int kMaxExponent = 20;   // 2^20 > kMaxMs
  static constexpr int kSlots = (kMaxExponent - kMinExponent) << kMantissaBits;
  double lower[kBuckets];  // lower[i]: the smallest double bucket_of puts in bucket i >= 1;
                           // lower[kRangeBuckets + 1] = kMaxMs
  uint16_t first[kSlots];  // the bucket of the slot's smallest value in [kMinMs, kMaxMs)
  bool ready;
};

inline int table_slot(double ms) {
  uint64_t bits;
  std::memcpy(&bits, &ms, sizeof bits);
  int exponent = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  int mantissa = static_cast<int>((bits >> (52 - BucketTable::kMantissaBits)) &
                                  ((1u << BucketTable::kMantissaBits) - 1));
  return ((exponent - BucketTable::kMinExponent) << BucketTable::kMantissaBits) | mantissa;
}

// Fills t: about 3,500 evaluations of bucket_of (~0.8 M instructions), once per process at
// start-up (in the postmaster: forked backends inherit the table).
inline void init_table(BucketTable& t) {
  t.lower[0] = 0;
  t.lower[1] = kMinMs;
  for (int i = 2; i <= kRangeBuckets; i++) {
    // Near kMinMs * kGamma^(i-1); then the exact first double that bucket_of puts in i.
    double x = kMinMs * std::pow(kGamma, i - 1);
    while (bucket_of(x) >= i) x = std::nextafter(x, 0.0);
    while (bucket_of(x) < i) x = std::nextafter(x, kMaxMs);
    t.lower[i] = x;
  }
  t.lower[kRangeBuckets + 1] = kMaxMs;
  for (int slot = 0; slot < BucketTable::kSlots; slot++) {
    int exponent = (slot >> BucketTable::kMantissaBits) + BucketTable::kMinExponent;
    uint64_t mantissa = static_cast<uint64_t>(slot & ((1 << BucketTable::kMantissaBits) - 1));
    uint64_t bits = (static_cast<uint64_t>(exponent + 1023) << 52) |
                    (mantissa << (52 - BucketTable::kMantissaBits));
    double smallest;
    std::memcpy(&smallest, &bits, sizeof smallest);
    if (smallest < kMinMs) smallest = kMinMs;
    t.first[slot] = static_cast<uint16_t>(smallest >= kMaxMs ? kRangeBuckets : bucket_of(smallest));
  }
  t.ready = true;
}

// The same bucket as bucket_of(ms), from the table.
inline int bucket_of(const BucketTable& t, double ms) {
  if (!(ms >= kMinMs)) return 0;  // also catches NaN
  if (ms >= kMaxMs) return kBuckets - 1;
  if (!t.ready) return bucket_of(ms);
  int b = t.first[table_slot(ms)];
  while (ms >= t.lower[b + 1]) b++;  // at most once: a slot spans less than one bucket
  return b;
}

// Lower and upper edge of an in-range bucket (1..kRangeBuckets).
inline double bucket_lower(int i) {
  return kMinMs * std::pow(kGamma, i - 1);
}
inline double bucket_upper(int i) {
  return kMinMs * std::pow(kGamma, i);
}

// The value reported for a bucket: its centre for in-range buckets, the range edge otherwise.
inline double bucket_value(int i) {
  if (i <= 0) return kMinMs;
  if (i >= kBuckets - 1) return kMaxMs;
  return bucket_lower(i) * 2.0 * kGamma / (kGamma + 1.0);
}

// Counts one value whose bucket (bucket_of) was computed beforehand, e.g. outside a lock.
inline void add_to_bucket(Histogram& h, int bucket) {
  uint32_t& c = h.counts[bucket];
  if (c != UINT32_MAX) c++;  // saturate rather than wrap
}

inline void add(Histogram& h, double ms) {
  add_to_bucket(h, bucket_of(ms));
}

// Merging is bucket-wise addition: the merge of two histograms is the histogram of the union.
inline void merge(Histogram& into, const Histogram& from) {
  for (int i = 0; i < kBuckets; i++) {
    uint64_t sum = static_cast<uint64_t>(into.counts[i]) + from.counts[i];
    into.counts[i] = sum > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(sum);
  }
}

inline uint64_t total(const Histogram& h) {
  uint64_t n = 0;
  for (int i = 0; i < kBuckets; i++) n += h.counts[i];
  return n;
}

// The nearest-rank q-quantile (0 < q <= 1): the value of rank ceil(q*n) in sorted order,
// estimated within kGuaranteedError (relative) for values in [kMinMs, kMaxMs). The estimate is
// clamped to [min_ms, max_ms], the exact extremes the caller tracks. NaN when empty.
inline double quantile(const Histogram& h, double q, double min_ms, double max_ms) {
  uint64_t n = total(h);
  if (n == 0) return std::nan("");
  if (q <= 0) return min_ms;
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(n)));
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  uint64_t seen = 0;
  int i = 0;
  for (; i < kBuckets; i++) {
    seen += h.counts[i];
    if (seen >= rank) break;
  }
  double v = bucket_value(i);
  if (v < min_ms) v = min_ms;
  if (v > max_ms) v = max_ms;
  return v;
}

// How many recorded values are <= le_ms, judged by bucket value (used to re-bucket into
// Prometheus' coarse `le` boundaries; exact except for the one bucket straddling le_ms).
inline uint64_t count_at_most(const Histogram& h, double le_ms) {
  uint64_t n = 0;
  for (int i = 0; i < kBuckets; i++)
    if (bucket_value(i) <= le_ms) n += h.counts[i];
  return n;
}

}  // namespace histogram
}  // namespace azora
