// snapshot.hpp — consistent copies of entries for the SQL functions, and who may see what.
#pragma once

#include "pg.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {

// A copy of one entry's counters and plan header, taken under its spinlock.
struct EntryCopy {
  Key key;
  Counters counters;
  PlanInfo plan;
};

void copy_entry(Entry* e, EntryCopy* out);

// Whether the current user may read texts and plans of other users' statements: superusers
// and members of pg_read_all_stats, as for pg_stat_statements.
bool can_read_all_texts();

// The entry's text may be shown to the current user.
bool text_visible(const Key& key, bool read_all);

constexpr const char* kHiddenText = "<insufficient privilege>";

// Estimated q-quantile of the entry's execution time (ms); false when it has no calls.
bool exec_quantile(const Counters& c, double q, double* out);

}  // namespace azora::tracker
