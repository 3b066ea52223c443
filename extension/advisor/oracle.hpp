// advisor/oracle.hpp — what-if planning as the selection's cost oracle
// (index_selection::CostOracle): candidates defined once each as hypothetical indexes and
// sized by the btree model, each statement's cost memoised per configuration, the upkeep the
// tracked writes would pay, and the existing indexes a candidate makes redundant.
#pragma once

#include "advisor/existing_indexes.hpp"
#include "advisor/hypo_store.hpp"
#include "advisor/workload.hpp"
#include "advisor/writes.hpp"
#include "pg.hpp"
#include "pure/index_selection.hpp"

#include <map>
#include <string>
#include <vector>

namespace azora::advisor {

namespace sel = index_selection;

// The droppable existing indexes per table (existing_indexes.hpp), read once per call.
class ExistingIndexes {
 public:
  const std::vector<ExistingIndex>& of(Oid relid);

  // Whether `e`'s keys (with their declaration) are a leading prefix of `ix`'s and its INCLUDE
  // columns are among `ix`'s columns: then `ix` serves every scan `e` serves.
  static bool prefix_of(const ExistingIndex& e, const sel::Index& ix);

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

  double maintenance(const sel::Index& ix) override;

  std::vector<sel::Existing> redundant(const sel::Index& ix) override;

  // Whether `ix` can change the statement's plan. Not when the statement reads (by what the
  // walk saw: WorkloadQuery::opaque_reads) some column of its table but none of its columns:
  // then no clause or join clause matches a key, no ORDER BY, GROUP BY or merge join order is
  // over it, and it does not cover the statement's columns, which is every way the planner
  // builds an index path (a statement that reads no column of the table, count(*), could use
  // any index for an index-only scan).
  static bool can_matter(const WorkloadQuery& wq, const sel::Index& ix);

  // Whether tracked UPDATEs that are HOT today would lose HOT with `ix` (after maintenance()).
  bool hot_update_loss(const sel::Index& ix) const;

  double cost(const sel::Query& q, const std::vector<sel::Index>& indexes) override;

  double plan(const sel::Query& q, const std::vector<sel::Index>& indexes);

  double size_bytes(const sel::Index& ix) override;

  int64 plans() const { return plans_; }
  int64 planner_calls() const { return planned_; }
  int64 probes() const { return probes_; }
  size_t memo_entries() const { return costs_.entries(); }
  size_t memo_bytes() const { return costs_.bytes(); }
  int64 memo_turnovers() const { return costs_.turnovers(); }
  int64 narrowed_hits() const { return narrowed_hits_; }

 private:
  static void estimate_job(void* arg);

  struct DefineJob {
    const char* ddl;
    MemoryContext defs;
    HypoIndex* out;
  };

  static void define_job(void* arg);

  HypoIndex* hypo(const sel::Index& ix);

  // A reserved OID no relation has (hypo_store.hpp's range), the k-th of this call's pool. The
  // session's own hypothetical indexes may use the same ones: they take no part in the
  // advisor's planning.
  Oid pool_oid(size_t k);

  // The tracked writes' upkeep of an index (writes.hpp), in ms.
  double upkeep(const HypoIndex& h, bool* hot_loss);

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

}  // namespace azora::advisor
