// advisor/candidates.hpp — the multi-column candidates of a statement (composites, covering
// variants, extensions of existing indexes) and its OR groups, beyond the single-column
// candidates the selection derives itself (pure/index_selection.hpp).
#pragma once

#include "advisor/oracle.hpp"
#include "advisor/workload.hpp"
#include "pure/index_selection.hpp"

#include <vector>

namespace azora::advisor {

// Per table of the statement: its equality columns, then its first range or sort column (and a
// covering variant with the other columns it reads); the mixed-direction ORDER BY composite;
// and existing indexes extended by the statement's other key columns.
std::vector<index_selection::Index> composites(const WorkloadQuery& wq, ExistingIndexes* existing);

// One index per arm of each OR of the statement whose arms all have a condition on one table
// (workload.hpp, OrArms): tried together, since a BitmapOr needs all of them.
std::vector<std::vector<index_selection::Index>> or_groups(const WorkloadQuery& wq);

}  // namespace azora::advisor
