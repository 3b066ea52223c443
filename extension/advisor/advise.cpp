// advisor/advise.cpp — azora_opt.advise_indexes(): the tracked workload (workload.hpp), costed by
// what-if planning (what_if.hpp) with candidate indexes sized by the btree model, chosen by the
// budgeted greedy search (pure/index_selection.hpp).
//
// Weighting: each statement counts with its measured total time (calls x mean time) rescaled
// by the planner: weight = total_ms / cost without new indexes, so the workload cost before is
// the measured time in ms and after is that time as the planner expects it with the indexes.
// Writes: each candidate's upkeep (writes.hpp, planner cost units) is converted to ms with the
// workload's ms per cost unit, so the selection weighs benefit - maintenance in one unit.
#include "advisor/existing_indexes.hpp"
#include "advisor/hypo_define.hpp"
#include "advisor/probe.hpp"
#include "advisor/size_estimate.hpp"
#include "advisor/what_if.hpp"
#include "advisor/workload.hpp"
#include "advisor/writes.hpp"
#include "boundary.hpp"
#include "pure/index_baselines.hpp"
#include "pure/index_selection.hpp"

#include <sys/resource.h>
#include <time.h>

#include <map>
#include <set>

namespace azora::advisor {
namespace {

namespace sel = index_selection;

// A key column's declaration after its name: the pattern operator class a LIKE prefix needs
// under a non-C collation, then the direction and NULLS placement where they differ from
// ASC NULLS LAST (NULLS is spelled out only where it differs from the direction's default).
const char* key_options(Oid relid, int attnum, int flags) {
  const char* opclass = "";
  if (flags & sel::kPatternOps) {
    opclass = get_atttype(relid, static_cast<AttrNumber>(attnum)) == BPCHAROID
                  ? " bpchar_pattern_ops"
                  : " text_pattern_ops";
  }
  bool descending = (flags & sel::kDescending) != 0;
  bool nulls_first = (flags & sel::kNullsFirst) != 0;
  const char* nulls = nulls_first == descending ? "" : nulls_first ? " NULLS FIRST" : " NULLS LAST";
  return psprintf("%s%s%s", opclass, descending ? " DESC" : "", nulls);
}

// "CREATE INDEX [CONCURRENTLY] ON schema.table (a, b DESC NULLS LAST) [INCLUDE (c)]",
// identifiers quoted. Never CONCURRENTLY on a partitioned table: PostgreSQL 15 refuses it
// there (the plain statement builds the index on every partition, blocking writes meanwhile).
char* index_ddl(const sel::Index& index, bool concurrently) {
  Oid relid = index.table;
  if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE) concurrently = false;
  const std::vector<int>& columns = index.columns;
  const std::vector<int>& include = index.include;
  StringInfoData buf;
  initStringInfo(&buf);
  appendStringInfo(&buf, "CREATE INDEX %sON %s (", concurrently ? "CONCURRENTLY " : "",
                   quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
                                              get_rel_name(relid)));
  for (size_t i = 0; i < columns.size(); ++i) {
    appendStringInfo(
        &buf, "%s%s%s", i > 0 ? ", " : "",
        quote_identifier(get_attname(relid, static_cast<AttrNumber>(columns[i]), false)),
        key_options(relid, columns[i], index.flag(i)));
  }
  appendStringInfoChar(&buf, ')');
  for (size_t i = 0; i < include.size(); ++i) {
    appendStringInfo(
        &buf, "%s%s", i > 0 ? ", " : " INCLUDE (",
        quote_identifier(get_attname(relid, static_cast<AttrNumber>(include[i]), false)));
  }
  if (!include.empty()) appendStringInfoChar(&buf, ')');
  return buf.data;
}

// The plannings of one statement with one configuration that share a search_path, run in one
// probe as the statement's role: one subtransaction, role switch and lock pass for all of
// them (most statements have one or two samples, all with one search_path). The probe's
// rollback still releases the statement's locks before the next statement is planned.
struct PlanJob {
  const WorkloadQuery* wq;
  int first;  // the first sample of the group
  HypoIndex* const* items;
  int n;
  MemoryContext per_sample;  // reset after each sample: its copy and the planner's memory
  double total;              // sum of cost x weight over the group's samples
  int weights;
  int64 planned;  // planner calls
};

