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

#include "advisor/hypo_store.hpp"

namespace azora::advisor {

// Registers the advisor's callbacks with the hook dispatcher (from _PG_init).
void register_hooks();

// Plans `query` (already analysed and rewritten) with the what-if indexes, as EXPLAIN would.
// The result must never be executed. With `overlay` (n records), those indexes stand in for
// the session's hypothetical indexes during this call (the advisor's candidate sets); their
// size estimates are refreshed in place.
PlannedStmt* plan_what_if(Query* query, const char* text, HypoIndex* const* overlay = nullptr,
                          int n = -1);

}  // namespace azora::advisor
