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

// Plans `query` (already analysed and rewritten) with the session's what-if indexes, as
// EXPLAIN would: its hypothetical indexes added, its hidden real indexes removed. The result
// must never be executed.
PlannedStmt* plan_what_if(Query* query, const char* text);

// Plans `query` for the advisor against the real catalog plus exactly the `n` candidate
// indexes in `items` (n may be 0: the real catalog alone). The session's hypothetical and
// hidden indexes play no part, so leftover hypo_create()/hypo_hide() state never changes the
// advice. `params` (or nullptr) are the call's values, bound as for a custom plan. Candidates'
// size estimates are refreshed in place. The result must never be executed.
PlannedStmt* plan_candidates(Query* query, const char* text, HypoIndex* const* items, int n,
                             ParamListInfo params);

}  // namespace azora::advisor