bool same_path(const char* a, const char* b) {
  return a == b || (a != nullptr && b != nullptr && strcmp(a, b) == 0);
}

void plan_job(void* arg) {
  auto* job = static_cast<PlanJob*>(arg);
  const WorkloadQuery* wq = job->wq;
  const char* path = wq->samples[job->first].search_path;
  for (int s = job->first; s < wq->nsamples; ++s) {
    const Sample& sample = wq->samples[s];
    if (!same_path(sample.search_path, path)) continue;
    // The probe that parsed the query released its locks; take them again, as the plan cache
    // does before planning an analysed query anew (for the group's later samples, which read
    // the same relations, a lookup in the backend's own lock table).
    lock_relations(sample.query);
    MemoryContext old = MemoryContextSwitchTo(job->per_sample);
    auto* copy = static_cast<Query*>(copyObjectImpl(sample.query));
    PlannedStmt* plan = plan_candidates(copy, sample.text, job->items, job->n, sample.params);
    job->total += plan->planTree->total_cost * sample.weight;
    job->weights += sample.weight;
    ++job->planned;
    MemoryContextSwitchTo(old);
    MemoryContextReset(job->per_sample);
  }
}

// The planner's total cost of one statement with `n` candidate indexes: the mean over its
// samples (a uniform sample of its calls, so the mean is the call-weighted cost of one call).
// The samples are planned as the statement's role in rolled-back probes, one per distinct
// search_path, which release their locks; all planner memory is freed before returning.
double plan_cost(const WorkloadQuery* wq, HypoIndex* const* items, int n, MemoryContext scratch,
                 int64* planned, int64* probes) {
  MemoryContext old = MemoryContextSwitchTo(scratch);
  MemoryContext per_sample =
      AllocSetContextCreate(scratch, "azora_opt advice sample", ALLOCSET_DEFAULT_SIZES);
  double total = 0;
  int weights = 0;
  for (int s = 0; s < wq->nsamples; ++s) {
    // A search_path met at an earlier sample was planned with that sample's group.
    bool seen = false;
    for (int e = 0; e < s && !seen; ++e)
      seen = same_path(wq->samples[e].search_path, wq->samples[s].search_path);
    if (seen) continue;
    PlanJob job{wq, s, items, n, per_sample, 0, 0, 0};
    const char* error =
        run_probe(ProbeRole{wq->role.userid, wq->samples[s].search_path}, plan_job, &job, true);
    ++*probes;
    if (error != nullptr) {
      ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                      errmsg("index advisor: query %lld no longer plans: %s",
                             static_cast<long long>(wq->queryid), error),
                      errhint("A table it reads changed while advising: run advise_indexes() "
                              "again.")));
    }
    total += job.total;
    weights += job.weights;
    *planned += job.planned;
  }
  MemoryContextSwitchTo(old);
  MemoryContextReset(scratch);
  return weights > 0 ? total / weights : 0;
}

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

// The droppable existing indexes per table (existing_indexes.hpp), read once per call.
class ExistingIndexes {
 public:
  const std::vector<ExistingIndex>& of(Oid relid) {
    auto found = tables_.find(relid);
    if (found != tables_.end()) return found->second;
    ExistingIndex* items = nullptr;
    int n = pg_call([relid, &items] { return droppable_indexes(relid, &items); });
    return tables_.emplace(relid, std::vector<ExistingIndex>(items, items + n)).first->second;
  }

  // Whether `e`'s keys (with their declaration) are a leading prefix of `ix`'s and its INCLUDE
  // columns are among `ix`'s columns: then `ix` serves every scan `e` serves.
  static bool prefix_of(const ExistingIndex& e, const sel::Index& ix) {
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

 private:
  std::map<Oid, std::vector<ExistingIndex>> tables_;
};

// What-if planning as the selection's cost oracle. Candidate indexes are defined once each
// (through the same CREATE INDEX path as hypo_create) and keep their size estimate.
class WhatIfOracle : public sel::CostOracle {
 private:
  // Costs shared by every strategy run over this oracle (the selection keeps its own too),
  // bounded by azora_opt.advisor_memo_size.
  BoundedMemo costs_;

