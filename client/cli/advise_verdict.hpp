// advise_verdict.hpp — the decisions of `azora-opt advise --apply --verify`, free of PostgreSQL
// and libpq so the unit tests (test/unit/advise_verdict_test.cpp) prove them: a statement's
// figures over a window as the difference of two cumulative snapshots (nothing is reset, so
// other tools reading the tracker see no gap), each statement's change between the window
// before the indexes and the window after, the keep/drop verdict of each index, and the
// durations the options take.
//
// The rule (docs/cli.md, "Verifying applied indexes"). A statement is judged only with at least
// min_calls calls in both windows. An index is KEPT when, over the judged statements it was
// advised for, the call-weighted mean execution time or the shared blocks read per call fell by
// at least min_gain, and no judged statement got worse: its p95 or mean time up by more than
// max_loss. It is DROPPED otherwise (it did not pay for its space and its write cost), and
// INCONCLUSIVE — kept, said so — when none of its statements had enough calls. Per-call figures
// make windows of different lengths comparable; the weights are the before-window calls, so both
// windows are priced on the same mix of statements.
#pragma once

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "histogram.hpp"

namespace azora::cli::verify {

// A statement's cumulative tracked figures at one moment (every entry of its queryid in this
// database summed: roles and nesting levels).
struct Snapshot {
  bool present = false;  // some entry of the queryid is tracked
  long long calls = 0;
  double total_ms = 0;
  long long shared_blks_read = 0;
  histogram::Histogram hist{};
};

inline void add_entry(Snapshot& s, long long calls, double total_ms, long long blks_read,
                      const std::vector<long long>& bucket_index,
                      const std::vector<long long>& bucket_count) {
  s.present = true;
  s.calls += calls;
  s.total_ms += total_ms;
  s.shared_blks_read += blks_read;
  for (size_t i = 0; i < bucket_index.size() && i < bucket_count.size(); i++) {
    if (bucket_index[i] < 0 || bucket_index[i] >= histogram::kBuckets || bucket_count[i] < 0)
      continue;
    uint64_t sum = static_cast<uint64_t>(s.hist.counts[bucket_index[i]]) +
                   static_cast<uint64_t>(bucket_count[i]);
    s.hist.counts[bucket_index[i]] = sum > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(sum);
  }
}

// A statement's figures over a window: to − from.
struct Window {
  bool valid = true;  // false when a counter went backwards (entry evicted or reset meanwhile)
  long long calls = 0;
  double total_ms = 0;
  long long shared_blks_read = 0;
  histogram::Histogram hist{};

  double mean_ms() const { return calls > 0 ? total_ms / static_cast<double>(calls) : 0; }
  double blocks_per_call() const {
    return calls > 0 ? static_cast<double>(shared_blks_read) / static_cast<double>(calls) : 0;
  }
  // The p95 of the window's calls from the bucket differences: within the histogram's 2 %,
  // unclamped (a window's exact min and max are not known). NaN without calls.
  double p95_ms() const { return histogram::quantile(hist, 0.95, 0, histogram::kMaxMs); }
};

inline Window delta(const Snapshot& from, const Snapshot& to) {
  Window w;
  if (!to.present) {
    w.valid = !from.present;  // gone since: evicted or reset
    return w;
  }
  w.calls = to.calls - from.calls;
  w.total_ms = to.total_ms - from.total_ms;
  w.shared_blks_read = to.shared_blks_read - from.shared_blks_read;
  if (w.calls < 0 || w.shared_blks_read < 0 || w.total_ms < -1e-6) w.valid = false;
  for (int i = 0; i < histogram::kBuckets; i++) {
    if (to.hist.counts[i] < from.hist.counts[i]) {
      w.valid = false;
    } else {
      w.hist.counts[i] = to.hist.counts[i] - from.hist.counts[i];
    }
  }
  if (!w.valid) {
    w.calls = 0;
    w.total_ms = 0;
    w.shared_blks_read = 0;
    w.hist = histogram::Histogram{};
  }
  return w;
}

struct Settings {
  long long min_calls = 30;  // calls a statement needs in each window to be judged
  double min_gain = 0.10;    // fall in mean time or blocks read per call that keeps an index
  double max_loss = 0.20;    // rise in a statement's p95 or mean time that drops it
};

enum class StatementVerdict { kImproved, kUnchanged, kWorse, kNotEnoughCalls };

inline const char* name(StatementVerdict v) {
  switch (v) {
    case StatementVerdict::kImproved:
      return "improved";
    case StatementVerdict::kUnchanged:
      return "unchanged";
    case StatementVerdict::kWorse:
      return "worse";
    case StatementVerdict::kNotEnoughCalls:
      return "not enough calls";
  }
  return "?";
}

// Relative change after/before − 1; nullopt when before is 0 (nothing to compare with).
inline std::optional<double> change(double before, double after) {
  if (!(before > 0) || !std::isfinite(before) || !std::isfinite(after)) return std::nullopt;
  return after / before - 1;
}

struct StatementResult {
  StatementVerdict verdict = StatementVerdict::kNotEnoughCalls;
  std::optional<double> mean_change, p95_change, blocks_change;  // relative; − is better
  std::string reason;                                            // for not enough calls
};

inline StatementResult judge_statement(const Window& before, const Window& after,
                                       const Settings& s) {
  StatementResult r;
  if (!before.valid || !after.valid) {
    r.reason = "its statistics were reset or evicted during a window";
    return r;
  }
  if (before.calls < s.min_calls || after.calls < s.min_calls || before.calls == 0 ||
      after.calls == 0) {
    r.reason = std::to_string(before.calls) + " calls before, " + std::to_string(after.calls) +
               " after; " + std::to_string(s.min_calls) + " needed in each window";
    return r;
  }
  r.mean_change = change(before.mean_ms(), after.mean_ms());
  r.p95_change = change(before.p95_ms(), after.p95_ms());
  r.blocks_change = change(before.blocks_per_call(), after.blocks_per_call());
  bool worse = (r.p95_change && *r.p95_change > s.max_loss) ||
               (r.mean_change && *r.mean_change > s.max_loss);
  bool better = (r.mean_change && *r.mean_change <= -s.min_gain) ||
                (r.blocks_change && *r.blocks_change <= -s.min_gain);
  r.verdict = worse    ? StatementVerdict::kWorse
              : better ? StatementVerdict::kImproved
                       : StatementVerdict::kUnchanged;
  return r;
}

enum class IndexVerdict { kKept, kDropped, kInconclusive };

inline const char* name(IndexVerdict v) {
  switch (v) {
    case IndexVerdict::kKept:
      return "kept";
    case IndexVerdict::kDropped:
      return "dropped";
    case IndexVerdict::kInconclusive:
      return "inconclusive";
  }
  return "?";
}

struct IndexResult {
  IndexVerdict verdict = IndexVerdict::kInconclusive;
  int judged = 0;                          // statements with enough calls
  std::optional<double> mean_gain;         // call-weighted fall in mean time (+ is better)
  std::optional<double> blocks_gain;       // call-weighted fall in blocks read per call
  std::optional<double> worst_p95_change;  // the largest p95 rise among judged statements
  std::string reason;
};

// One statement an index was advised for: its two windows and its own judgement.
struct Judged {
  std::string queryid;
  Window before, after;
  StatementResult result;
};

inline std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", 100 * fraction);
  return buf;
}

