// index_selection.hpp — chooses a set of btree indexes for a whole workload under a size
// budget: a greedy search in the spirit of Extend (Schlosser et al., ICDE 2019) over an abstract
// cost oracle.
//
// PostgreSQL-free so GoogleTest can prove it with synthetic oracles whose best answer is known
// (test/unit/index_selection_test.cpp); the advisor (extension/advisor/) plugs in what-if
// planning as the oracle and the btree size model (btree_size.hpp) as the index size.
//
// The search. Start with no index. Each step considers (a) a new single-column index on a
// column some query can use, (b) widening an index chosen earlier by one more column that a
// query uses together with all of its columns (the widened index replaces the narrower one),
// (c) a multi-column index a query's shape suggests (Query::composites), (d) replacing a
// chosen index by a suggested covering variant (same keys plus INCLUDE columns), and (e) a
// group of indexes that pay only together (Query::groups: one index per arm of an OR, which
// the planner combines with a BitmapOr — each alone buys nothing, so one-index steps never
// find them).
// A step's benefit is the drop of the total weighted workload cost minus the maintenance its
// indexes add (CostOracle::maintenance: what the tracked writes pay to keep them up to date),
// its price the bytes it adds less the bytes of existing indexes it makes redundant
// (CostOracle::redundant); among the steps that fit the budget and gain at least kMinStepGain
// (0.3 %) of the total cost, the one with the best net benefit per byte is taken; the search
// stops when there is none. Because a query is costed against every chosen index of its tables
// at once, an index that serves several queries is found once and paid for once (per-query
// advisors pay it per query).
//
// Costs are memoised per (query, the chosen indexes on the tables it touches), and a step
// re-costs only the queries that could use one of its indexes: those with a condition or sort
// on its leading column, and those it covers (every column they read of the table is in it:
// an index-only scan, which also returns rows in index order for an ORDER BY), so the oracle (a
// planner call) runs once per distinct situation that can matter. Candidates are costed lazily
// (Options::lazy, Selector::lazy_best): one whose benefit when last costed cannot beat the best
// step costed so far is not costed again that step; exact when benefits only shrink as the
// chosen set grows, an approximation otherwise (measured in docs/benchmarks.md). The final
// workload cost and every reported figure are computed exactly, over all queries.
//
// Afterwards every chosen index must lower the cost of the queries it helps by at least
// min_improvement and by more than its maintenance, judged against the rest of the chosen set:
// the weakest index below that bar is dropped and the others re-judged, so an index whose
// benefit another chosen index already provides is not reported. The bytes pruning freed are
// then offered to the search again (without the pruned indexes), a few rounds at most.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bounded_memo.hpp"

