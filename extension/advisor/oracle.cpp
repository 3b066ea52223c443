// advisor/oracle.cpp — the what-if cost oracle and the existing indexes it reads (oracle.hpp).
#include "advisor/oracle.hpp"

#include "advisor/hypo_define.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/plan_cost.hpp"
#include "advisor/probe.hpp"
#include "advisor/size_estimate.hpp"
#include "boundary.hpp"

#include <algorithm>

namespace azora::advisor {
namespace {

// The oracle's memo key for (statement, configuration): the same content as
// index_selection::memo_key, packed to the widths the values have (a relation OID, attribute
// numbers up to 1600, a few flag bits) instead of 8 bytes each, so a memo of hundreds of
// thousands of configurations takes a quarter of the memory. The configuration's order is
// kept: it is the order the planner sees the indexes in.
std::string compact_key(int64_t query, const std::vector<sel::Index>& indexes) {
  std::string key;
  auto put = [&key](auto v) { key.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(static_cast<int32_t>(query));
  for (const sel::Index& ix : indexes) {
    put(static_cast<uint32_t>(ix.table));
    put(static_cast<uint8_t>(ix.columns.size()));
    put(static_cast<uint8_t>(ix.include.size()));
    for (int c : ix.columns) put(static_cast<int16_t>(c));
    for (int c : ix.include) put(static_cast<int16_t>(c));
    for (size_t k = 0; k < ix.columns.size(); ++k) put(static_cast<uint8_t>(ix.flag(k)));
  }
  return key;
}

}  // namespace

const std::vector<ExistingIndex>& ExistingIndexes::of(Oid relid) {
  auto found = tables_.find(relid);
  if (found != tables_.end()) return found->second;
  ExistingIndex* items = nullptr;
  int n = pg_call([relid, &items] { return droppable_indexes(relid, &items); });
  return tables_.emplace(relid, std::vector<ExistingIndex>(items, items + n)).first->second;
}

bool ExistingIndexes::prefix_of(const ExistingIndex& e, const sel::Index& ix) {
  if (static_cast<size_t>(e.nkeys) > ix.columns.size()) return false;
  for (int k = 0; k < e.nkeys; ++k) {
    int flags = ix.flag(static_cast<size_t>(k));
    if (e.keys[k] != ix.columns[k] || (flags & sel::kPatternOps) || flags != e.flags[k])
      return false;
  }
  for (int k = 0; k < e.ninclude; ++k) {
    auto has = [&e, k](const std::vector<int>& v) {
      return std::find(v.begin(), v.end(), e.include[k]) != v.end();
    };
    if (!has(ix.columns) && !has(ix.include)) return false;
  }
  return true;
}

double WhatIfOracle::maintenance(const sel::Index& ix) {
  size_bytes(ix);  // sizes the hypothetical index: the model reads its pages and height
  return upkeep(*hypo(ix), &hot_loss_[ix]);
}

std::vector<sel::Existing> WhatIfOracle::redundant(const sel::Index& ix) {
  std::vector<sel::Existing> out;
  for (const ExistingIndex& e : existing_->of(ix.table)) {
    if (!ExistingIndexes::prefix_of(e, ix)) continue;
    bool ignored;
    out.push_back(sel::Existing{static_cast<int64_t>(e.oid), e.bytes, upkeep(e.shape, &ignored)});
  }
  return out;
}

bool WhatIfOracle::can_matter(const WorkloadQuery& wq, const sel::Index& ix) {
  if (wq.opaque_reads) return true;
  bool reads_table = false;
  auto in_index = [&ix](int attnum) {
    return std::find(ix.columns.begin(), ix.columns.end(), attnum) != ix.columns.end() ||
           std::find(ix.include.begin(), ix.include.end(), attnum) != ix.include.end();
  };
  for (const CandidateColumn* list : {wq.referenced, wq.columns, wq.order}) {
    int n = list == wq.referenced ? wq.nreferenced : list == wq.columns ? wq.ncolumns : wq.norder;
    for (int k = 0; k < n; ++k) {
      if (list[k].relid != static_cast<Oid>(ix.table)) continue;
      reads_table = true;
      if (in_index(list[k].attnum)) return true;
    }
  }
  return !reads_table;
}

bool WhatIfOracle::hot_update_loss(const sel::Index& ix) const {
  auto found = hot_loss_.find(ix);
  return found != hot_loss_.end() && found->second;
}

double WhatIfOracle::cost(const sel::Query& q, const std::vector<sel::Index>& indexes) {
  // Only the indexes that can give the planner a path for the statement take part: the
  // selection passes every chosen index on its tables, and a new index on a column the
  // statement never reads would otherwise re-plan it for a cost that cannot move. Memoised
  // by what takes part, so every such configuration is planned once.
  const WorkloadQuery& wq = queries_[q.id];
  std::vector<sel::Index> matter;
  for (const sel::Index& ix : indexes)
    if (can_matter(wq, ix)) matter.push_back(ix);
  std::string key = compact_key(q.id, matter);
  if (const double* known = costs_.find(key)) {
    if (matter.size() < indexes.size()) ++narrowed_hits_;
    return *known;
  }
  double c = plan(q, matter);
  costs_.insert(std::move(key), c);
  return c;
}

double WhatIfOracle::plan(const sel::Query& q, const std::vector<sel::Index>& indexes) {
  std::vector<HypoIndex*> items;
  for (const sel::Index& ix : indexes) items.push_back(hypo(ix));
  // Candidates share a few OIDs: the k-th index of a configuration takes the k-th, so one
  // call needs as many as its largest configuration, however many candidates it defines.
  for (size_t k = 0; k < items.size(); ++k) items[k]->oid = pool_oid(k);
  const WorkloadQuery* wq = &queries_[q.id];
  HypoIndex* const* data = items.data();
  int n = static_cast<int>(items.size());
  MemoryContext scratch = scratch_;
  ++plans_;
  int64* planned = &planned_;
  int64* probes = &probes_;
  return pg_call([wq, data, n, scratch, planned, probes] {
    return plan_cost(wq, data, n, scratch, planned, probes);
  });
}

double WhatIfOracle::size_bytes(const sel::Index& ix) {
  HypoIndex* h = hypo(ix);
  // In a rolled-back probe: the estimate's locks are released at once.
  pg_call([h] { run_probe(ProbeRole{InvalidOid, nullptr}, estimate_job, h, false); });
  return static_cast<double>(h->pages) * BLCKSZ;
}

void WhatIfOracle::estimate_job(void* arg) {
  auto* h = static_cast<HypoIndex*>(arg);
  if (get_rel_relkind(h->relid) == RELKIND_PARTITIONED_TABLE) {
    estimate_partitioned(h);
  } else {
    estimate(h, table_tuples(h->relid), 1.0);
  }
}

void WhatIfOracle::define_job(void* arg) {
  auto* job = static_cast<DefineJob*>(arg);
  // The statements' roles could read the table; the caller need not (pg_read_all_stats).
  define_hypo_index(job->ddl, job->defs, job->out, false);
}

HypoIndex* WhatIfOracle::hypo(const sel::Index& ix) {
  auto found = defined_.find(ix);
  if (found != defined_.end()) return &found->second;
  HypoIndex h;
  MemoryContext defs = defs_;
  const sel::Index* index = &ix;
  pg_call([&h, defs, index] {
    DefineJob job{index_ddl(*index, false), defs, &h};
    run_probe(ProbeRole{InvalidOid, nullptr}, define_job, &job, false);
  });
  h.oid = InvalidOid;  // set from the pool for each planning
  return &defined_.emplace(ix, h).first->second;
}

Oid WhatIfOracle::pool_oid(size_t k) {
  while (pool_.size() <= k) {
    Oid below = pool_.empty() ? FirstNormalObjectId : pool_.back();
    Oid oid = pg_call([below] {
      for (Oid o = below - 1; o >= FirstUnpinnedObjectId; --o) {
        if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(o))) return o;
      }
      return InvalidOid;
    });
    if (oid == InvalidOid) {
      throw Error(ERRCODE_PROGRAM_LIMIT_EXCEEDED, "index advisor: no free hypothetical OID");
    }
    pool_.push_back(oid);
  }
  return pool_[k];
}

double WhatIfOracle::upkeep(const HypoIndex& h, bool* hot_loss) {
  if (nwrites_ == 0) return 0;
  const HypoIndex* index = &h;
  const TrackedWrite* writes = writes_;
  int n = nwrites_;
  double units = pg_call(
      [index, writes, n, hot_loss] { return maintenance_cost_units(*index, writes, n, hot_loss); });
  return units * ms_per_unit_;
}

}  // namespace azora::advisor