inline IndexResult judge_index(const std::vector<const Judged*>& statements, const Settings& s) {
  IndexResult r;
  double w_before = 0, w_after = 0, b_before = 0, b_after = 0;
  const Judged* worst = nullptr;
  for (const Judged* j : statements) {
    if (j->result.verdict == StatementVerdict::kNotEnoughCalls) continue;
    r.judged++;
    double w = static_cast<double>(j->before.calls);
    w_before += w * j->before.mean_ms();
    w_after += w * j->after.mean_ms();
    b_before += w * j->before.blocks_per_call();
    b_after += w * j->after.blocks_per_call();
    if (j->result.verdict == StatementVerdict::kWorse && worst == nullptr) worst = j;
    if (j->result.p95_change &&
        (!r.worst_p95_change || *j->result.p95_change > *r.worst_p95_change))
      r.worst_p95_change = j->result.p95_change;
  }
  if (r.judged == 0) {
    r.verdict = IndexVerdict::kInconclusive;
    r.reason = "no statement it was advised for had enough calls in both windows: kept";
    return r;
  }
  if (w_before > 0) r.mean_gain = 1 - w_after / w_before;
  if (b_before > 0) r.blocks_gain = 1 - b_after / b_before;
  if (worst != nullptr) {
    r.verdict = IndexVerdict::kDropped;
    const StatementResult& w = worst->result;
    bool p95 = w.p95_change && *w.p95_change > s.max_loss;
    r.reason = "query " + worst->queryid + " got worse: " + (p95 ? "p95" : "mean time") + " +" +
               percent(p95 ? *w.p95_change : *w.mean_change) + " (more than " +
               percent(s.max_loss) + ")";
    return r;
  }
  bool time_paid = r.mean_gain && *r.mean_gain >= s.min_gain;
  bool blocks_paid = r.blocks_gain && *r.blocks_gain >= s.min_gain;
  std::string figures =
      "mean time " + (r.mean_gain ? percent(-*r.mean_gain) : "n/a") +
      (r.blocks_gain ? ", blocks read " + percent(-*r.blocks_gain) : ", no blocks read before");
  if (time_paid || blocks_paid) {
    r.verdict = IndexVerdict::kKept;
    r.reason = figures;
  } else {
    r.verdict = IndexVerdict::kDropped;
    r.reason = figures + ": less than the " + percent(s.min_gain) + " fall that pays";
  }
  return r;
}

// A duration such as 30s, 500ms, 2min, 1h or 45 (seconds) in seconds; nullopt otherwise.
inline std::optional<double> parse_duration(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    i++;
  if (i == 0) return std::nullopt;
  char* end = nullptr;
  std::string number = text.substr(0, i);
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value) || value < 0)
    return std::nullopt;
  std::string unit = text.substr(i);
  if (unit.empty() || unit == "s") return value;
  if (unit == "ms") return value / 1000;
  if (unit == "min") return value * 60;
  if (unit == "h") return value * 3600;
  return std::nullopt;
}

}  // namespace azora::cli::verify
