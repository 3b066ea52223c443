// advisor/plan_cost.cpp — one statement's cost with a configuration, over its samples
// (plan_cost.hpp).
#include "advisor/plan_cost.hpp"

#include "advisor/probe.hpp"
#include "advisor/what_if.hpp"

namespace azora::advisor {
namespace {

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

}  // namespace

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

}  // namespace azora::advisor
