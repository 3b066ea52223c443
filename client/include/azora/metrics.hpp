// metrics.hpp — a Prometheus metrics registry: counters, gauges, histograms and callback gauges,
// exposed as the text exposition format (version 0.0.4).
//
// Thread-safe: registering and exposing take the registry's lock; updating a metric is lock-free
// (atomics), so hot paths (every query, every pool lease) pay no lock. A metric returned by the
// registry lives as long as the registry, so callers may keep the reference.
// Names follow postgres_exporter's conventions: snake_case, a unit suffix (_seconds, _bytes),
// _total for counters; labels say which series (operation, table, pool, state).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace azora::metrics {

// The library's metric names, in one place so every module spells them the same way.
namespace names {
inline constexpr const char* kQueryDuration = "azora_db_query_duration_seconds";  // histogram
inline constexpr const char* kSlowQueries = "azora_db_slow_queries_total";        // counter
inline constexpr const char* kQueryErrors = "azora_db_query_errors_total";        // counter
inline constexpr const char* kCacheHits = "azora_cache_hits_total";               // counter
inline constexpr const char* kCacheMisses = "azora_cache_misses_total";           // counter
inline constexpr const char* kCacheErrors = "azora_cache_errors_total";           // counter
inline constexpr const char* kResponseSize = "azora_response_size_bytes";         // histogram
}  // namespace names

// Label name -> value. Ordered so that one set of labels is one series whatever the call order.
using Labels = std::map<std::string, std::string>;

// A monotonically increasing value (events, bytes).
class Counter {
 public:
  // Adds v (must be >= 0: a counter never goes down; a negative v throws UsageError).
  void inc(double v = 1.0);
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// A value that goes up and down (connections in use, queue length).
class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void inc(double v = 1.0) noexcept;
  void dec(double v = 1.0) noexcept { inc(-v); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Counts observations into cumulative buckets (upper bounds, "le"), plus their sum and count.
class Histogram {
 public:
  // bounds must be strictly increasing and finite; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void observe(double v) noexcept;

  const std::vector<double>& bounds() const noexcept { return bounds_; }
  // Cumulative counts: [i] is the number of observations <= bounds()[i]; the last is +Inf.
  std::vector<std::uint64_t> cumulative_counts() const;
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

  // Prometheus' default buckets with sub-millisecond ones prepended (local queries are fast).
  static std::vector<double> latency_buckets();
  // start, start*factor, ... (count bounds), e.g. exponential(64, 4, 10) for response sizes.
  static std::vector<double> exponential(double start, double factor, int count);

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, not cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

class Registry;

// Keeps a callback gauge registered; destroying it (or reset()) unregisters it, so an object
// that exports its state through a callback (e.g. Pool) never leaves a dangling one behind.
class Subscription {
 public:
  Subscription() = default;
  ~Subscription() { reset(); }
  Subscription(Subscription&& other) noexcept;
  Subscription& operator=(Subscription&& other) noexcept;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  void reset() noexcept;

 private:
  friend class Registry;
  Subscription(Registry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
  Registry* registry_ = nullptr;
  std::uint64_t id_ = 0;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The process-wide registry the library records into unless given another one.
  static Registry& global();

  // Get-or-create the series `name{labels}`. Registering an existing name with another type (or
  // a histogram with other bounds) throws UsageError, as does an invalid metric or label name.
  // The help text of the first registration wins.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       const std::vector<double>& bounds = Histogram::latency_buckets(),
                       const Labels& labels = {});

  // A gauge series whose value is read by calling fn at exposition time (fn must be thread-safe
  // and must not call back into this registry). Unregistered when the Subscription dies.
  [[nodiscard]] Subscription gauge_callback(const std::string& name, const std::string& help,
                                            const Labels& labels, std::function<double()> fn);
  // The same for a counter kept elsewhere (fn must never go down), e.g. a pool's acquisitions.
  [[nodiscard]] Subscription counter_callback(const std::string& name, const std::string& help,
                                              const Labels& labels, std::function<double()> fn);

  // The whole registry in the Prometheus text format, families sorted by name.
  std::string expose() const;

  // Distinct for every Registry constructed in the process, so a cache of metric handles can
  // tell a registry from a later one at the same address.
  std::uint64_t id() const noexcept { return id_; }

 private:
  friend class Subscription;
  struct Family;
  Family& family(const std::string& name, const std::string& help, int type,
                 const std::vector<double>* bounds);
  Subscription add_callback(const std::string& name, const std::string& help, int type,
                            const Labels& labels, std::function<double()> fn);
  void unregister(std::uint64_t id) noexcept;

  const std::uint64_t id_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>> families_;
  std::uint64_t next_id_ = 1;
};

}  // namespace azora::metrics
