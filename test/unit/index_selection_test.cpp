// index_selection_test.cpp — proves the advisor's budgeted greedy index selection
// (extension/pure/index_selection.hpp) against synthetic cost oracles whose right answer is
// known by construction, with no server involved.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

#include "index_selection.hpp"

namespace is = azora::index_selection;

namespace {

// A textbook cost model: a table of `rows` rows; a query filters with equality on some columns
// (each with a selectivity). Without a usable index it scans every row; an index whose leading
// columns are all filtered columns costs a descent plus the matching rows. Size: 16 B per row
// per key column (so a wider index costs more bytes).
struct Table {
  double rows;
  std::map<int, double> selectivity;  // column -> fraction of rows per value
};

class SyntheticOracle : public is::CostOracle {
 public:
  std::map<uint32_t, Table> tables;
  std::map<int64_t, std::vector<is::ColumnRef>> filters;  // query -> its equality columns
  int calls = 0;
  std::map<int64_t, int> calls_per_query;

  double cost(const is::Query& q, const std::vector<is::Index>& indexes) override {
    ++calls;
    ++calls_per_query[q.id];
    double total = 0;
    for (uint32_t t : q.tables) {
      const Table& table = tables.at(t);
      double best = table.rows;  // sequential scan
      for (const is::Index& ix : indexes) {
        if (ix.table != t) continue;
        double matched = table.rows;
        size_t used = 0;
        for (int col : ix.columns) {
          bool filtered = false;
          for (const is::ColumnRef& f : filters[q.id])
            filtered = filtered || (f.table == t && f.column == col);
          if (!filtered) break;
          matched *= table.selectivity.at(col);
          ++used;
        }
        if (used > 0) best = std::min(best, 4 * std::log2(table.rows) + matched);
      }
      total += best;
    }
    return total;
  }
  double size_bytes(const is::Index& ix) override {
    return tables.at(ix.table).rows * 16.0 * static_cast<double>(ix.columns.size());
  }
};

is::Query query(int64_t id, double weight, std::vector<is::ColumnRef> cols,
                SyntheticOracle& oracle) {
  oracle.filters[id] = cols;
  is::Query q;
  q.id = id;
  q.weight = weight;
  q.columns = cols;
  return q;
}

is::Index index(uint32_t table, std::vector<int> columns) {
  return is::Index{table, columns};
}

}  // namespace

TEST(IndexSelection, OneSelectiveColumnGetsOneIndex) {
  SyntheticOracle o;
  o.tables[1] = {100000, {{1, 0.0001}, {2, 0.5}}};
  auto r = is::select_indexes({query(1, 10, {{1, 1}}, o)}, o, {});
  ASSERT_EQ(r.picks.size(), 1u);
  EXPECT_EQ(r.picks[0].index, index(1, {1}));
  EXPECT_EQ(r.picks[0].queries, std::vector<int64_t>{1});
  EXPECT_GT(r.picks[0].improvement, 0.99);
  EXPECT_LT(r.workload_cost_after, r.workload_cost_before * 0.01);
  EXPECT_EQ(r.total_bytes, 100000 * 16.0);
}

TEST(IndexSelection, TwoColumnFilterIsWidenedNotDuplicated) {
  SyntheticOracle o;
  o.tables[1] = {1000000, {{1, 0.001}, {2, 0.001}}};
  // Q1 filters on a; Q2 on a and b: one index (a, b) serves both, no separate (a).
  auto r = is::select_indexes({query(1, 1, {{1, 1}}, o), query(2, 1, {{1, 1}, {1, 2}}, o)}, o, {});
  ASSERT_EQ(r.picks.size(), 1u);
  EXPECT_EQ(r.picks[0].index, index(1, {1, 2}));
  EXPECT_EQ(r.picks[0].queries, (std::vector<int64_t>{1, 2}));
}