namespace azora {
namespace index_selection {

constexpr double kMinStepGain = 0.003;  // a step must lower the total cost by 0.3 %

// A btree index: a table and its key columns in order (relation OID and attnums in practice).
// `include` holds INCLUDE columns (carried in leaf tuples only, for index-only scans).
// `flags` holds per key column how it is declared (KeyFlag bits): a direction and NULLS
// placement for a mixed-direction ORDER BY, a pattern operator class for LIKE prefixes under a
// non-C collation. Empty means all default (ASC NULLS LAST, the type's default opclass); it is
// kept canonical (never all zeros), so equal indexes compare equal.
enum KeyFlag : int { kDescending = 1, kNullsFirst = 2, kPatternOps = 4 };

struct Index {
  uint32_t table = 0;
  std::vector<int> columns;
  std::vector<int> include;
  std::vector<int> flags;
  Index() = default;
  Index(uint32_t t, std::vector<int> keys, std::vector<int> inc = {}, std::vector<int> f = {})
      : table(t), columns(std::move(keys)), include(std::move(inc)), flags(std::move(f)) {
    canonical_flags();
  }
  int flag(size_t key) const { return key < flags.size() ? flags[key] : 0; }
  // Whether some key column is declared DESC or with a non-default NULLS placement.
  bool ordered() const {
    return std::any_of(flags.begin(), flags.end(),
                       [](int f) { return (f & (kDescending | kNullsFirst)) != 0; });
  }
  // Appends a key column declared the default way (widening).
  void add_key(int column) {
    columns.push_back(column);
    if (!flags.empty()) flags.push_back(0);
  }
  void canonical_flags() {
    if (std::all_of(flags.begin(), flags.end(), [](int f) { return f == 0; })) flags.clear();
    if (!flags.empty()) flags.resize(columns.size(), 0);
  }
  bool operator<(const Index& o) const {
    if (table != o.table) return table < o.table;
    if (columns != o.columns) return columns < o.columns;
    return include != o.include ? include < o.include : flags < o.flags;
  }
  bool operator==(const Index& o) const {
    return table == o.table && columns == o.columns && include == o.include && flags == o.flags;
  }
  bool operator!=(const Index& o) const { return !(*this == o); }
};

// A compact, canonical memo key for (query, index set): the indexes sorted, their numbers
// packed as bytes. Memo tables hold hundreds of thousands of entries on a 1000-statement
// workload, so the key is a flat string rather than a vector of vectors.
inline std::string memo_key(int64_t query, std::vector<Index> indexes) {
  std::sort(indexes.begin(), indexes.end());
  std::string key;
  auto put = [&key](int64_t v) { key.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(query);
  for (const Index& ix : indexes) {
    put(static_cast<int64_t>(ix.table));
    put(static_cast<int64_t>(ix.columns.size()) | (static_cast<int64_t>(ix.include.size()) << 32));
    for (int c : ix.columns) put(c);
    for (int c : ix.include) put(c);
    for (size_t k = 0; k < ix.columns.size(); ++k) put(ix.flag(k));
  }
  return key;
}

// A column a query can use; `flags` (KeyFlag) says how its single-column index must be
// declared (kPatternOps for a LIKE prefix under a non-C collation), so one column can appear
// twice, once per declaration.
struct ColumnRef {
  uint32_t table = 0;
  int column = 0;
  int flags = 0;
  bool operator<(const ColumnRef& o) const {
    if (table != o.table) return table < o.table;
    return column != o.column ? column < o.column : flags < o.flags;
  }
};

// One tracked query: its weight (calls x mean time) and the columns an index could serve.
struct Query {
  int64_t id = 0;
  double weight = 1;
  std::vector<ColumnRef> columns;
  std::vector<uint32_t> tables;  // every table it reads (at least those of `columns`)
  // Indexes the query's shape suggests (equality columns first, then a range or sort column;
  // possibly with INCLUDE columns for an index-only scan): also tried as new indexes at every
  // step, because growing one column at a time can settle on a worse column order (a sort
  // column first) before it gets there, and never adds INCLUDE columns.
  std::vector<Index> composites;
  // Every column it reads (any use): an index holding all of those of its table may serve it
  // by an index-only scan, so a step adding such an index re-costs it.
  std::vector<ColumnRef> referenced;
  // Sets of indexes that pay only together (one per arm of `a = $1 OR b = $2`): each set is
  // also tried as one step, costed and sized as a whole.
  std::vector<std::vector<Index>> groups;
};

// An existing index a candidate makes redundant (its keys a leading prefix of the candidate's):
// the advice drops it, so its bytes and its maintenance are freed.
struct Existing {
  int64_t id = 0;
  double bytes = 0;
  double maintenance = 0;
};

// What the search asks: a query's cost with exactly `indexes` added (all on tables it touches,
// in a canonical order), and an index's size.
class CostOracle {
 public:
  virtual ~CostOracle() = default;
  virtual double cost(const Query& query, const std::vector<Index>& indexes) = 0;
  virtual double size_bytes(const Index& index) = 0;
  // What the tracked writes would pay to keep `index` up to date, in the units of
  // weight x cost (ms in the advisor); 0 for a read-only workload.
  virtual double maintenance(const Index&) { return 0; }
  // The existing indexes `index` makes redundant (dropped with its creation).
  virtual std::vector<Existing> redundant(const Index&) { return {}; }
};

struct Options {
  double budget_bytes = std::numeric_limits<double>::infinity();  // no limit
  double min_improvement = 0.10;
  // Lazy greedy (Selector::lazy_best): cost a candidate only when its last known benefit could
  // still make it the best step. false costs every candidate at every step.
  bool lazy = true;
  // Bytes the cost memo may hold (bounded_memo.hpp): past it, costs not asked for lately are
  // forgotten and asked of the oracle again.
  size_t memo_bytes = BoundedMemo::kUnlimited;
};

struct Recommendation {
  Index index;
  double bytes = 0;
  std::vector<int64_t> queries;  // the queries it helps (their cost rises without it)
  double cost_before = 0;        // weighted cost of those queries without it (rest chosen)
  double cost_after = 0;         // ... and with it
  double improvement = 0;        // 1 - after / before
  double maintenance = 0;        // what the tracked writes pay to keep it (same units)
  std::vector<int64_t> drops;    // Existing::id of the existing indexes it makes redundant
};

struct Result {
  std::vector<Recommendation> picks;  // in the order the search chose them
  double workload_cost_before = 0;    // total weighted cost with no index added
  double workload_cost_after = 0;     // with every pick
  double total_bytes = 0;             // the picks' bytes less the existing ones they free
  double maintenance = 0;             // the picks' maintenance less the freed indexes'
  int64_t oracle_calls = 0;           // cost() calls, i.e. distinct (query, index set) situations
  int64_t cache_hits = 0;
  int64_t evaluations = 0;  // candidate steps costed (each re-costs the queries that may use it)
  int full_passes = 0;      // lazy search only: full passes that confirmed (or found) a last step
  int64_t memo_turnovers = 0;  // times the memo reached memo_bytes and forgot its old half
  int steps = 0;
};

// The search state; one object per advice run.
class Selector {
 public:
  Selector(std::vector<Query> queries, CostOracle& oracle, Options options)
      : queries_(std::move(queries)),
        oracle_(oracle),
        options_(options),
        memo_(options.memo_bytes) {
    if (!(options_.budget_bytes > 0)) throw std::invalid_argument("budget_bytes must be > 0");
    if (options_.min_improvement < 0 || options_.min_improvement >= 1)
      throw std::invalid_argument("min_improvement must be in [0, 1)");
    for (Query& q : queries_) {
      std::set<uint32_t> tables(q.tables.begin(), q.tables.end());
      for (const ColumnRef& c : q.columns) tables.insert(c.table);
      q.tables.assign(tables.begin(), tables.end());
    }
  }

  Result run() {
    Result result;
    std::vector<Index> chosen;
    std::vector<double> costs = query_costs(chosen);
    result.workload_cost_before = total(costs);
    std::set<Index> pruned;
    // Pruning frees bytes the budget can spend again: search on without the pruned indexes.
    for (int round = 0; round < kMaxRounds; ++round) {
      result.steps += search(chosen, costs, pruned);
      std::vector<Index> removed = prune(chosen);
      if (removed.empty()) break;
      pruned.insert(removed.begin(), removed.end());
      costs = query_costs(chosen);
    }
    result.picks = report(chosen);
    result.workload_cost_after = total(query_costs(chosen));
    result.total_bytes = used_bytes(chosen);
    result.maintenance = maintenance(chosen);
    result.oracle_calls = oracle_calls_;
    result.cache_hits = cache_hits_;
    result.evaluations = evaluations_;
    result.full_passes = full_passes_;
    result.memo_turnovers = memo_.turnovers();
    return result;
  }

 private:
  static constexpr int kMaxRounds = 4;

  // Greedy steps from `chosen` until none fits and gains; returns how many were taken.
  int search(std::vector<Index>& chosen, std::vector<double>& costs,
             const std::set<Index>& banned) {
    // Pruning shrank the chosen set since the last round, so benefits may have grown: the
    // bounds of the lazy search start afresh.
    bounds_.clear();
    int steps = 0;
    for (;;) {
      double min_benefit = kMinStepGain * total(costs);
      std::vector<Candidate> candidates = candidate_steps(chosen, banned);
      Step best = options_.lazy ? lazy_best(candidates, chosen, costs, min_benefit)
                                : exhaustive_best(candidates, chosen, costs, min_benefit);
      // The lazy search trusts bounds that a step can raise (indexes that pay together): it
      // ends only when a full pass over every candidate agrees that none gains.
      if (best.benefit <= 0 && options_.lazy) {
        ++full_passes_;
        best = exhaustive_best(candidates, chosen, costs, min_benefit);
      }
      if (best.benefit <= 0) break;
      if (best.replaces >= 0) {
        chosen[best.replaces] = best.adds.front();
      } else {
        chosen.insert(chosen.end(), best.adds.begin(), best.adds.end());
      }
      costs = best.costs;
      ++steps;
    }
    return steps;
  }

  // Bytes of a set: its indexes less the existing indexes they make redundant (each once).
  double used_bytes(const std::vector<Index>& set) {
    double bytes = 0;
    std::map<int64_t, double> freed;
    for (const Index& ix : set) {
      bytes += size(ix);
      for (const Existing& e : redundant(ix)) freed[e.id] = e.bytes;
    }
    for (const auto& f : freed) bytes -= f.second;
    return bytes;
  }

  // Maintenance of a set, less that of the existing indexes it makes redundant (each once).
  double maintenance(const std::vector<Index>& set) {
    double cost = 0;
    std::map<int64_t, double> freed;
    for (const Index& ix : set) {
      cost += maintenance(ix);
      for (const Existing& e : redundant(ix)) freed[e.id] = e.maintenance;
    }
    for (const auto& f : freed) cost -= f.second;
    return cost;
  }

 private:
  struct Step {
    std::vector<Index> adds;  // one index, or a group that pays only together
    int replaces = -1;        // position of the widened index in the chosen set, -1 for new ones
    double benefit = 0;
    double added_bytes = 0;
    double ratio = -1;
    std::vector<double> costs;
  };

  double total(const std::vector<double>& costs) const {
    double sum = 0;
    for (size_t i = 0; i < queries_.size(); ++i) sum += queries_[i].weight * costs[i];
    return sum;
  }

  bool touches(const Query& q, uint32_t table) const {
    return std::binary_search(q.tables.begin(), q.tables.end(), table);
  }

  // The memoised cost of query i given the whole chosen set.
  double cost(size_t i, const std::vector<Index>& chosen) {
    const Query& q = queries_[i];
    std::vector<Index> relevant;
    for (const Index& ix : chosen)
      if (touches(q, ix.table)) relevant.push_back(ix);
    std::sort(relevant.begin(), relevant.end());
    std::string key = memo_key(static_cast<int64_t>(i), relevant);
    if (const double* known = memo_.find(key)) {
      ++cache_hits_;
      return *known;
    }
    ++oracle_calls_;
    double c = oracle_.cost(q, relevant);
    memo_.insert(std::move(key), c);
    return c;
  }

  std::vector<double> query_costs(const std::vector<Index>& chosen) {
    std::vector<double> costs(queries_.size());
    for (size_t i = 0; i < queries_.size(); ++i) costs[i] = cost(i, chosen);
    return costs;
  }

  double size(const Index& ix) {
    auto found = sizes_.find(ix);
    if (found != sizes_.end()) return found->second;
    double s = oracle_.size_bytes(ix);
    sizes_.emplace(ix, s);
    return s;
  }

  double maintenance(const Index& ix) {
    auto found = maintenance_.find(ix);
    if (found != maintenance_.end()) return found->second;
    double m = oracle_.maintenance(ix);
    maintenance_.emplace(ix, m);
    return m;
  }

  const std::vector<Existing>& redundant(const Index& ix) {
    auto found = redundant_.find(ix);
    if (found != redundant_.end()) return found->second;
    return redundant_.emplace(ix, oracle_.redundant(ix)).first->second;
  }

  // Costs after a step that adds `indexes` (or widens one): only the queries that could use
  // one of them are re-costed (may_use_index: a condition or sort on its leading column, or an
  // index-only scan it covers); the others keep their cost. This keeps a step to one planner call
  // per query that could change, not one per query of the table.
  std::vector<double> costs_after(const std::vector<Index>& config,
                                  const std::vector<Index>& indexes,
                                  const std::vector<double>& current) {
    std::vector<double> next = current;
    for (size_t i = 0; i < queries_.size(); ++i) {
      bool may_use = std::any_of(indexes.begin(), indexes.end(),
                                 [&](const Index& ix) { return may_use_index(queries_[i], ix); });
      if (may_use) next[i] = cost(i, config);
    }
    return next;
  }

  // A query may use an index on its table when it has a condition on, or orders or groups by,
  // the index's leading column (a btree is searched and ordered by it), or when the index
  // holds every column it reads of the table (an index-only scan, whatever its conditions;
  // count(*) reads none). A condition on a later key column alone rarely makes a btree pay, and
  // re-costing for every such column doubled the planner calls of the advisor's benchmark.
  bool may_use_index(const Query& q, const Index& ix) const {
    if (!touches(q, ix.table)) return false;
    auto in_index = [&ix](int column) {
      return std::find(ix.columns.begin(), ix.columns.end(), column) != ix.columns.end() ||
             std::find(ix.include.begin(), ix.include.end(), column) != ix.include.end();
    };
    for (const ColumnRef& c : q.columns)
      if (c.table == ix.table && c.column == ix.columns.front()) return true;
    return std::all_of(q.referenced.begin(), q.referenced.end(), [&](const ColumnRef& c) {
      return c.table != ix.table || in_index(c.column);
    });
  }

  // A step to try: indexes to add, or one to put in place of chosen[replaces].
  struct Candidate {
    std::vector<Index> adds;
    int replaces = -1;
  };

  // The configuration after `c`, or false when it does not fit the budget; `added` gets the
  // bytes it adds (negative when it frees more than it takes).
  bool apply(const Candidate& c, const std::vector<Index>& chosen, std::vector<Index>& config,
             double& added) {
    config = chosen;
    if (c.replaces >= 0) {
      config[c.replaces] = c.adds.front();
    } else {
      config.insert(config.end(), c.adds.begin(), c.adds.end());
    }
    double after_bytes = used_bytes(config);
    if (after_bytes > options_.budget_bytes) return false;
    added = after_bytes - used_bytes(chosen);
    return true;
  }

  // Costs candidate `c` exactly (the queries that may use it, against the memo) and remembers
  // its benefit as the lazy search's bound.
  Step evaluate(const Candidate& c, const std::vector<Index>& chosen,
                const std::vector<Index>& config, double added, const std::vector<double>& costs) {
    std::vector<double> next = costs_after(config, c.adds, costs);
    double benefit = total(costs) - total(next) - (maintenance(config) - maintenance(chosen));
    bounds_[bound_key(c, chosen)] = benefit;
    ++evaluations_;
    return Step{c.adds,         c.replaces, benefit, added, benefit / std::max(1.0, added),
                std::move(next)};
  }

  static bool qualifies(const Step& s, double min_benefit) {
    return s.benefit > 0 && s.benefit >= min_benefit;
  }

  // The step with the best benefit per byte among those that fit and gain at least
  // min_benefit (a tiny index with a tiny gain must not end the search while steps that matter
  // remain); on a tie, the earliest candidate. Every candidate is costed.
  Step exhaustive_best(const std::vector<Candidate>& candidates, const std::vector<Index>& chosen,
                       const std::vector<double>& costs, double min_benefit) {
    Step best;
    std::vector<Index> config;
    for (const Candidate& c : candidates) {
      double added = 0;
      if (!apply(c, chosen, config, added)) continue;
      Step s = evaluate(c, chosen, config, added, costs);
      if (qualifies(s, min_benefit) && s.ratio > best.ratio) best = std::move(s);
    }
    return best;
  }

  // The same choice, costing candidates in the order of an upper bound of their ratio (lazy
  // greedy, "CELF": Leskovec et al., KDD 2007): a candidate's benefit when it was last costed,
  // over the bytes it adds now. Costing stops once the best costed ratio beats every remaining
  // bound. Exact when a benefit never grows as the chosen set grows (submodular costs: one
  // index per query, each taking the best); what-if costs mostly are, but not always (indexes
  // that pay together, such as both sides of a join), so a bound can be too low and that
  // candidate taken a step late or not at all. search() ends only after a full pass.
  Step lazy_best(const std::vector<Candidate>& candidates, const std::vector<Index>& chosen,
                 const std::vector<double>& costs, double min_benefit) {
    struct Pending {
      double bound;
      size_t order;
      double added;
    };
    std::vector<Pending> pending;
    std::vector<Index> config;
    for (size_t k = 0; k < candidates.size(); ++k) {
      double added = 0;
      if (!apply(candidates[k], chosen, config, added)) continue;
      double bound = std::numeric_limits<double>::infinity();
      auto found = bounds_.find(bound_key(candidates[k], chosen));
      if (found != bounds_.end()) {
        if (!(found->second > 0 && found->second >= min_benefit)) continue;  // cannot qualify
        bound = found->second / std::max(1.0, added);
      }
      pending.push_back(Pending{bound, k, added});
    }
    std::sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
      return a.bound != b.bound ? a.bound > b.bound : a.order < b.order;
    });
    Step best;
    size_t best_order = 0;
    for (const Pending& p : pending) {
      if (best.ratio >= 0 &&
          (p.bound < best.ratio || (p.bound == best.ratio && p.order > best_order)))
        break;
      const Candidate& c = candidates[p.order];
      double added = p.added;
      apply(c, chosen, config, added);
      Step s = evaluate(c, chosen, config, added, costs);
      if (!qualifies(s, min_benefit)) continue;
      if (s.ratio > best.ratio || (s.ratio == best.ratio && p.order < best_order)) {
        best = std::move(s);
        best_order = p.order;
      }
    }
    return best;
  }

