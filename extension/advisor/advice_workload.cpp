// advisor/advice_workload.cpp — the workload of one advice call (advice_workload.hpp).
#include "advisor/advice_workload.hpp"

#include "advisor/candidates.hpp"
#include "boundary.hpp"

#include <set>

namespace azora::advisor {

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

}  // namespace azora::advisor