TEST(IndexSelection, MoreThanTwoColumns) {
  SyntheticOracle o;
  o.tables[1] = {10000000, {{1, 0.01}, {2, 0.01}, {3, 0.01}}};
  auto r = is::select_indexes({query(1, 1, {{1, 1}, {1, 2}, {1, 3}}, o)}, o, {});
  ASSERT_EQ(r.picks.size(), 1u);
  EXPECT_EQ(r.picks[0].index.columns.size(), 3u);
}

TEST(IndexSelection, BudgetPicksTheBestBenefitPerByte) {
  SyntheticOracle o;
  // Table 1 is big and its query saves a lot but its index is large; table 2's index is a
  // tenth of the size and saves more than a tenth: per byte, table 2 wins.
  o.tables[1] = {1000000, {{1, 0.0001}}};
  o.tables[2] = {100000, {{1, 0.0001}}};
  std::vector<is::Query> w = {query(1, 1, {{1, 1}}, o), query(2, 2, {{2, 1}}, o)};
  is::Options small;
  small.budget_bytes = 100000 * 16.0;  // room for table 2's index only
  auto r = is::select_indexes(w, o, small);
  ASSERT_EQ(r.picks.size(), 1u);
  EXPECT_EQ(r.picks[0].index, index(2, {1}));
  EXPECT_LE(r.total_bytes, small.budget_bytes);
  is::Options big;  // both fit: both chosen
  auto all = is::select_indexes(w, o, big);
  EXPECT_EQ(all.picks.size(), 2u);
  EXPECT_LT(all.workload_cost_after, r.workload_cost_after);
}

TEST(IndexSelection, BudgetIsNeverExceeded) {
  SyntheticOracle o;
  o.tables[1] = {1000000, {{1, 0.001}, {2, 0.001}, {3, 0.01}}};
  o.tables[2] = {500000, {{1, 0.001}, {2, 0.01}}};
  std::vector<is::Query> w = {query(1, 3, {{1, 1}, {1, 2}}, o), query(2, 1, {{1, 3}}, o),
                              query(3, 2, {{2, 1}, {2, 2}}, o)};
  for (double budget : {8e6, 1.6e7, 2.4e7, 4e7, 1e9}) {
    is::Options opt;
    opt.budget_bytes = budget;
    auto r = is::select_indexes(w, o, opt);
    EXPECT_LE(r.total_bytes, budget);
    EXPECT_FALSE(r.picks.empty()) << budget;
  }
}

TEST(IndexSelection, StopsWhenTheBestStepGainsUnderPointThreePercent) {
  SyntheticOracle o;
  o.tables[1] = {1000000, {{1, 0.0001}}};
  o.tables[3] = {1000000, {}};
  // Query 1 scans table 3 with no indexable column and dominates the workload; indexing
  // query 2 would lower the total by about 0.1 %: below the 0.3 % step rule.
  is::Query heavy;
  heavy.id = 1;
  heavy.weight = 1000;
  heavy.tables = {3};
  auto quiet = is::select_indexes({heavy, query(2, 1, {{1, 1}}, o)}, o, {});
  EXPECT_TRUE(quiet.picks.empty());
  EXPECT_EQ(quiet.steps, 0);
  // Ten times its weight (about 1 %), the same index is worth a step.
  auto louder = is::select_indexes({heavy, query(2, 10, {{1, 1}}, o)}, o, {});
  ASSERT_EQ(louder.picks.size(), 1u);
  EXPECT_EQ(louder.picks[0].index, index(1, {1}));
}

