// index_selection_lazy_test.cpp — proves the lazy greedy search of the index selection
// (extension/pure/index_selection.hpp, Selector::lazy_best) against the exhaustive one, its
// independent truth: on costs where a step's benefit never grows as the chosen set grows, both
// must choose the same indexes, the lazy one with fewer costings; where a benefit does grow (two
// indexes that pay together), the full pass before the search ends must still find it.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <ostream>
#include <random>
#include <vector>

#include "index_selection.hpp"

namespace is = azora::index_selection;

namespace azora::index_selection {
// Names an index in a failed comparison: table(keys).
void PrintTo(const Index& ix, std::ostream* out) {
  *out << ix.table << "(";
  for (size_t k = 0; k < ix.columns.size(); ++k) *out << (k ? "," : "") << ix.columns[k];
  *out << ")";
}
}  // namespace azora::index_selection

namespace {

// A monotone submodular workload cost ("facility location"): each query, on each table it
// reads, costs the cheapest of its scan and the indexes of that table whose leading column it
// filters on (what Selector::may_use_index re-costs), each index's cost for it drawn at random
// once. Adding an index lowers a query's cost by at most what it lowered before any other was
// added, so a step's benefit only shrinks as the chosen set grows.
class FacilityOracle : public is::CostOracle {
 public:
  explicit FacilityOracle(uint32_t seed) : rng_(seed) {}

  std::map<std::pair<int64_t, uint32_t>, double> scan;  // (query, table) -> cost without index
  std::map<int64_t, std::vector<is::ColumnRef>> filters;
  std::map<is::Index, double> upkeep;

  double cost(const is::Query& q, const std::vector<is::Index>& indexes) override {
    double total = 0;
    for (uint32_t t : q.tables) {
      double best = scan.at({q.id, t});
      for (const is::Index& ix : indexes) {
        if (ix.table != t || !filtered(q.id, t, ix.columns.front())) continue;
        auto key = std::make_pair(q.id, ix);
        auto found = with_index_.find(key);
        if (found == with_index_.end())
          found = with_index_.emplace(key, best_fraction() * scan.at({q.id, t})).first;
        best = std::min(best, found->second);
      }
      total += best;
    }
    return total;
  }
  double size_bytes(const is::Index& ix) override {
    auto found = sizes_.find(ix);
    if (found != sizes_.end()) return found->second;
    double bytes = std::uniform_real_distribution<double>(1e3, 1e5)(rng_) *
                   static_cast<double>(ix.columns.size());
    return sizes_.emplace(ix, bytes).first->second;
  }
  double maintenance(const is::Index& ix) override {
    auto found = upkeep.find(ix);
    return found == upkeep.end() ? 0 : found->second;
  }

  std::mt19937& rng() { return rng_; }

 private:
  bool filtered(int64_t query, uint32_t table, int column) const {
    for (const is::ColumnRef& c : filters.at(query))
      if (c.table == table && c.column == column) return true;
    return false;
  }
  double best_fraction() { return std::uniform_real_distribution<double>(0.01, 1.0)(rng_); }

  std::mt19937 rng_;
  std::map<std::pair<int64_t, is::Index>, double> with_index_;
  std::map<is::Index, double> sizes_;
};

// A random workload over 4 tables of 6 columns: each query filters on one column of each of 1
// to 3 tables (so no widening steps, which replace an index and are not submodular), and may
// suggest a two-column composite led by one of its columns.
std::vector<is::Query> random_workload(FacilityOracle& o, int queries) {
  std::mt19937& rng = o.rng();
  std::uniform_int_distribution<int> table(1, 4), column(1, 6), ntables(1, 3);
  std::vector<is::Query> out;
  for (int id = 0; id < queries; ++id) {
    is::Query q;
    q.id = id;
    q.weight = std::uniform_real_distribution<double>(0.1, 10)(rng);
    int n = ntables(rng);
    for (int k = 0; k < n; ++k) {
      uint32_t t = static_cast<uint32_t>(table(rng));
      if (o.scan.count({id, t})) continue;
      o.scan[{id, t}] = std::uniform_real_distribution<double>(100, 10000)(rng);
      int c = column(rng);
      q.columns.push_back({t, c, 0});
      q.tables.push_back(t);
      if (rng() % 3 == 0) q.composites.push_back(is::Index(t, {c, column(rng) % 6 + 7}));
    }
    o.filters[id] = q.columns;
    out.push_back(q);
  }
  return out;
}

std::vector<is::Index> picked(const is::Result& r) {
  std::vector<is::Index> out;
  for (const auto& p : r.picks) out.push_back(p.index);
  return out;
}

}  // namespace

