// append_only_map.hpp — (internal) AppendOnlyMap: a bounded hash map whose lookups take no lock
// and allocate nothing, for handles that hot paths look up on every call (a query's metric
// series, the labels memoized for a SQL text).
//
// Entries are only ever added, never changed or removed, and live as long as the map; a slot
// goes from empty to an entry once (published with a release store, read with an acquire
// load), so readers need no lock. Writers serialize on a mutex. The map holds at most
// max_entries: past that, insert() returns nullptr and the caller takes its slow path, so an
// unbounded stream of distinct keys (SQL with inlined literals) cannot grow memory without end.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace azora::detail {

template <class V>
class AppendOnlyMap {
 public:
  explicit AppendOnlyMap(std::size_t max_entries) : max_entries_(max_entries) {
    std::size_t slots = 16;
    while (slots < 2 * max_entries) slots *= 2;  // at most half full: short probe sequences
    mask_ = slots - 1;
    slots_ = std::make_unique<std::atomic<const Entry*>[]>(slots);
    for (std::size_t i = 0; i < slots; i++) slots_[i].store(nullptr, std::memory_order_relaxed);
  }
  AppendOnlyMap(const AppendOnlyMap&) = delete;
  AppendOnlyMap& operator=(const AppendOnlyMap&) = delete;

  // The value whose key matches (eq(value) is true) under hash, or nullptr. No lock.
  template <class Eq>
  const V* find(std::size_t hash, const Eq& eq) const noexcept {
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Entry* e = slots_[i].load(std::memory_order_acquire);
      if (e == nullptr) return nullptr;  // never more than half full: an empty slot ends it
      if (e->hash == hash && eq(e->value)) return &e->value;
    }
  }

  // The value for the key, added as make() when absent; nullptr when the map is full.
  template <class Eq, class Make>
  const V* insert(std::size_t hash, const Eq& eq, const Make& make) {
    std::lock_guard<std::mutex> lock(mu_);
    if (const V* v = find(hash, eq)) return v;  // another thread added it meanwhile
    if (owned_.size() >= max_entries_) return nullptr;
    owned_.push_back(std::make_unique<Entry>(Entry{hash, make()}));
    std::size_t i = hash & mask_;
    while (slots_[i].load(std::memory_order_relaxed) != nullptr) i = (i + 1) & mask_;
    slots_[i].store(owned_.back().get(), std::memory_order_release);
    return &owned_.back()->value;
  }

 private:
  struct Entry {
    std::size_t hash;
    V value;
  };
  std::size_t max_entries_;
  std::size_t mask_ = 0;
  std::unique_ptr<std::atomic<const Entry*>[]> slots_;
  std::mutex mu_;                              // writers only
  std::vector<std::unique_ptr<Entry>> owned_;  // guarded by mu_
};

}  // namespace azora::detail
