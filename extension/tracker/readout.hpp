// readout.hpp — what the SQL functions show of an entry: who may see which texts, and the
// figures derived from the counters.
#pragma once

#include "pg.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {

// Whether the current user may read normalized texts and query ids of other users'
// statements: superusers and members of pg_read_all_stats, as for pg_stat_statements.
bool can_read_all_texts();

// The entry's normalized text may be shown to the current user.
bool text_visible(const Key& key, bool read_all);

// The slowest call's source text and plan hold the call's constants (literals), which
// pg_stat_statements never keeps: only superusers and the role that ran the statement see them
// (pg_read_all_stats does not suffice).
bool literals_visible(const Key& key);

constexpr const char* kHiddenText = "<insufficient privilege>";

// Estimated q-quantile of the entry's execution time (ms); false when it has no calls.
bool exec_quantile(const Counters& c, double q, double* out);

}  // namespace azora::tracker