  // What identifies a candidate across steps: its indexes and the index it replaces (its
  // position in the chosen set can change).
  using BoundKey = std::pair<std::vector<Index>, Index>;
  static BoundKey bound_key(const Candidate& c, const std::vector<Index>& chosen) {
    return {c.adds, c.replaces >= 0 ? chosen[c.replaces] : Index{}};
  }

  // Every step to try from `chosen`, in a fixed order (ties go to the earliest).
  std::vector<Candidate> candidate_steps(const std::vector<Index>& chosen,
                                         const std::set<Index>& banned) {
    std::vector<Candidate> out;
    std::set<Index> present(chosen.begin(), chosen.end());
    present.insert(banned.begin(), banned.end());  // pruned earlier: never offered again
    std::set<ColumnRef> columns;
    for (const Query& q : queries_) columns.insert(q.columns.begin(), q.columns.end());
    for (const ColumnRef& c : columns) {
      Index single{c.table, {c.column}, {}, {c.flags}};
      if (!present.count(single)) out.push_back({{single}, -1});
    }
    // Key-only composites all count; of the covering variants (same keys plus INCLUDE columns)
    // only the heaviest query's per key set, so each chosen index has at most one to try.
    std::set<Index> composites;
    std::map<Index, std::pair<double, Index>> covering;  // by key columns and their flags
    for (const Query& q : queries_) {
      for (const Index& ix : q.composites) {
        if (ix.include.empty()) {
          composites.insert(ix);
          continue;
        }
        auto& slot = covering[Index{ix.table, ix.columns, {}, ix.flags}];
        if (slot.second.columns.empty() || q.weight > slot.first) slot = {q.weight, ix};
      }
    }
    for (const auto& entry : covering) composites.insert(entry.second.second);
    for (const Index& ix : composites) {
      if (present.count(ix)) continue;
      if (ix.include.empty()) {
        // One-column composites come only with a special declaration (a DESC NULLS LAST
        // order); plain ones are the single-column candidates above.
        if (ix.columns.size() > 1 || !ix.flags.empty()) out.push_back({{ix}, -1});
        continue;
      }
      // A covering variant only replaces a chosen index with the same key columns: INCLUDE
      // columns pay only on top of keys that already pay, and trying every query's covering
      // variant as a new index would multiply the planner calls of each step.
      bool replaced = false;
      for (size_t k = 0; k < chosen.size(); ++k) {
        if (chosen[k].table == ix.table && chosen[k].columns == ix.columns &&
            chosen[k].flags == ix.flags) {
          out.push_back({{ix}, static_cast<int>(k)});
          replaced = true;
        }
      }
      // Except a declared sort order (a mixed-direction ORDER BY, few per workload): walking
      // the index in order pays back its heap visits only for a small LIMIT, while an
      // index-only scan of the covering variant also pays for a deep OFFSET.
      if (!replaced && ix.ordered()) out.push_back({{ix}, -1});
    }
    for (size_t k = 0; k < chosen.size(); ++k) {
      for (int column : widenings(chosen[k])) {
        Index wider = chosen[k];
        wider.add_key(column);
        wider.include.erase(std::remove(wider.include.begin(), wider.include.end(), column),
                            wider.include.end());
        if (!present.count(wider)) out.push_back({{wider}, static_cast<int>(k)});
      }
    }
    // Groups that pay only together (OR arms), less what is already chosen; a group with a
    // pruned member is not offered again.
    std::set<std::vector<Index>> groups;
    for (const Query& q : queries_) {
      for (const std::vector<Index>& g : q.groups) {
        std::vector<Index> missing;
        bool excluded = false;
        for (const Index& ix : g) {
          if (banned.count(ix)) excluded = true;
          if (!present.count(ix)) missing.push_back(ix);
        }
        std::sort(missing.begin(), missing.end());
        missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
        if (!excluded && missing.size() > 1) groups.insert(missing);
      }
    }
    for (const std::vector<Index>& g : groups) out.push_back({g, -1});
    return out;
  }

