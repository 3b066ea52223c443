// advisor/advise.cpp — the driver of one azora_opt.advise_indexes() call (advise.hpp): the
// tracked workload (advice_workload.hpp), costed by what-if planning (oracle.hpp) with
// candidate indexes sized by the btree model, chosen by the budgeted greedy search
// (pure/index_selection.hpp), turned into result rows.
//
// Weighting: each statement counts with its measured total time (calls x mean time) rescaled
// by the planner: weight = total_ms / cost without new indexes, so the workload cost before is
// the measured time in ms and after is that time as the planner expects it with the indexes.
// Writes: each candidate's upkeep (writes.hpp, planner cost units) is converted to ms with the
// workload's ms per cost unit, so the selection weighs benefit - maintenance in one unit.
#include "advisor/advise.hpp"

#include "advisor/advice_workload.hpp"
#include "advisor/existing_indexes.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/oracle.hpp"
#include "boundary.hpp"
#include "pure/index_selection.hpp"

#include <sys/resource.h>
#include <time.h>

#include <set>

namespace azora::advisor {
namespace {

namespace sel = index_selection;

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

}  // namespace

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
  pg_call([&clock, &oracle, base_plans, &w, &result] {
    ereport(DEBUG1,
            (errmsg("index advisor: %d statements; load %.2f s (CPU %.2f s), base costs %.2f s "
                    "(CPU %.2f s, %lld costings), selection %.2f s (CPU %.2f s, %d steps, %lld "
                    "candidates costed, %d full passes, workload cost %.6g -> %.6g); %lld "
                    "costings, %lld planner calls, %lld "
                    "probes, %lld saved by can_matter; %zu memo entries (%zu kB, %lld "
                    "turnovers; the selection's: %lld turnovers); %zu bytes in the "
                    "advice's contexts",
                    w.count, clock.load.wall, clock.load.cpu, clock.base.wall, clock.base.cpu,
                    static_cast<long long>(base_plans), clock.select.wall, clock.select.cpu,
                    result.steps, static_cast<long long>(result.evaluations), result.full_passes,
                    result.workload_cost_before, result.workload_cost_after,
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

}  // namespace azora::advisor