TEST(IndexSelection, MinImprovementFiltersWeakIndexes) {
  SyntheticOracle o;
  // A column matching 95 % of the rows: the index lowers its query's cost by about 5 %, far
  // more than the 0.3 % step rule, but below the default min_improvement of 10 %.
  o.tables[1] = {1000000, {{1, 0.95}}};
  auto weak = is::select_indexes({query(1, 1, {{1, 1}}, o)}, o, {});
  EXPECT_TRUE(weak.picks.empty());
  EXPECT_EQ(weak.workload_cost_after, weak.workload_cost_before);
  is::Options low;
  low.min_improvement = 0.02;
  auto kept = is::select_indexes({query(1, 1, {{1, 1}}, o)}, o, low);
  ASSERT_EQ(kept.picks.size(), 1u);
  EXPECT_NEAR(kept.picks[0].improvement, 0.05, 0.001);
}

TEST(IndexSelection, RedundantHelperIsNotReportedAlone) {
  SyntheticOracle o;
  o.tables[1] = {1000000, {{1, 0.001}, {2, 0.001}}};
  // Every query using b also uses a: once (a, b) exists, an index on b alone adds nothing.
  auto r = is::select_indexes({query(1, 1, {{1, 1}, {1, 2}}, o), query(2, 1, {{1, 1}}, o)}, o, {});
  for (const auto& p : r.picks) EXPECT_NE(p.index, index(1, {2}));
  for (const auto& p : r.picks) EXPECT_GE(p.improvement, 0.10);
}

TEST(IndexSelection, CostsAreMemoisedAndOtherTablesNotReplanned) {
  SyntheticOracle o;
  o.tables[1] = {1000000, {{1, 0.0001}, {2, 0.001}}};
  o.tables[2] = {1000000, {{1, 0.0001}}};
  o.tables[3] = {1000, {{1, 0.5}}};  // never worth an index
  std::vector<is::Query> w = {query(1, 1, {{1, 1}, {1, 2}}, o), query(2, 1, {{2, 1}}, o),
                              query(3, 1, {{3, 1}}, o)};
  auto r = is::select_indexes(w, o, {});
  EXPECT_EQ(r.oracle_calls, o.calls);
  EXPECT_GT(r.cache_hits, 0);
  // Query 3's table never gets an index, so it is planned for the empty set and for each of
  // the candidates on its own table only: steps on tables 1 and 2 never re-plan it.
  EXPECT_EQ(o.calls_per_query[3], 2);
  // Each distinct (query, index set) is planned once: calling again for the same set is free.
  int before = o.calls;
  is::Selector again(w, o, {});
  auto r2 = again.run();
  EXPECT_EQ(r2.picks.size(), r.picks.size());
  EXPECT_EQ(o.calls - before, r.oracle_calls);  // a new run has its own cache, same count
}

// A memo bounded far below what the search asks of it (bounded_memo.hpp) forgets costs and asks
// the oracle again, but the advice is the same as with an unbounded memo.
TEST(IndexSelection, ABoundedMemoGivesTheSameAdvice) {
  SyntheticOracle o;
  std::vector<is::Query> w;
  for (uint32_t t = 1; t <= 6; ++t) {
    o.tables[t] = {100000.0 * t, {{1, 0.001}, {2, 0.01}, {3, 0.1}, {4, 0.3}}};
    for (int k = 0; k < 8; ++k) {
      int64_t id = static_cast<int64_t>(t) * 10 + k;
      w.push_back(query(id, 1 + k, {{t, 1 + k % 4}, {t, 1 + (k + 1) % 4}}, o));
    }
  }
  is::Options unbounded;
  unbounded.min_improvement = 0;
  auto full = is::select_indexes(w, o, unbounded);
  int unbounded_calls = o.calls;
  is::Options small = unbounded;
  small.memo_bytes = 4096;  // a few dozen entries
  o.calls = 0;
  auto bounded = is::select_indexes(w, o, small);
  EXPECT_EQ(full.memo_turnovers, 0);
  EXPECT_GT(bounded.memo_turnovers, 0);
  EXPECT_GT(o.calls, unbounded_calls);  // forgotten costs were asked again
  ASSERT_FALSE(full.picks.empty());
  ASSERT_EQ(bounded.picks.size(), full.picks.size());
  for (size_t k = 0; k < full.picks.size(); ++k)
    EXPECT_EQ(bounded.picks[k].index, full.picks[k].index);
  EXPECT_DOUBLE_EQ(bounded.workload_cost_after, full.workload_cost_after);
}

