// advisor/size_estimate.hpp — a hypothetical index's pages, tree height and bytes, from the
// planner statistics of its table (pg_class, pg_statistic, pg_type) and the pure btree size
// model (extension/pure/btree_size.hpp).
#pragma once

#include "advisor/hypo_store.hpp"

namespace azora::advisor {

// Re-estimates `h` for a table of `table_tuples` rows of which `fraction` pass its predicate,
// filling pages, tree_height and index_tuples. Reads the catalogs (may ereport), then runs the
// model inside guarded(): safe to call from a planner hook.
void estimate(HypoIndex* h, double table_tuples, double fraction);

// For an index on a partitioned table: the sum over its leaf partitions of the index
// CREATE INDEX would build on each (pages and tuples summed, the tallest tree's height), each
// estimated from that partition's own statistics.
void estimate_partitioned(HypoIndex* h);

// The table's current row estimate, as the planner computes it (estimate_rel_size).
double table_tuples(Oid relid);

}  // namespace azora::advisor
