// plan_capture.hpp — keeps the plan of a statement's slowest call: its EXPLAIN text (no
// ANALYZE, so no per-node instrumentation) and the call's own source text.
#pragma once

#include "pg_c.hpp"

namespace azora::tracker {

// From ExecutorEnd, before the plan state is freed, for a call that beat the statement's max.
void capture_plan(QueryDesc* desc, uint64 queryid, bool toplevel, double exec_ms);

}  // namespace azora::tracker
