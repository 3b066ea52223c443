// bounded_memo.hpp — a string-keyed memo of costs whose memory is bounded: the index advisor's
// memos (the selection's per (query, chosen set) and the what-if oracle's per (statement,
// configuration)) gain an entry per costing, and a long advise_indexes() call makes millions.
//
// Two generations: entries go into the young one; when it holds half the bound, the old one is
// dropped and the young one becomes old. A lookup that finds an entry in the old generation
// moves it to the young one, so what the search keeps asking for survives a turnover and only
// what it stopped asking for is forgotten. Both generations together stay under the bound
// (estimated per entry from the key's length and the hash table's per-node overhead, checked
// against the allocator in test/unit/bounded_memo_test.cpp). A forgotten entry costs a repeat
// of the work it saved, never a different answer.
//
// PostgreSQL-free (the advisor's C++ heap, not a memory context), unit-tested with GoogleTest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

namespace azora {

class BoundedMemo {
 public:
  static constexpr size_t kUnlimited = std::numeric_limits<size_t>::max();

  explicit BoundedMemo(size_t max_bytes = kUnlimited) : max_bytes_(max_bytes) {}

  // The value memoised for `key`, or nullptr.
  const double* find(const std::string& key) {
    auto young = young_.find(key);
    if (young != young_.end()) return &young->second;
    auto old = old_.find(key);
    if (old == old_.end()) return nullptr;
    double value = old->second;
    old_bytes_ -= entry_bytes(key);
    old_.erase(old);
    return &put(key, value);
  }

  void insert(std::string key, double value) {
    if (young_.count(key) != 0) return;
    auto old = old_.find(key);
    if (old != old_.end()) {
      old_bytes_ -= entry_bytes(key);
      old_.erase(old);
    }
    put(std::move(key), value);
  }

  size_t entries() const { return young_.size() + old_.size(); }
  // The estimated bytes both generations hold.
  size_t bytes() const { return young_bytes_ + old_bytes_; }
  // How many times the old generation was dropped (entries forgotten).
  int64_t turnovers() const { return turnovers_; }

  // An entry's memory: the hash node (next pointer, key object, value, cached hash: 56 bytes,
  // 64 allocated), its bucket pointers (one to two per entry at the default load factor), and
  // the key's own allocation when it does not fit the string's inline buffer (15 bytes).
  static size_t entry_bytes(const std::string& key) {
    constexpr size_t kNode = 64 + 16;
    return kNode + (key.size() > 15 ? ((key.size() + 1 + 15) & ~size_t{15}) + 16 : 0);
  }

 private:
  double& put(std::string key, double value) {
    size_t bytes = entry_bytes(key);
    if (max_bytes_ != kUnlimited && young_bytes_ + bytes > max_bytes_ / 2) {
      // The old generation is dropped (its table's buckets freed too), the young one ages.
      old_ = std::unordered_map<std::string, double>();
      old_.swap(young_);
      old_bytes_ = young_bytes_;
      young_bytes_ = 0;
      ++turnovers_;
    }
    young_bytes_ += bytes;
    return young_.emplace(std::move(key), value).first->second;
  }

  size_t max_bytes_;
  std::unordered_map<std::string, double> young_;
  std::unordered_map<std::string, double> old_;
  size_t young_bytes_ = 0;
  size_t old_bytes_ = 0;
  int64_t turnovers_ = 0;
};

}  // namespace azora
