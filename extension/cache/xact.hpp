// xact.hpp — the writer's side of the cache's consistency protocol: which relations this
// transaction wrote, and the generation bumps at commit (pure/cache_generations.hpp).
//
// The callbacks below are plain PostgreSQL code that owns no C++ object; hooks.cpp registers them
// with the hook dispatcher (extension/hooks/):
//   executor_start  -> on_executor_start   (every level: triggers, FK cascades, functions)
//   utility_start   -> on_utility          (COPY FROM, TRUNCATE, ALTER/DROP, REFRESH ...)
//   xact_event      -> on_xact_event       (PRE_COMMIT opens the window, ABORT closes it)
//   resource release -> on_resource_release (closes a committed DDL's, after its invalidations)
#pragma once

#include "pg.hpp"

namespace azora::cache {

// Notes that this transaction changed relid (and its partition ancestors).
void note_written(Oid relid, bool ddl);
void on_executor_start(QueryDesc* query_desc, int eflags);
void on_utility(PlannedStmt* pstmt);
void on_xact_event(XactEvent event);
// Closes a DDL commit's window after its catalog invalidations were sent; registered with
// RegisterResourceReleaseCallback by on_xact_event the first time this backend commits DDL.
void on_resource_release(ResourceReleasePhase phase, bool is_commit, bool is_top_level, void*);

// Whether this transaction wrote one of these relations (then it must bypass the cache: the
// shared entry cannot hold its own uncommitted rows).
bool wrote_any(const uint32* gen_slots, int n);

}  // namespace azora::cache
