// metrics.cpp — the Prometheus registry and its text exposition (see metrics.hpp).
#include "azora/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "azora/error.hpp"

namespace azora::metrics {

namespace {

enum Type { kCounter, kGauge, kHistogram };

const char* type_name(int t) {
  switch (t) {
    case kCounter:
      return "counter";
    case kGauge:
      return "gauge";
    default:
      return "histogram";
  }
}

// std::atomic<double>::fetch_add is C++20; a CAS loop does the same in C++17.
void atomic_add(std::atomic<double>& a, double v) noexcept {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

bool valid_name(const std::string& s, bool allow_colon) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void check_labels(const Labels& labels) {
  for (const auto& [k, v] : labels) {
    (void)v;
    if (!valid_name(k, false) || k.rfind("__", 0) == 0 || k == "le")
      throw UsageError("invalid metric label name: \"" + k + "\"");
  }
}

// Shortest text that reads back as the same double; Prometheus spells infinities +Inf/-Inf.
void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void append_escaped(std::string& out, const std::string& s, bool quote) {
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quote && c == '"')
      out += "\\\"";
    else
      out += c;
  }
}

// {a="x",b="y"} with an optional extra label (le) last; nothing for no labels.
void append_labels(std::string& out, const Labels& labels, const char* extra_key = nullptr,
                   double extra_value = 0) {
  if (labels.empty() && extra_key == nullptr) return;
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    append_escaped(out, v, true);
    out += '"';
  }
  if (extra_key != nullptr) {
    if (!first) out += ',';
    out += extra_key;
    out += "=\"";
    append_number(out, extra_value);
    out += '"';
  }
  out += '}';
}

}  // namespace

void Counter::inc(double v) {
  if (!(v >= 0)) throw UsageError("a counter cannot be decreased");
  atomic_add(value_, v);
}

void Gauge::inc(double v) noexcept {
  atomic_add(value_, v);
}

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  for (std::size_t i = 0; i < bounds_.size(); i++) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1]))
      throw UsageError("histogram bounds must be finite and strictly increasing");
  }
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); i++) buckets_[i].store(0);
}

void Histogram::observe(double v) noexcept {
  // The first bound >= v is the bucket; past the last one is +Inf.
  std::size_t i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                           bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t n = 0;
  for (std::size_t b = 0; b <= bounds_.size(); b++) {
    n += buckets_[b].load(std::memory_order_relaxed);
    out[b] = n;
  }
  return out;
}

std::vector<double> Histogram::latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

std::vector<double> Histogram::exponential(double start, double factor, int count) {
  if (!(start > 0) || !(factor > 1) || count < 1)
    throw UsageError("exponential buckets need start > 0, factor > 1, count >= 1");
  std::vector<double> b;
  double v = start;
  for (int i = 0; i < count; i++, v *= factor) b.push_back(v);
  return b;
}

// One metric name: its type, help, and series by label set.
struct Registry::Family {
  int type;
  std::string help;
  std::vector<double> bounds;  // histograms only
  std::map<Labels, std::unique_ptr<Counter>> counters;
  std::map<Labels, std::unique_ptr<Gauge>> gauges;
  std::map<Labels, std::unique_ptr<Histogram>> histograms;
  struct Callback {
    Labels labels;
    std::function<double()> fn;
  };
  std::map<std::uint64_t, Callback> callbacks;  // by Subscription id
};