TEST(IndexSelection, BeatsOneIndexPerColumnAtEqualBudget) {
  SyntheticOracle o;
  o.tables[1] = {1000000, {{1, 0.01}, {2, 0.01}, {3, 0.5}}};
  o.tables[2] = {200000, {{1, 0.001}, {2, 0.3}}};
  std::vector<is::Query> w = {query(1, 5, {{1, 1}, {1, 2}}, o), query(2, 1, {{1, 3}, {1, 1}}, o),
                              query(3, 2, {{2, 1}}, o), query(4, 1, {{2, 2}}, o)};
  double budget = 2 * 1000000 * 16.0 + 2 * 200000 * 16.0;  // four single-column indexes
  is::Options opt;
  opt.budget_bytes = budget;
  opt.min_improvement = 0;
  auto r = is::select_indexes(w, o, opt);
  // Baseline: single-column indexes on every filtered column, cheapest first, within budget.
  std::vector<is::Index> baseline;
  double used = 0;
  for (auto ix : {index(2, {1}), index(2, {2}), index(1, {1}), index(1, {2}), index(1, {3})}) {
    if (used + o.size_bytes(ix) > budget) continue;
    used += o.size_bytes(ix);
    baseline.push_back(ix);
  }
  double baseline_cost = 0;
  for (const auto& q : w) {
    std::vector<is::Index> rel;
    for (const auto& ix : baseline)
      if (ix.table == q.columns[0].table) rel.push_back(ix);
    is::Query full = q;
    full.tables = {q.columns[0].table};
    baseline_cost += q.weight * o.cost(full, rel);
  }
  EXPECT_LT(r.workload_cost_after, baseline_cost);
}

TEST(IndexSelection, RejectsNonPositiveBudget) {
  SyntheticOracle o;
  o.tables[1] = {1000, {{1, 0.1}}};
  is::Options opt;
  opt.budget_bytes = 0;
  EXPECT_THROW(is::select_indexes({query(1, 1, {{1, 1}}, o)}, o, opt), std::invalid_argument);
  opt.budget_bytes = -5;
  EXPECT_THROW(is::select_indexes({query(1, 1, {{1, 1}}, o)}, o, opt), std::invalid_argument);
}

TEST(IndexSelection, EmptyWorkloadRecommendsNothing) {
  SyntheticOracle o;
  auto r = is::select_indexes({}, o, {});
  EXPECT_TRUE(r.picks.empty());
  EXPECT_EQ(r.oracle_calls, 0);
}

// A query filters on a (equality, 10 % of the rows) and sorts on b with a small LIMIT: an index
// on b alone is the cheapest first step per byte, and widening it gives (b, a), but (a, b) is
// what serves the query best. With (a, b) as the query's suggested composite it is found, and
// the single (b) is pruned since (a, b) serves everything it did.
class SortOracle : public is::CostOracle {
 public:
  double cost(const is::Query&, const std::vector<is::Index>& indexes) override {
    double best = 100000;  // scan + sort
    for (const auto& ix : indexes) {
      if (ix.columns == std::vector<int>{1, 2}) best = std::min(best, 25.0);
      if (ix.columns.size() >= 1 && ix.columns[0] == 2) best = std::min(best, 200.0);
      if (ix.columns.size() >= 1 && ix.columns[0] == 1) best = std::min(best, 10000.0);
    }
    return best;
  }
  double size_bytes(const is::Index& ix) override {
    return 1000.0 * static_cast<double>(ix.columns.size());
  }
};