 public:
  WhatIfOracle(const WorkloadQuery* queries, MemoryContext defs, MemoryContext scratch,
               const TrackedWrite* writes, int nwrites, ExistingIndexes* existing)
      : costs_(memo_bytes_each()),
        queries_(queries),
        defs_(defs),
        scratch_(scratch),
        writes_(writes),
        nwrites_(nwrites),
        existing_(existing) {}

  // Milliseconds per planner cost unit (the workload's), which converts upkeep into the
  // objective's unit.
  void set_ms_per_cost_unit(double ms) { ms_per_unit_ = ms; }

  double maintenance(const sel::Index& ix) override {
    size_bytes(ix);  // sizes the hypothetical index: the model reads its pages and height
    return upkeep(*hypo(ix), &hot_loss_[ix]);
  }

  std::vector<sel::Existing> redundant(const sel::Index& ix) override {
    std::vector<sel::Existing> out;
    for (const ExistingIndex& e : existing_->of(ix.table)) {
      if (!ExistingIndexes::prefix_of(e, ix)) continue;
      bool ignored;
      out.push_back(sel::Existing{static_cast<int64_t>(e.oid), e.bytes, upkeep(e.shape, &ignored)});
    }
    return out;
  }

  // Whether `ix` can change the statement's plan. Not when the statement reads (by what the
  // walk saw: WorkloadQuery::opaque_reads) some column of its table but none of its columns:
  // then no clause or join clause matches a key, no ORDER BY, GROUP BY or merge join order is
  // over it, and it does not cover the statement's columns, which is every way the planner
  // builds an index path (a statement that reads no column of the table, count(*), could use
  // any index for an index-only scan).
  static bool can_matter(const WorkloadQuery& wq, const sel::Index& ix) {
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

  // Whether tracked UPDATEs that are HOT today would lose HOT with `ix` (after maintenance()).
  bool hot_update_loss(const sel::Index& ix) const {
    auto found = hot_loss_.find(ix);
    return found != hot_loss_.end() && found->second;
  }

  double cost(const sel::Query& q, const std::vector<sel::Index>& indexes) override {
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

  double plan(const sel::Query& q, const std::vector<sel::Index>& indexes) {
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

  double size_bytes(const sel::Index& ix) override {
    HypoIndex* h = hypo(ix);
    // In a rolled-back probe: the estimate's locks are released at once.
    pg_call([h] { run_probe(ProbeRole{InvalidOid, nullptr}, estimate_job, h, false); });
    return static_cast<double>(h->pages) * BLCKSZ;
  }

  int64 plans() const { return plans_; }
  int64 planner_calls() const { return planned_; }
  int64 probes() const { return probes_; }
  size_t memo_entries() const { return costs_.entries(); }
  size_t memo_bytes() const { return costs_.bytes(); }
  int64 memo_turnovers() const { return costs_.turnovers(); }
  int64 narrowed_hits() const { return narrowed_hits_; }

 private:
  static void estimate_job(void* arg) {
    auto* h = static_cast<HypoIndex*>(arg);
    if (get_rel_relkind(h->relid) == RELKIND_PARTITIONED_TABLE) {
      estimate_partitioned(h);
    } else {
      estimate(h, table_tuples(h->relid), 1.0);
    }
  }

  struct DefineJob {
    const char* ddl;
    MemoryContext defs;
    HypoIndex* out;
  };

  static void define_job(void* arg) {
    auto* job = static_cast<DefineJob*>(arg);
    // The statements' roles could read the table; the caller need not (pg_read_all_stats).
    define_hypo_index(job->ddl, job->defs, job->out, false);
  }

  HypoIndex* hypo(const sel::Index& ix) {
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

  // A reserved OID no relation has (hypo_store.hpp's range), the k-th of this call's pool. The
  // session's own hypothetical indexes may use the same ones: they take no part in the
  // advisor's planning.
  Oid pool_oid(size_t k) {
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

  // The tracked writes' upkeep of an index (writes.hpp), in ms.
  double upkeep(const HypoIndex& h, bool* hot_loss) {
    if (nwrites_ == 0) return 0;
    const HypoIndex* index = &h;
    const TrackedWrite* writes = writes_;
    int n = nwrites_;
    double units = pg_call([index, writes, n, hot_loss] {
      return maintenance_cost_units(*index, writes, n, hot_loss);
    });
    return units * ms_per_unit_;
  }

  const WorkloadQuery* queries_;
  MemoryContext defs_;
  MemoryContext scratch_;
  const TrackedWrite* writes_;
  int nwrites_;
  ExistingIndexes* existing_;
  double ms_per_unit_ = 0;
  std::map<sel::Index, bool> hot_loss_;
  std::map<sel::Index, HypoIndex> defined_;  // node-based: pointers stay valid
  std::vector<Oid> pool_;
  int64 plans_ = 0;          // statement costings (oracle misses)
  int64 planned_ = 0;        // planner calls (one per sample of each costing)
  int64 probes_ = 0;         // rolled-back subtransactions they ran in
  int64 narrowed_hits_ = 0;  // costings saved by leaving out indexes that cannot matter
};

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

// One index per arm of each OR of the query whose arms all have a condition on one table
// (workload.hpp, OrArms): tried together, since a BitmapOr needs all of them.
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

struct Row {
  std::string ddl;
  Oid relid;
  std::vector<std::string> columns;
  int64 bytes;
  std::vector<int64> queryids;
  double before, after, improvement;
  double maintenance_cost = 0;   // what the tracked writes would pay to maintain it (ms)
  bool hot_update_loss = false;  // a tracked UPDATE sets one of its columns
  std::string drop_ddl;          // the DROP of an existing index it makes redundant, or empty
  std::string cost_basis;        // what its statements' costs were planned from, or empty
};

void check_arguments(double budget, double min_improvement) {
  if (!(budget > 0)) {
    throw Error(ERRCODE_INVALID_PARAMETER_VALUE, "budget_bytes must be greater than zero",
                "Pass NULL for no limit, or a size such as pg_size_bytes('500 MB').");
  }
  if (!(min_improvement >= 0 && min_improvement < 1)) {
    throw Error(ERRCODE_INVALID_PARAMETER_VALUE, "min_improvement must be from 0 up to 1",
                "0.10 reports indexes that lower their queries' cost by at least 10 %.");
  }
}

// The tracked workload as the selection sees it; empty (after a NOTICE) when there is none.
struct Workload {
  WorkloadQuery* queries = nullptr;
  int count = 0;
  TrackedWrite* writes = nullptr;  // writes.hpp
  int nwrites = 0;
  std::map<int64, std::pair<double, double>> calls;  // query id -> (calls, total ms)
  MemoryContext defs = nullptr;
  MemoryContext scratch = nullptr;
};

Workload load() {
  Workload w;
  w.defs = AllocSetContextCreate(CurrentMemoryContext, "azora_opt advice", ALLOCSET_DEFAULT_SIZES);
  w.scratch =
      AllocSetContextCreate(CurrentMemoryContext, "azora_opt advice plans", ALLOCSET_DEFAULT_SIZES);
  WorkloadQuery* queries = nullptr;
  int count = 0;
  WorkloadSummary summary{};
  pg_call([&queries, &count, &summary] { load_workload(&queries, &count, &summary); });
  w.queries = queries;
  w.count = count;
  pg_call([&summary] { report_summary(summary); });
  TrackedWrite* writes = nullptr;
  TrackedCalls* calls = nullptr;
  int nwrites = 0, ncalls = 0;
  if (count > 0) {
    pg_call(
        [&writes, &nwrites, &calls, &ncalls] { load_writes(&writes, &nwrites, &calls, &ncalls); });
  }
  w.writes = writes;
  w.nwrites = nwrites;
  for (int i = 0; i < ncalls; ++i) {
    auto& slot = w.calls[calls[i].queryid];
    slot.first += calls[i].calls;
    slot.second += calls[i].total_ms;
  }
  if (count == 0 &&
      summary.hidden + summary.no_role + summary.no_parse + summary.denied + summary.not_read ==
          0) {
    pg_call([] {
      ereport(NOTICE, (errmsg("index advisor: no tracked statements to advise on"),
                       errhint("Run the workload with azora_opt.track on; statements need "
                               "azora_opt.advisor_min_calls calls.")));
    });
  }
  return w;
}

// What a recommendation's statements were planned from (the cost_basis column): "samples (n)"
// with the samples' total, "slowest call", "generic", joined with " + " when they differ.
std::string cost_basis(const Workload& w, const std::vector<int64_t>& statements) {
  int samples = 0;
  bool used[3] = {false, false, false};
  for (int64_t q : statements) {
    const WorkloadQuery& wq = w.queries[q];
    used[wq.basis] = true;
    if (wq.basis == kBasisSamples) {
      for (int k = 0; k < wq.nsamples; ++k) samples += wq.samples[k].weight;
    }
  }
  std::string out;
  auto add = [&out](const std::string& part) { out += (out.empty() ? "" : " + ") + part; };
  if (used[kBasisSamples]) add("samples (" + std::to_string(samples) + ")");
  if (used[kBasisSlowestCall]) add("slowest call");
  if (used[kBasisGeneric]) add("generic");
  return out;
}

// Selection queries with weights: measured total time over the cost without new indexes. Also
// sets the oracle's ms per cost unit: the workload's measured time over its planned cost,
// sum(total ms) / sum(calls x cost per call) over its statements.
std::vector<sel::Query> selection_queries(const Workload& w, WhatIfOracle& oracle,
                                          ExistingIndexes* existing) {
  std::vector<sel::Query> out;
  double ms = 0, units = 0;
  std::set<int64> counted;
  for (int i = 0; i < w.count; ++i) {
    const WorkloadQuery& wq = w.queries[i];
    sel::Query q;
    q.id = i;
    for (int c = 0; c < wq.ncolumns; ++c) {
      q.columns.push_back({wq.columns[c].relid, wq.columns[c].attnum, wq.columns[c].flags});
      q.tables.push_back(wq.columns[c].relid);
    }
    for (int c = 0; c < wq.nreferenced; ++c) {
      q.referenced.push_back({wq.referenced[c].relid, wq.referenced[c].attnum, 0});
      q.tables.push_back(wq.referenced[c].relid);
    }
    q.composites = composites(wq, existing);
    q.groups = or_groups(wq);
    double base = oracle.cost(q, {});
    q.weight = base > 0 ? wq.total_ms / base : 0;
    auto calls = w.calls.find(wq.queryid);
    if (base > 0 && calls != w.calls.end() && counted.insert(wq.queryid).second) {
      ms += calls->second.second;
      units += calls->second.first * base;
    }
    out.push_back(std::move(q));
  }
  oracle.set_ms_per_cost_unit(units > 0 ? ms / units : 0);
  return out;
}

// Wall and CPU seconds of the call's phases, for the DEBUG1 line that says where the time went.
struct PhaseClock {
  struct Lap {
    double wall = 0, cpu = 0;
  };
  Lap load, base, select;
  double wall0 = now_wall(), cpu0 = now_cpu();

  static double now_wall() {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<double>(t.tv_sec) + t.tv_nsec * 1e-9;
  }
  static double now_cpu() {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
  }
  // Charges the time since the previous lap to `lap`.
  void lap(Lap* lap) {
    double wall = now_wall(), cpu = now_cpu();
    lap->wall = wall - wall0;
    lap->cpu = cpu - cpu0;
    wall0 = wall;
    cpu0 = cpu;
  }
};

std::vector<Row> advise(double budget, double min_improvement) {
  check_arguments(budget, min_improvement);
  PhaseClock clock;
  Workload w = load();
  if (w.count == 0) return {};
  ExistingIndexes existing;
  WhatIfOracle oracle(w.queries, w.defs, w.scratch, w.writes, w.nwrites, &existing);
  clock.lap(&clock.load);
  std::vector<sel::Query> workload = selection_queries(w, oracle, &existing);
  clock.lap(&clock.base);
  int64 base_plans = oracle.plans();
  WorkloadQuery* queries = w.queries;
  sel::Options options;
  options.budget_bytes = budget;
  options.min_improvement = min_improvement;
  options.memo_bytes = memo_bytes_each();
  sel::Result result = sel::select_indexes(std::move(workload), oracle, options);
  clock.lap(&clock.select);
  pg_call([&clock, &oracle, &result, base_plans, &w] {
    ereport(DEBUG1,
            (errmsg("index advisor: %d statements; load %.2f s (CPU %.2f s), base costs %.2f s "
                    "(CPU %.2f s, %lld costings), selection %.2f s (CPU %.2f s); %lld costings, "
                    "%lld planner calls, %lld probes, %lld saved by can_matter; %zu memo entries "
                    "(%zu kB, %lld turnovers; the selection's: %lld turnovers); %zu bytes in the "
                    "advice's contexts",
                    w.count, clock.load.wall, clock.load.cpu, clock.base.wall, clock.base.cpu,
                    static_cast<long long>(base_plans), clock.select.wall, clock.select.cpu,
                    static_cast<long long>(oracle.plans()),
                    static_cast<long long>(oracle.planner_calls()),
                    static_cast<long long>(oracle.probes()),
                    static_cast<long long>(oracle.narrowed_hits()), oracle.memo_entries(),
                    oracle.memo_bytes() / 1024, static_cast<long long>(oracle.memo_turnovers()),
                    static_cast<long long>(result.memo_turnovers),
                    static_cast<size_t>(MemoryContextMemAllocated(w.defs, true) +
                                        MemoryContextMemAllocated(w.scratch, true)))));
  });

  std::vector<Row> rows;
  std::set<int64_t> dropped;
  for (const sel::Recommendation& r : result.picks) {
    Row row;
    Oid relid = r.index.table;
    const sel::Index* index = &r.index;
    row.ddl = pg_call([index] { return index_ddl(*index, true); });
    row.relid = relid;
    for (int c : r.index.columns) {
      row.columns.push_back(
          pg_call([relid, c] { return get_attname(relid, static_cast<AttrNumber>(c), false); }));
    }
    row.bytes = static_cast<int64>(r.bytes);
    for (int64 q : r.queries) row.queryids.push_back(queries[q].queryid);
    row.before = r.cost_before;
    row.after = r.cost_after;
    row.improvement = r.improvement;
    row.cost_basis = cost_basis(w, r.queries);
    row.maintenance_cost = r.maintenance;
    row.hot_update_loss = oracle.hot_update_loss(r.index);
    // The DROP of each existing index it makes redundant, once per existing index.
    for (int64_t id : r.drops) {
      if (!dropped.insert(id).second) continue;
      Oid oid = static_cast<Oid>(id);
      const char* ddl = pg_call([oid] { return drop_index_ddl(oid); });
      if (!row.drop_ddl.empty()) row.drop_ddl += "; ";
      row.drop_ddl += ddl;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// One budget of the comparison: the workload cost each strategy reaches within it.
struct Comparison {
  double budget;
  double no_index, advisor, single_column, dexter;
  double advisor_bytes, single_column_bytes, dexter_bytes;
};

struct CompareRun {
  std::vector<Comparison> rows;
  int statements = 0;
  int64 plans = 0;
  double seconds = 0;
};

CompareRun compare(const std::vector<double>& budgets) {
  CompareRun run;
  instr_time start;
  INSTR_TIME_SET_CURRENT(start);
  Workload w = load();
  run.statements = w.count;
  if (w.count == 0) return run;
  ExistingIndexes existing;
  WhatIfOracle oracle(w.queries, w.defs, w.scratch, w.writes, w.nwrites, &existing);
  std::vector<sel::Query> workload = selection_queries(w, oracle, &existing);
  double no_index = 0;
  for (const sel::Query& q : workload) no_index += q.weight * oracle.cost(q, {});
  for (double budget : budgets) {
    check_arguments(budget, 0);
    sel::Options options;
    options.budget_bytes = budget;
    options.min_improvement = 0;  // the strategies are compared on cost alone
    options.memo_bytes = memo_bytes_each();
    sel::Result a = sel::select_indexes(workload, oracle, options);
    index_baselines::Baseline s = index_baselines::single_column_per_qual(workload, oracle, budget);
    index_baselines::Baseline d = index_baselines::dexter_style(workload, oracle, budget);
    run.rows.push_back(Comparison{budget, no_index, a.workload_cost_after, s.workload_cost,
                                  d.workload_cost, a.total_bytes, s.bytes, d.bytes});
  }
  instr_time elapsed;
  INSTR_TIME_SET_CURRENT(elapsed);
  INSTR_TIME_SUBTRACT(elapsed, start);
  run.seconds = INSTR_TIME_GET_DOUBLE(elapsed);
  run.plans = oracle.plans();
  return run;
}

}  // namespace
}  // namespace azora::advisor

using namespace azora::advisor;

// _advise_compare(budgets): the advisor against the two baselines at each budget (benchmark).
AZORA_SQL_FUNCTION(azora_advisor_compare) {
  ArrayType* array = PG_GETARG_ARRAYTYPE_P(0);
  Datum* elems;
  bool* nulls;
  int n;
  deconstruct_array(array, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &n);
  std::vector<double> budgets;
  for (int i = 0; i < n; ++i) {
    if (nulls[i]) throw azora::Error(ERRCODE_NULL_VALUE_NOT_ALLOWED, "budgets must not be NULL");
    budgets.push_back(static_cast<double>(DatumGetInt64(elems[i])));
  }
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  CompareRun run = compare(budgets);
  azora::pg_call([fcinfo] { InitMaterializedSRF(fcinfo, 0); });
  for (const Comparison& c : run.rows) {
    const Comparison* r = &c;
    const CompareRun* all = &run;
    azora::pg_call([rsinfo, r, all] {
      Datum values[12] = {Int64GetDatum(static_cast<int64>(r->budget)),
                          Int32GetDatum(all->statements),
                          Float8GetDatum(r->no_index),
                          Float8GetDatum(r->advisor),
                          Float8GetDatum(r->single_column),
                          Float8GetDatum(r->dexter),
                          Int64GetDatum(static_cast<int64>(r->advisor_bytes)),
                          Int64GetDatum(static_cast<int64>(r->single_column_bytes)),
                          Int64GetDatum(static_cast<int64>(r->dexter_bytes)),
                          Int64GetDatum(all->plans),
                          Float8GetDatum(all->seconds),
                          Float8GetDatum(all->seconds > 0 ? all->plans / all->seconds : 0)};
      bool isnull[12] = {};
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, isnull);
    });
  }
  return (Datum)0;
}

AZORA_SQL_FUNCTION(azora_advisor_advise_indexes) {
  double budget = PG_ARGISNULL(0) ? std::numeric_limits<double>::infinity()
                                  : static_cast<double>(PG_GETARG_INT64(0));
  double min_improvement = PG_ARGISNULL(1) ? 0.10 : PG_GETARG_FLOAT8(1);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  std::vector<Row> rows = advise(budget, min_improvement);
  azora::pg_call([fcinfo] { InitMaterializedSRF(fcinfo, 0); });
  for (const Row& row : rows) {
    const Row* r = &row;
    azora::pg_call([rsinfo, r] {
      Datum* names = static_cast<Datum*>(palloc(sizeof(Datum) * r->columns.size()));
      for (size_t i = 0; i < r->columns.size(); ++i)
        names[i] = CStringGetTextDatum(r->columns[i].c_str());
      Datum* ids =
          static_cast<Datum*>(palloc(sizeof(Datum) * std::max<size_t>(1, r->queryids.size())));
      for (size_t i = 0; i < r->queryids.size(); ++i) ids[i] = Int64GetDatum(r->queryids[i]);
      // 1.1's definition declares the first 8 columns (the library serves both versions).
      int natts = rsinfo->setDesc->natts;
      Datum values[12] = {
          CStringGetTextDatum(r->ddl.c_str()),
          ObjectIdGetDatum(r->relid),
          PointerGetDatum(construct_array(names, static_cast<int>(r->columns.size()), TEXTOID, -1,
                                          false, TYPALIGN_INT)),
          Int64GetDatum(r->bytes),
          PointerGetDatum(construct_array(ids, static_cast<int>(r->queryids.size()), INT8OID, 8,
                                          FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)),
          Float8GetDatum(r->before),
          Float8GetDatum(r->after),
          Float8GetDatum(r->improvement),
          Float8GetDatum(r->maintenance_cost),
          BoolGetDatum(r->hot_update_loss),
          r->drop_ddl.empty() ? (Datum)0 : CStringGetTextDatum(r->drop_ddl.c_str()),
          r->cost_basis.empty() ? (Datum)0 : CStringGetTextDatum(r->cost_basis.c_str())};
      bool nulls[12] = {false,
                        false,
                        false,
                        false,
                        false,
                        false,
                        false,
                        false,
                        false,
                        false,
                        r->drop_ddl.empty(),
                        r->cost_basis.empty()};
      if (natts != 8 && natts != 12) elog(ERROR, "advise_indexes: unexpected result type");
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    });
  }
  return (Datum)0;
}
