// advisor/index_ddl.hpp — the CREATE INDEX statement of a candidate index: the text the
// advice returns and the definition what-if planning builds the hypothetical index from.
#pragma once

#include "pg.hpp"
#include "pure/index_selection.hpp"

namespace azora::advisor {

// "CREATE INDEX [CONCURRENTLY] ON schema.table (a, b DESC NULLS LAST) [INCLUDE (c)]",
// identifiers quoted. Never CONCURRENTLY on a partitioned table: PostgreSQL 15 refuses it
// there (the plain statement builds the index on every partition, blocking writes meanwhile).
// Palloc'd in the current memory context.
char* index_ddl(const index_selection::Index& index, bool concurrently);

}  // namespace azora::advisor