TEST(IndexSelection, SuggestedCompositeBeatsColumnByColumnGrowth) {
  SortOracle o;
  is::Query q;
  q.id = 1;
  q.columns = {{1, 1}, {1, 2}};
  auto plain = is::select_indexes({q}, o, {});
  ASSERT_FALSE(plain.picks.empty());
  EXPECT_EQ(plain.picks[0].index.columns[0], 2);  // column by column: b first
  q.composites = {index(1, {1, 2})};
  auto shaped = is::select_indexes({q}, o, {});
  ASSERT_EQ(shaped.picks.size(), 1u);
  EXPECT_EQ(shaped.picks[0].index, index(1, {1, 2}));
  EXPECT_LT(shaped.workload_cost_after, plain.workload_cost_after);
}

// The 0.3 % rule filters steps, it does not end the search on the best-ratio step: a tiny index
// whose gain is under 0.3 % but whose benefit per byte is the best must not hide a big index
// that matters (after which the tiny one is worth it too).
TEST(IndexSelection, TinyGainWithBestRatioDoesNotEndTheSearch) {
  SyntheticOracle o;
  o.tables[1] = {1000, {{1, 0.001}}};    // 16 kB index saving ~959: 0.06 per byte, 0.1 %
  o.tables[2] = {1000000, {{1, 0.05}}};  // 16 MB index saving ~950000: 0.059 per byte
  auto r = is::select_indexes({query(1, 1, {{1, 1}}, o), query(2, 1, {{2, 1}}, o)}, o, {});
  ASSERT_EQ(r.picks.size(), 2u);
  EXPECT_EQ(r.picks[0].index, index(2, {1}));
  EXPECT_EQ(r.picks[1].index, index(1, {1}));
}

// An index-only scan needs every column the query reads: the suggested composite with INCLUDE
// columns is tried as it stands (column-by-column growth never adds INCLUDE columns), and is
// chosen when it pays for its bytes.
class CoveringOracle : public is::CostOracle {
 public:
  double cost(const is::Query&, const std::vector<is::Index>& indexes) override {
    double best = 10000;
    for (const auto& ix : indexes) {
      if (ix.columns.empty() || ix.columns[0] != 1) continue;
      bool covers = std::find(ix.include.begin(), ix.include.end(), 2) != ix.include.end();
      best = std::min(best, covers ? 10.0 : 100.0);
    }
    return best;
  }
  double size_bytes(const is::Index& ix) override {
    return 1000.0 * static_cast<double>(ix.columns.size()) +
           800.0 * static_cast<double>(ix.include.size());
  }
};

TEST(IndexSelection, CoveringCompositeWithIncludeColumns) {
  CoveringOracle o;
  is::Query q;
  q.id = 1;
  q.columns = {{1, 1}};
  q.composites = {is::Index(1, {1}, {2})};
  auto r = is::select_indexes({q}, o, {});
  ASSERT_EQ(r.picks.size(), 1u);
  EXPECT_EQ(r.picks[0].index, is::Index(1, {1}, {2}));
  is::Options tight;
  tight.budget_bytes = 1500;  // room for the key alone
  auto narrow = is::select_indexes({q}, o, tight);
  ASSERT_EQ(narrow.picks.size(), 1u);
  EXPECT_EQ(narrow.picks[0].index, index(1, {1}));
}

// Of several queries' covering variants for the same keys, only the heaviest query's is tried.
TEST(IndexSelection, OneCoveringVariantPerKeySetTheHeaviestQuerys) {
  CoveringOracle o;  // rewards INCLUDE (2) only
  is::Query light;
  light.id = 1;
  light.weight = 1;
  light.columns = {{1, 1}};
  light.composites = {is::Index(1, {1}, {2})};
  is::Query heavy = light;
  heavy.id = 2;
  heavy.weight = 5;
  heavy.composites = {is::Index(1, {1}, {3})};  // covers nothing the oracle rewards
  auto r = is::select_indexes({light, heavy}, o, {});
  ASSERT_EQ(r.picks.size(), 1u);
  EXPECT_EQ(r.picks[0].index, index(1, {1}));  // the rewarded variant was never tried
  heavy.weight = 0.5;                          // now the light query's variant is the one
  auto r2 = is::select_indexes({light, heavy}, o, {});
  ASSERT_EQ(r2.picks.size(), 1u);
  EXPECT_EQ(r2.picks[0].index, is::Index(1, {1}, {2}));
}

