// index_baselines.hpp — the two reference strategies issue 9 compares the advisor against, run
// over the same cost oracle as the selection (index_selection.hpp) so only the strategy differs:
//  * one single-column index per qual column — every column some query can use, most-used
//    (by query weight) first, while the budget lasts;
//  * a Dexter-style pass — each query judged alone: its best single- or two-column index (two
//    columns in either order) is suggested if it at least halves that query's cost; the
//    suggestions are then taken by their summed benefit, while the budget lasts (Dexter itself
//    has no budget).
// Both report the workload cost the oracle gives for their final set.
#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "index_selection.hpp"

namespace azora {
namespace index_baselines {

using index_selection::CostOracle;
using index_selection::Index;
using index_selection::Query;

struct Baseline {
  std::vector<Index> indexes;
  double bytes = 0;
  double workload_cost = 0;
};

namespace detail {

inline std::vector<Index> on_tables(const Query& q, const std::vector<Index>& all) {
  std::vector<Index> out;
  for (const Index& ix : all) {
    bool touches =
        std::any_of(q.columns.begin(), q.columns.end(),
                    [&](const index_selection::ColumnRef& c) { return c.table == ix.table; }) ||
        std::find(q.tables.begin(), q.tables.end(), ix.table) != q.tables.end();
    if (touches) out.push_back(ix);
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline double workload_cost(const std::vector<Query>& queries, CostOracle& oracle,
                            const std::vector<Index>& set) {
  double total = 0;
  for (const Query& q : queries) total += q.weight * oracle.cost(q, on_tables(q, set));
  return total;
}

// The indexes of `score`, highest score first (ties in index order).
inline std::vector<Index> ranked(const std::map<Index, double>& score) {
  std::vector<std::pair<Index, double>> pairs(score.begin(), score.end());
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<Index> order;
  for (const auto& p : pairs) order.push_back(p.first);
  return order;
}

// Takes `ranked` in order while it fits the budget.
inline Baseline fill(const std::vector<Query>& queries, CostOracle& oracle,
                     const std::vector<Index>& ranked, double budget) {
  Baseline b;
  for (const Index& ix : ranked) {
    double size = oracle.size_bytes(ix);
    if (b.bytes + size > budget) continue;
    b.bytes += size;
    b.indexes.push_back(ix);
  }
  b.workload_cost = workload_cost(queries, oracle, b.indexes);
  return b;
}

}  // namespace detail

inline Baseline single_column_per_qual(const std::vector<Query>& queries, CostOracle& oracle,
                                       double budget) {
  std::map<Index, double> use;  // column -> summed weight of the queries using it
  for (const Query& q : queries)
    for (const index_selection::ColumnRef& c : q.columns)
      use[Index{c.table, {c.column}, {}, {c.flags}}] += q.weight;
  return detail::fill(queries, oracle, detail::ranked(use), budget);
}

inline Baseline dexter_style(const std::vector<Query>& queries, CostOracle& oracle, double budget) {
  std::map<Index, double> benefit;  // suggested index -> summed weighted saving
  for (const Query& q : queries) {
    double base = oracle.cost(q, {});
    std::vector<Index> tries;
    for (const auto& a : q.columns) {
      tries.push_back(Index{a.table, {a.column}, {}, {a.flags}});
      for (const auto& b : q.columns)
        if (b.table == a.table && b.column != a.column)
          tries.push_back(Index{a.table, {a.column, b.column}, {}, {a.flags, b.flags}});
    }
    const Index* best = nullptr;
    double best_cost = base;
    for (const Index& ix : tries) {
      double c = oracle.cost(q, {ix});
      if (c < best_cost) {
        best_cost = c;
        best = &ix;
      }
    }
    if (best != nullptr && best_cost <= 0.5 * base) benefit[*best] += q.weight * (base - best_cost);
  }
  return detail::fill(queries, oracle, detail::ranked(benefit), budget);
}

}  // namespace index_baselines
}  // namespace azora
