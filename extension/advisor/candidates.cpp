// advisor/candidates.cpp — composite candidates and OR groups of a statement (candidates.hpp).
#include "advisor/candidates.hpp"

#include "boundary.hpp"

#include <algorithm>

namespace azora::advisor {
namespace {

namespace sel = index_selection;

// Per table of the query: its equality columns in the order the query names them, then its
// first range column or else its first sort column — the order a btree serves them in; and the
// same with the other columns it reads of that table as INCLUDE columns (at most three), which
// lets an index-only scan answer it where the visibility map allows.
constexpr size_t kMaxIncludeColumns = 3;

// `keys` as a candidate, and its covering variant when the query reads other columns of the
// table (key-only composites of one column are left to the single-column candidates unless
// their declaration is special).
void add_composite(const WorkloadQuery& wq, Oid relid, const std::vector<int>& keys,
                   const std::vector<int>& flags, std::vector<sel::Index>* out) {
  if (keys.empty() || keys.size() > INDEX_MAX_KEYS) return;
  sel::Index key_only(relid, keys, {}, flags);
  if (keys.size() > 1 || !key_only.flags.empty()) out->push_back(key_only);
  std::vector<int> include;
  for (int r = 0; r < wq.nreferenced; ++r) {
    int attnum = wq.referenced[r].attnum;
    if (wq.referenced[r].relid == relid &&
        std::find(keys.begin(), keys.end(), attnum) == keys.end())
      include.push_back(attnum);
  }
  if (!include.empty() && include.size() <= kMaxIncludeColumns &&
      keys.size() + include.size() <= INDEX_MAX_KEYS)
    out->emplace_back(relid, keys, include, flags);
}

// A mixed-direction ORDER BY (WorkloadQuery::order): the table's equality columns, then the
// ORDER BY columns declared as it sorts them, so the index returns rows in that order.
void add_order_composite(const WorkloadQuery& wq, std::vector<sel::Index>* out) {
  if (wq.norder == 0) return;
  Oid relid = wq.order[0].relid;
  std::vector<int> keys, flags;
  auto in_order = [&wq](int attnum) {
    return std::any_of(wq.order, wq.order + wq.norder,
                       [attnum](const CandidateColumn& c) { return c.attnum == attnum; });
  };
  for (int k = 0; k < wq.ncolumns; ++k) {
    const CandidateColumn& c = wq.columns[k];
    if (c.relid == relid && c.use == kEquality && c.flags == 0 && !in_order(c.attnum)) {
      keys.push_back(c.attnum);
      flags.push_back(0);
    }
  }
  for (int k = 0; k < wq.norder; ++k) {
    keys.push_back(wq.order[k].attnum);
    flags.push_back(wq.order[k].flags);
  }
  add_composite(wq, relid, keys, flags, out);
}

// An existing index extended by the query's other key columns on its table (those of the
// query's own composite, in its order), when all of the existing index's keys are columns the
// query can use: chosen, it makes the existing index redundant (drop_ddl), so it costs only
// the bytes it adds to it.
void add_extensions(const WorkloadQuery& wq, Oid relid, const std::vector<int>& keys,
                    const std::vector<int>& flags, ExistingIndexes* existing,
                    std::vector<sel::Index>* out) {
  for (const ExistingIndex& e : existing->of(relid)) {
    bool usable = true;
    for (int k = 0; k < e.nkeys && usable; ++k) {
      usable = std::any_of(wq.columns, wq.columns + wq.ncolumns, [&](const CandidateColumn& c) {
        return c.relid == relid && c.attnum == e.keys[k] && c.flags == 0;
      });
    }
    if (!usable) continue;
    std::vector<int> wider(e.keys, e.keys + e.nkeys), wider_flags(e.flags, e.flags + e.nkeys);
    for (size_t k = 0; k < keys.size(); ++k) {
      if (std::find(wider.begin(), wider.end(), keys[k]) != wider.end() ||
          (flags[k] & sel::kPatternOps))
        continue;
      wider.push_back(keys[k]);
      wider_flags.push_back(flags[k]);
    }
    if (wider.size() > static_cast<size_t>(e.nkeys))
      add_composite(wq, relid, wider, wider_flags, out);
  }
}

}  // namespace

std::vector<sel::Index> composites(const WorkloadQuery& wq, ExistingIndexes* existing) {
  std::vector<sel::Index> out;
  add_order_composite(wq, &out);
  std::vector<Oid> done;
  for (int c = 0; c < wq.ncolumns; ++c) {
    Oid relid = wq.columns[c].relid;
    if (std::find(done.begin(), done.end(), relid) != done.end()) continue;
    done.push_back(relid);
    // Equality columns (a pattern-opclass LIKE column serves equality too, so it is not
    // mixed with default-declared ones), then the first range or sort column.
    std::vector<int> keys, flags;
    for (int k = 0; k < wq.ncolumns; ++k) {
      if (wq.columns[k].relid == relid && wq.columns[k].use == kEquality &&
          wq.columns[k].flags == 0) {
        keys.push_back(wq.columns[k].attnum);
        flags.push_back(0);
      }
    }
    for (ColumnUse use : {kRange, kSort}) {
      auto found = std::find_if(wq.columns, wq.columns + wq.ncolumns, [relid, use](auto& col) {
        return col.relid == relid && col.use == use;
      });
      if (found != wq.columns + wq.ncolumns) {
        keys.push_back(found->attnum);
        flags.push_back(found->flags);
        break;
      }
    }
    add_composite(wq, relid, keys, flags, &out);
    add_extensions(wq, relid, keys, flags, existing, &out);
  }
  return out;
}

std::vector<std::vector<sel::Index>> or_groups(const WorkloadQuery& wq) {
  std::vector<std::vector<sel::Index>> out;
  if (wq.nsamples == 0) return out;
  Query* query = wq.samples[0].query;  // every sample has the same shape
  List* groups = pg_call([query] { return or_arm_groups(query); });
  ListCell* lc;
  foreach (lc, groups) {
    const auto* g = static_cast<const OrArms*>(lfirst(lc));
    std::vector<sel::Index> indexes;
    for (int a = 0; a < g->narms; ++a) {
      sel::Index ix(g->relid, {g->arms[a].attnum}, {}, {g->arms[a].flags});
      if (std::find(indexes.begin(), indexes.end(), ix) == indexes.end()) indexes.push_back(ix);
    }
    if (indexes.size() > 1) out.push_back(std::move(indexes));
  }
  return out;
}

}  // namespace azora::advisor