// Key flags (direction, NULLS placement, pattern opclass) are part of an index's identity and
// of its memo key; all-default flags are the same index as no flags.
TEST(IndexSelection, KeyFlagsAreCanonicalAndDistinguishIndexes) {
  EXPECT_EQ(is::Index(1, {1, 2}, {}, {0, 0}), is::Index(1, {1, 2}));
  EXPECT_NE(is::Index(1, {1, 2}, {}, {is::kDescending, 0}), is::Index(1, {1, 2}));
  EXPECT_NE(is::memo_key(1, {is::Index(1, {1, 2}, {}, {is::kDescending, 0})}),
            is::memo_key(1, {is::Index(1, {1, 2})}));
  is::Index widened(1, {1}, {}, {is::kDescending | is::kNullsFirst});
  widened.add_key(2);
  EXPECT_EQ(widened, is::Index(1, {1, 2}, {}, {is::kDescending | is::kNullsFirst, 0}));
  EXPECT_TRUE(widened.ordered());
  EXPECT_FALSE(is::Index(1, {1}, {}, {is::kPatternOps}).ordered());
}

// Serves the query only through an index declared with `flags` on column 1; a covering one
// (INCLUDE 2) is much cheaper, a key-only one no cheaper than the sort (a deep OFFSET).
class DeclaredOracle : public is::CostOracle {
 public:
  int flags = 0;
  double key_only = 100;
  double cost(const is::Query&, const std::vector<is::Index>& indexes) override {
    double best = 100;
    for (const auto& ix : indexes) {
      if (ix.columns.empty() || ix.columns[0] != 1 || ix.flag(0) != flags) continue;
      bool covers = std::find(ix.include.begin(), ix.include.end(), 2) != ix.include.end();
      best = std::min(best, covers ? 10.0 : key_only);
    }
    return best;
  }
  double size_bytes(const is::Index& ix) override {
    return 1000.0 * static_cast<double>(ix.columns.size() + ix.include.size());
  }
};

// A declared-order covering variant is tried as a new index even though its key-only variant
// buys nothing (other covering variants only replace a chosen index with their keys).
TEST(IndexSelection, DeclaredOrderCoveringVariantIsTriedAlone) {
  DeclaredOracle o;
  o.flags = is::kDescending;
  is::Query q;
  q.id = 1;
  q.columns = {{1, 1}};
  q.composites = {is::Index(1, {1}, {}, {is::kDescending}),
                  is::Index(1, {1}, {2}, {is::kDescending})};
  auto r = is::select_indexes({q}, o, {});
  ASSERT_EQ(r.picks.size(), 1u);
  EXPECT_EQ(r.picks[0].index, is::Index(1, {1}, {2}, {is::kDescending}));
}

// A column's flags (a LIKE prefix's pattern opclass) carry into its single-column candidate.
TEST(IndexSelection, ColumnFlagsMakeTheSingleColumnCandidate) {
  DeclaredOracle o;
  o.flags = is::kPatternOps;
  o.key_only = 20;
  is::Query q;
  q.id = 1;
  q.columns = {{1, 1, is::kPatternOps}};
  auto r = is::select_indexes({q}, o, {});
  ASSERT_EQ(r.picks.size(), 1u);
  EXPECT_EQ(r.picks[0].index.flags, std::vector<int>{is::kPatternOps});
}

