// advisor/advisor.hpp — the index advisor's entry point (docs/extension/advisor.md): what-if
// planning with session-local hypothetical btree indexes (hypo_store, hypo_define, what_if,
// size_estimate, sql_hypo).
#pragma once

namespace azora::advisor {

// From _PG_init: defines its settings (azora_opt.advisor_*, workload.hpp) and registers the
// advisor's planner, EXPLAIN, utility and transaction callbacks with the hook dispatcher.
void init();

}  // namespace azora::advisor