  // Columns some query uses together with every column of `index`, on the same table.
  std::set<int> widenings(const Index& index) const {
    std::set<int> out;
    for (const Query& q : queries_) {
      std::set<int> mine;
      for (const ColumnRef& c : q.columns)
        if (c.table == index.table) mine.insert(c.column);
      bool all = std::all_of(index.columns.begin(), index.columns.end(),
                             [&](int c) { return mine.count(c) > 0; });
      if (!all) continue;
      for (int c : mine)
        if (std::find(index.columns.begin(), index.columns.end(), c) == index.columns.end())
          out.insert(c);
    }
    return out;
  }

  // One index's contribution against the rest of the chosen set.
  Recommendation judge(const std::vector<Index>& chosen, size_t k) {
    std::vector<Index> without = chosen;
    without.erase(without.begin() + static_cast<std::ptrdiff_t>(k));
    Recommendation r;
    r.index = chosen[k];
    r.bytes = size(chosen[k]);
    for (size_t i = 0; i < queries_.size(); ++i) {
      if (!touches(queries_[i], chosen[k].table)) continue;
      double with_it = cost(i, chosen), without_it = cost(i, without);
      if (with_it < without_it) {
        r.queries.push_back(queries_[i].id);
        r.cost_before += queries_[i].weight * without_it;
        r.cost_after += queries_[i].weight * with_it;
      }
    }
    r.improvement = r.cost_before > 0 ? 1 - r.cost_after / r.cost_before : 0;
    r.maintenance = maintenance(chosen) - maintenance(without);
    for (const Existing& e : redundant(chosen[k])) r.drops.push_back(e.id);
    return r;
  }