namespace {

// Costs from a table: query id -> the cost with each exact set of indexes (sorted), defaulting
// to the empty set's; sizes, maintenance and redundant existing indexes per index.
class TableOracle : public is::CostOracle {
 public:
  std::map<int64_t, std::map<std::vector<is::Index>, double>> costs;
  std::map<is::Index, double> sizes, upkeep;
  std::map<is::Index, std::vector<is::Existing>> existing;
  // Without an exact entry: the lowest cost among the entries whose indexes are all present.
  double cost(const is::Query& q, const std::vector<is::Index>& indexes) override {
    const auto& table = costs.at(q.id);
    double best = table.at({});
    for (const auto& entry : table) {
      bool all = std::all_of(entry.first.begin(), entry.first.end(), [&](const is::Index& ix) {
        return std::find(indexes.begin(), indexes.end(), ix) != indexes.end();
      });
      if (all) best = std::min(best, entry.second);
    }
    return best;
  }
  double size_bytes(const is::Index& ix) override {
    auto found = sizes.find(ix);
    return found == sizes.end() ? 1000 : found->second;
  }
  double maintenance(const is::Index& ix) override {
    auto found = upkeep.find(ix);
    return found == upkeep.end() ? 0 : found->second;
  }
  std::vector<is::Existing> redundant(const is::Index& ix) override {
    auto found = existing.find(ix);
    return found == existing.end() ? std::vector<is::Existing>{} : found->second;
  }
};

is::Query plain_query(int64_t id, std::vector<is::ColumnRef> cols, double weight = 1) {
  is::Query q;
  q.id = id;
  q.weight = weight;
  q.columns = std::move(cols);
  return q;
}

}  // namespace

// Writes: an index pays only when its read benefit exceeds what the table's writes pay to keep
// it. A rarely read, often written table gets no index; read often, the same table does.
TEST(IndexSelection, MaintenanceOutweighsARareRead) {
  TableOracle o;
  is::Index a = index(1, {1});
  o.costs[1] = {{{}, 100}, {{a}, 1}};
  o.upkeep[a] = 300;  // the writes' cost, in the weight x cost units
  auto rare = is::select_indexes({plain_query(1, {{1, 1}}, 1)}, o, {});  // saves 99 < 300
  EXPECT_TRUE(rare.picks.empty());
  EXPECT_EQ(rare.maintenance, 0);
  auto often = is::select_indexes({plain_query(1, {{1, 1}}, 10)}, o, {});  // saves 990 > 300
  ASSERT_EQ(often.picks.size(), 1u);
  EXPECT_EQ(often.picks[0].index, a);
  EXPECT_EQ(often.picks[0].maintenance, 300);
  EXPECT_EQ(often.maintenance, 300);
  // Between two indexes serving the read equally, the cheaper one to maintain is chosen.
  is::Index b = index(1, {2});
  o.costs[1][{b}] = 1;
  o.upkeep[b] = 50;
  auto cheaper = is::select_indexes({plain_query(1, {{1, 1}, {1, 2}}, 10)}, o, {});
  ASSERT_EQ(cheaper.picks.size(), 1u);
  EXPECT_EQ(cheaper.picks[0].index, b);
}

// `WHERE a = $1 OR b = $2`: a BitmapOr needs an index on each arm; either alone buys nothing,
// so one-index steps never find them. The query's group is tried as one step.
TEST(IndexSelection, OrArmsArePickedTogether) {
  TableOracle o;
  is::Index a = index(1, {1}), b = index(1, {2});
  o.costs[1] = {{{}, 1000}, {{a, b}, 10}};
  is::Query q = plain_query(1, {{1, 1}, {1, 2}});
  auto alone = is::select_indexes({q}, o, {});
  EXPECT_TRUE(alone.picks.empty());
  q.groups = {{a, b}};
  auto together = is::select_indexes({q}, o, {});
  ASSERT_EQ(together.picks.size(), 2u);
  EXPECT_EQ(together.workload_cost_after, 10);
  EXPECT_EQ(together.total_bytes, 2000);
  // Each is judged against the other: without either, the query is back to 1000.
  for (const auto& p : together.picks) EXPECT_NEAR(p.improvement, 0.99, 1e-9);
  // The pair is sized as a whole: it does not fit a budget for one of them.
  is::Options tight;
  tight.budget_bytes = 1500;
  EXPECT_TRUE(is::select_indexes({q}, o, tight).picks.empty());
}

