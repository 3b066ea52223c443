// advisor/hypo_define.hpp — turns a CREATE INDEX statement into a hypothetical index record.
#pragma once

#include "advisor/hypo_store.hpp"

namespace azora::advisor {

// Parses and checks `ddl` (exactly one CREATE INDEX on a table the caller can SELECT from:
// btree, plain columns, INCLUDE, WHERE, ASC/DESC, NULLS FIRST/LAST, opclass, COLLATE,
// WITH (fillfactor, deduplicate_items)) and fills `out` except oid and the size estimate; its
// predicate and text are allocated in `context`. Reports bad input with ereport (SQLSTATE and
// hint), so call it through pg_call().
void define_hypo_index(const char* ddl, MemoryContext context, HypoIndex* out);

}  // namespace azora::advisor