  // Whether an index's contribution stays below the bar: less than min_improvement of its
  // queries' cost, or no more than what keeping it up to date costs.
  bool weak(const Recommendation& r) const {
    return r.improvement < options_.min_improvement ||
           r.cost_before - r.cost_after <= r.maintenance;
  }

  // Drops the weakest index below the bar (weak()) and re-judges the rest, until none is;
  // returns the dropped ones.
  std::vector<Index> prune(std::vector<Index>& chosen) {
    std::vector<Index> removed;
    for (;;) {
      int weakest = -1;
      double weakest_gain = 0;
      for (size_t k = 0; k < chosen.size(); ++k) {
        Recommendation r = judge(chosen, k);
        if (!weak(r)) continue;
        // Weakest: the lowest net gain relative to its queries' cost.
        double gain = r.cost_before > 0
                          ? (r.cost_before - r.cost_after - r.maintenance) / r.cost_before
                          : -std::numeric_limits<double>::infinity();
        if (weakest < 0 || gain < weakest_gain) {
          weakest = static_cast<int>(k);
          weakest_gain = gain;
        }
      }
      if (weakest < 0) return removed;
      removed.push_back(chosen[weakest]);
      chosen.erase(chosen.begin() + weakest);
    }
  }

  std::vector<Recommendation> report(const std::vector<Index>& chosen) {
    std::vector<Recommendation> out;
    for (size_t k = 0; k < chosen.size(); ++k) out.push_back(judge(chosen, k));
    return out;
  }

  std::vector<Query> queries_;
  CostOracle& oracle_;
  Options options_;
  BoundedMemo memo_;
  std::map<Index, double> sizes_;
  std::map<Index, double> maintenance_;
  std::map<Index, std::vector<Existing>> redundant_;
  // The lazy search's bounds: each candidate's benefit when it was last costed.
  std::map<BoundKey, double> bounds_;
  int64_t oracle_calls_ = 0;
  int64_t cache_hits_ = 0;
  int64_t evaluations_ = 0;
  int full_passes_ = 0;
};

inline Result select_indexes(std::vector<Query> queries, CostOracle& oracle, Options options) {
  return Selector(std::move(queries), oracle, options).run();
}

}  // namespace index_selection
}  // namespace azora
