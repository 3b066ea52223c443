// advisor/advice_workload.hpp — the tracked workload as one advice call's selection sees it:
// the analysed statements (workload.hpp) and tracked writes (writes.hpp) read once, the
// selection's queries weighted by their measured time, and what each recommendation's
// statements were costed from (the cost_basis column).
#pragma once

#include "advisor/oracle.hpp"
#include "advisor/workload.hpp"
#include "advisor/writes.hpp"
#include "pg.hpp"
#include "pure/index_selection.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace azora::advisor {

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

// Reads the workload into two new memory contexts (defs, scratch) under the current one, with
// the summary NOTICE (workload.hpp, report_summary), or a NOTICE that there is none.
Workload load();

// What a recommendation's statements were planned from (the cost_basis column): "samples (n)"
// with the samples' total, "slowest call", "generic", joined with " + " when they differ.
std::string cost_basis(const Workload& w, const std::vector<int64_t>& statements);

// Selection queries with weights: measured total time over the cost without new indexes. Also
// sets the oracle's ms per cost unit: the workload's measured time over its planned cost,
// sum(total ms) / sum(calls x cost per call) over its statements.
std::vector<index_selection::Query> selection_queries(const Workload& w, WhatIfOracle& oracle,
                                                      ExistingIndexes* existing);

}  // namespace azora::advisor