namespace {
std::uint64_t next_registry_id() noexcept {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

Registry::Registry() : id_(next_registry_id()) {}
Registry::~Registry() = default;

Registry& Registry::global() {
  // Never destroyed: metrics may be touched from static destructors of other objects.
  static Registry* r = new Registry();
  return *r;
}

Registry::Family& Registry::family(const std::string& name, const std::string& help, int type,
                                   const std::vector<double>* bounds) {
  if (!valid_name(name, true)) throw UsageError("invalid metric name: \"" + name + "\"");
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto f = std::make_unique<Family>();
    f->type = type;
    f->help = help;
    if (bounds != nullptr) f->bounds = *bounds;
    it = families_.emplace(name, std::move(f)).first;
  }
  Family& f = *it->second;
  if (f.type != type)
    throw UsageError("metric " + name + " is already registered as a " + type_name(f.type));
  if (bounds != nullptr && f.bounds != *bounds)
    throw UsageError("histogram " + name + " is already registered with other buckets");
  return f;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  check_labels(labels);
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = family(name, help, kCounter, nullptr).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  check_labels(labels);
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = family(name, help, kGauge, nullptr).gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const std::vector<double>& bounds, const Labels& labels) {
  check_labels(labels);
  Histogram probe(bounds);  // validates the bounds before anything is registered
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = family(name, help, kHistogram, &bounds).histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

Subscription Registry::gauge_callback(const std::string& name, const std::string& help,
                                      const Labels& labels, std::function<double()> fn) {
  return add_callback(name, help, kGauge, labels, std::move(fn));
}

Subscription Registry::counter_callback(const std::string& name, const std::string& help,
                                        const Labels& labels, std::function<double()> fn) {
  return add_callback(name, help, kCounter, labels, std::move(fn));
}

Subscription Registry::add_callback(const std::string& name, const std::string& help, int type,
                                    const Labels& labels, std::function<double()> fn) {
  check_labels(labels);
  if (!fn) throw UsageError("a callback metric needs a function");
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = family(name, help, type, nullptr);
  std::uint64_t id = next_id_++;
  f.callbacks.emplace(id, Family::Callback{labels, std::move(fn)});
  return Subscription(this, id);
}

void Registry::unregister(std::uint64_t id) noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [name, f] : families_) {
    (void)name;
    if (f->callbacks.erase(id) > 0) return;
  }
}

std::string Registry::expose() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (f->counters.empty() && f->gauges.empty() && f->histograms.empty() && f->callbacks.empty())
      continue;
    out += "# HELP " + name + ' ';
    append_escaped(out, f->help, false);
    out += "\n# TYPE " + name + ' ' + type_name(f->type) + '\n';
    // Plain and callback series of one name share the family; order series by labels.
    std::map<Labels, double> values;
    for (const auto& [labels, c] : f->counters) values[labels] = c->value();
    for (const auto& [labels, g] : f->gauges) values[labels] = g->value();
    for (const auto& [id, cb] : f->callbacks) {
      (void)id;
      values[cb.labels] = cb.fn();
    }
    for (const auto& [labels, v] : values) {
      out += name;
      append_labels(out, labels);
      out += ' ';
      append_number(out, v);
      out += '\n';
    }
    for (const auto& [labels, h] : f->histograms) {
      // One read of the buckets, so the series are consistent with each other.
      const std::vector<std::uint64_t> counts = h->cumulative_counts();
      const std::uint64_t cumulative = counts.back();
      for (std::size_t i = 0; i < counts.size(); i++) {
        out += name + "_bucket";
        append_labels(out, labels, "le", i < h->bounds().size() ? h->bounds()[i] : HUGE_VAL);
        out += ' ' + std::to_string(counts[i]) + '\n';
      }
      out += name + "_sum";
      append_labels(out, labels);
      out += ' ';
      append_number(out, h->sum());
      out += '\n' + name + "_count";
      append_labels(out, labels);
      // The +Inf bucket and _count must agree for scrapers; use the bucket total.
      out += ' ' + std::to_string(cumulative) + '\n';
    }
  }
  return out;
}

Subscription::Subscription(Subscription&& other) noexcept
    : registry_(other.registry_), id_(other.id_) {
  other.registry_ = nullptr;
}

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    registry_ = other.registry_;
    id_ = other.id_;
    other.registry_ = nullptr;
  }
  return *this;
}

void Subscription::reset() noexcept {
  if (registry_ != nullptr) registry_->unregister(id_);
  registry_ = nullptr;
}

}  // namespace azora::metrics
