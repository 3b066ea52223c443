// index_baselines_test.cpp — the two reference strategies (extension/pure/index_baselines.hpp)
// on an oracle where their answers are known, and the advisor's selection beating both at equal
// budget when queries share indexes.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "index_baselines.hpp"

namespace ib = azora::index_baselines;
namespace is = azora::index_selection;

namespace {

// Table 1, 10^6 rows; a query filters on columns with selectivity 0.01 each; an index serves
// the longest prefix of its columns that the query filters on. 16 B per row per column.
class PrefixOracle : public is::CostOracle {
 public:
  std::map<int64_t, std::vector<int>> filters;
  double cost(const is::Query& q, const std::vector<is::Index>& indexes) override {
    double best = 1e6;
    for (const auto& ix : indexes) {
      double rows = 1e6;
      for (int c : ix.columns) {
        if (std::find(filters[q.id].begin(), filters[q.id].end(), c) == filters[q.id].end()) break;
        rows *= 0.01;
      }
      if (rows < 1e6) best = std::min(best, 20 + rows);
    }
    return best;
  }
  double size_bytes(const is::Index& ix) override { return 16e6 * ix.columns.size(); }
};

is::Query query(PrefixOracle& o, int64_t id, std::vector<int> cols) {
  o.filters[id] = cols;
  is::Query q;
  q.id = id;
  for (int c : cols) q.columns.push_back({1, c});
  q.tables = {1};
  return q;
}

}  // namespace

TEST(IndexBaselines, SingleColumnPerQualTakesMostUsedFirst) {
  PrefixOracle o;
  std::vector<is::Query> w = {query(o, 1, {1, 2}), query(o, 2, {1}), query(o, 3, {3})};
  auto b = ib::single_column_per_qual(w, o, 32e6);  // room for two
  ASSERT_EQ(b.indexes.size(), 2u);
  EXPECT_EQ(b.indexes[0].columns, std::vector<int>{1});  // used by two queries
  EXPECT_EQ(b.bytes, 32e6);
}

TEST(IndexBaselines, DexterSuggestsPerQueryBestUpToTwoColumns) {
  PrefixOracle o;
  std::vector<is::Query> w = {query(o, 1, {1, 2, 3}), query(o, 2, {4})};
  auto b = ib::dexter_style(w, o, 1e12);
  ASSERT_EQ(b.indexes.size(), 2u);
  for (const auto& ix : b.indexes) EXPECT_LE(ix.columns.size(), 2u);  // never three columns
}

TEST(IndexBaselines, AdvisorBeatsBothAtEqualBudgets) {
  PrefixOracle o;
  // Queries share leading columns: (1,2,3) serves all three of the first, a per-query pass
  // builds separate indexes for them.
  std::vector<is::Query> w = {query(o, 1, {1, 2, 3}), query(o, 2, {1, 2}), query(o, 3, {1}),
                              query(o, 4, {5, 6}), query(o, 5, {7})};
  for (double budget : {32e6, 48e6, 64e6, 96e6}) {
    is::Options opt;
    opt.budget_bytes = budget;
    opt.min_improvement = 0;
    auto advisor = is::select_indexes(w, o, opt);
    auto single = ib::single_column_per_qual(w, o, budget);
    auto dexter = ib::dexter_style(w, o, budget);
    EXPECT_LE(advisor.total_bytes, budget);
    EXPECT_LT(advisor.workload_cost_after, single.workload_cost) << budget;
    EXPECT_LT(advisor.workload_cost_after, dexter.workload_cost) << budget;
  }
}