// A query that reads a column without filtering on it (an index-only scan, an ORDER BY) is
// re-costed when an index holds that column: here it makes table 1's index the better buy.
TEST(IndexSelection, QueriesReadingAnIndexedColumnAreReCosted) {
  TableOracle o;
  is::Index t1 = index(1, {1}), t2 = index(2, {1});
  o.costs[1] = {{{}, 100}, {{t1}, 50}};  // filters on table 1's column 1
  o.costs[2] = {{{}, 100}, {{t1}, 20}};  // reads it only: an index-only scan
  o.costs[3] = {{{}, 100}, {{t2}, 40}};  // filters on table 2's column 1
  is::Query reader = plain_query(2, {});
  reader.tables = {1};
  reader.referenced = {{1, 1}};
  is::Options one;
  one.budget_bytes = 1000;  // room for one index
  auto r = is::select_indexes({plain_query(1, {{1, 1}}), reader, plain_query(3, {{2, 1}})}, o, one);
  ASSERT_EQ(r.picks.size(), 1u);
  EXPECT_EQ(r.picks[0].index, t1);  // saves 130 against table 2's 60
  EXPECT_EQ(r.picks[0].queries, (std::vector<int64_t>{1, 2}));
}

// Pruning frees bytes: the search goes on with them. X is the best first step, C then serves
// its query better and X is pruned; Z did not fit before, it fits in the bytes X leaves.
TEST(IndexSelection, BytesFreedByPruningAreSpentAgain) {
  TableOracle o;
  is::Index x = index(1, {1}), c = index(1, {2, 1}), z = index(2, {1});
  o.sizes = {{x, 100}, {c, 200}, {z, 120}};
  o.costs[1] = {{{}, 1000}, {{x}, 500}, {{c}, 10}};
  o.costs[2] = {{{}, 1000}, {{z}, 800}};
  is::Query q1 = plain_query(1, {{1, 1}, {1, 2}});
  q1.composites = {c};
  is::Options opt;
  opt.budget_bytes = 350;
  auto r = is::select_indexes({q1, plain_query(2, {{2, 1}})}, o, opt);
  std::vector<is::Index> picked;
  for (const auto& p : r.picks) picked.push_back(p.index);
  EXPECT_EQ(picked, (std::vector<is::Index>{c, z}));
  EXPECT_LE(r.total_bytes, 350);
}

// Extending an existing index: a candidate whose keys extend an existing index's makes it
// redundant; its bytes and maintenance are freed, so a budget too small for a second index
// still takes the extension, and the pick names the existing index to drop.
TEST(IndexSelection, ExtendingAnExistingIndexCountsTheFreedBytes) {
  TableOracle o;
  is::Index ab = index(1, {1, 2});
  o.sizes = {{ab, 200}};
  o.upkeep = {{ab, 5}};
  o.costs[1] = {{{}, 1000}, {{ab}, 10}};
  is::Query q = plain_query(1, {{1, 1}, {1, 2}});
  q.composites = {ab};
  is::Options opt;
  opt.budget_bytes = 150;
  EXPECT_TRUE(is::select_indexes({q}, o, opt).picks.empty());
  o.existing[ab] = {is::Existing{42, 100, 4}};
  auto r = is::select_indexes({q}, o, opt);
  ASSERT_EQ(r.picks.size(), 1u);
  EXPECT_EQ(r.picks[0].index, ab);
  EXPECT_EQ(r.picks[0].drops, std::vector<int64_t>{42});
  EXPECT_EQ(r.total_bytes, 100);
  EXPECT_EQ(r.maintenance, 1);
}
