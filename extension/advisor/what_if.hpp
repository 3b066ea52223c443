// advisor/what_if.hpp — puts hypothetical indexes in front of the planner, and only when it
// is safe: while a plain EXPLAIN (no ANALYZE, not EXECUTE) plans its statement, or while the
// advisor itself plans a statement it will never run.
//
// "Armed" means: the planner call at nesting level armed_level() (hooks::level() inside
// standard_planner) gets the session's hypothetical indexes added to each table's index list
// (IndexOptInfo with hypothetical = true, so nothing ever opens them) and the hidden real
// indexes removed. Only that planner call: statements that planning itself runs (a function
// evaluated while folding constants) sit deeper and see the real catalog, so nothing executes
// with an index that does not exist. Disarmed when the EXPLAIN finishes, and on any
// (sub)transaction abort.
#pragma once

#include "pg.hpp"

namespace azora::advisor {

// Registers the advisor's callbacks with the hook dispatcher (from _PG_init).
void register_hooks();

// Plans `query` (already analysed and rewritten) with the what-if indexes, as EXPLAIN would.
// The result must never be executed.
PlannedStmt* plan_what_if(Query* query, const char* text);

}  // namespace azora::advisor
