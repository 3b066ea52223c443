// advisor/hypo_define.hpp — turns a CREATE INDEX statement into a hypothetical index record.
#pragma once

#include "advisor/hypo_store.hpp"

namespace azora::advisor {

// Parses and checks `ddl` (exactly one CREATE INDEX on a table the caller can SELECT from:
// btree, plain columns, INCLUDE, WHERE, ASC/DESC, NULLS FIRST/LAST, opclass, COLLATE,
// WITH (fillfactor, deduplicate_items)) and fills `out` except oid and the size estimate; its
// predicate and text are allocated in `context`. Reports bad input with ereport (SQLSTATE and
// hint), so call it through pg_call(). Without `check_select` the caller's SELECT privilege is
// not required: the advisor defines candidates for statements their own roles could run.
void define_hypo_index(const char* ddl, MemoryContext context, HypoIndex* out,
                       bool check_select = true);

// A hypothetical index on a partitioned table as CREATE INDEX would create it on one of its
// partitions: the same definition with the partition's column numbers (matched by name, since
// a partition's columns may be numbered differently) and no size estimate yet. False when a
// column is missing there. Partial indexes on partitioned tables are refused by
// define_hypo_index, so there is no predicate to translate.
bool on_partition(const HypoIndex& parent, Oid partition, HypoIndex* out);

}  // namespace azora::advisor
