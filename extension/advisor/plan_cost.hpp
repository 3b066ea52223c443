// advisor/plan_cost.hpp — the planner's cost of one tracked statement with a configuration of
// candidate indexes: the call-weighted mean over its samples, each planned as the statement's
// role in a rolled-back probe (probe.hpp).
#pragma once

#include "advisor/hypo_store.hpp"
#include "advisor/workload.hpp"
#include "pg.hpp"

namespace azora::advisor {

// The planner's total cost of one statement with `n` candidate indexes: the mean over its
// samples (a uniform sample of its calls, so the mean is the call-weighted cost of one call).
// The samples are planned as the statement's role in rolled-back probes, one per distinct
// search_path, which release their locks; all planner memory (in `scratch`) is freed before
// returning. Adds the planner calls to *planned and the probes to *probes. A statement that
// no longer plans raises 55000.
double plan_cost(const WorkloadQuery* wq, HypoIndex* const* items, int n, MemoryContext scratch,
                 int64* planned, int64* probes);

}  // namespace azora::advisor