TEST(IndexSelectionLazy, SameIndexesAsExhaustiveOnSubmodularCosts) {
  int64_t lazy_evaluations = 0, exhaustive_evaluations = 0;
  int64_t lazy_calls = 0, exhaustive_calls = 0;
  size_t nonempty = 0;
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    FacilityOracle o(seed);
    std::vector<is::Query> w = random_workload(o, 30);
    // Some maintenance (a constant per index keeps benefits submodular) and three budgets.
    for (const auto& q : w)
      for (const auto& c : q.columns)
        if (o.rng()() % 4 == 0) o.upkeep[is::Index(c.table, {c.column})] = 50;
    is::Options options;
    options.budget_bytes = seed % 3 == 0 ? 1e5 : seed % 3 == 1 ? 5e5 : 1e12;
    options.min_improvement = seed % 2 == 0 ? 0 : 0.1;
    options.lazy = false;
    is::Result exhaustive = is::select_indexes(w, o, options);
    options.lazy = true;
    is::Result lazy = is::select_indexes(w, o, options);
    ASSERT_EQ(picked(lazy), picked(exhaustive)) << "seed " << seed;
    EXPECT_EQ(lazy.workload_cost_after, exhaustive.workload_cost_after) << "seed " << seed;
    EXPECT_EQ(lazy.steps, exhaustive.steps) << "seed " << seed;
    EXPECT_LE(lazy.evaluations, exhaustive.evaluations) << "seed " << seed;
    EXPECT_EQ(exhaustive.full_passes, 0);
    lazy_evaluations += lazy.evaluations;
    exhaustive_evaluations += exhaustive.evaluations;
    lazy_calls += lazy.oracle_calls;
    exhaustive_calls += exhaustive.oracle_calls;
    nonempty += exhaustive.picks.empty() ? 0 : 1;
  }
  EXPECT_GT(nonempty, 55u);  // the comparison is about real choices
  // The point of it: far fewer candidates costed, and fewer costings.
  EXPECT_LT(lazy_evaluations * 2, exhaustive_evaluations);
  EXPECT_LT(lazy_calls, exhaustive_calls);
  std::printf(
      "candidates costed: lazy %lld, exhaustive %lld; costings: lazy %lld, exhaustive %lld\n",
      static_cast<long long>(lazy_evaluations), static_cast<long long>(exhaustive_evaluations),
      static_cast<long long>(lazy_calls), static_cast<long long>(exhaustive_calls));
}

// Two indexes that pay only together (both sides of a join, say): an index on table 1 alone
// buys nothing, so its bound is 0 after the first step; once table 2's index is chosen, it
// pays. The bound is wrong there (costs are not submodular), and the lazy search must not end
// on it: the full pass it makes before stopping finds the step.
class JoinOracle : public is::CostOracle {
 public:
  double cost(const is::Query&, const std::vector<is::Index>& indexes) override {
    bool t1 = false, t2 = false;
    for (const is::Index& ix : indexes) (ix.table == 1 ? t1 : t2) = true;
    return t1 && t2 ? 10 : t2 ? 600 : 1000;
  }
  double size_bytes(const is::Index&) override { return 1000; }
};

TEST(IndexSelectionLazy, FullPassFindsAStepWhoseBenefitGrew) {
  JoinOracle o;
  is::Query q;
  q.id = 1;
  q.columns = {{1, 1, 0}, {2, 1, 0}};
  q.tables = {1, 2};
  is::Options options;
  options.lazy = false;
  is::Result exhaustive = is::select_indexes({q}, o, options);
  options.lazy = true;
  is::Result lazy = is::select_indexes({q}, o, options);
  std::vector<is::Index> both = {is::Index(2, {1}), is::Index(1, {1})};
  EXPECT_EQ(picked(exhaustive), both);
  EXPECT_EQ(picked(lazy), both);
  EXPECT_EQ(lazy.workload_cost_after, 10);
  // The second step came from a full pass, and one more confirmed the end.
  EXPECT_EQ(lazy.full_passes, 2);
}
