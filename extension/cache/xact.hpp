// xact.hpp — the writer's side of the cache's consistency protocol: which relations this
// transaction wrote, and the generation bumps at commit (pure/cache_generations.hpp).
//
// The callbacks below are plain functions that raise no C++ exception; they are meant to be
// registered with the hook dispatcher (extension/hooks/, owned by the lead):
//   ExecutorStart            -> on_executor_start   (every level: triggers, FK cascades, functions)
//   ProcessUtility (start)   -> on_utility          (COPY FROM, TRUNCATE, ALTER/DROP, REFRESH ...)
//   transaction callback     -> on_xact_event
// TODO(dispatcher): register them in cache::init() once extension/hooks/dispatcher.hpp exists;
// until then no write invalidates a cached result (only TTLs and explicit invalidation do).
#pragma once

#include "pg.hpp"

namespace azora::cache {

// Notes that this transaction changed relid (and its partition ancestors).
void note_written(Oid relid, bool ddl);
void on_executor_start(QueryDesc* query_desc);
void on_utility(PlannedStmt* pstmt);
void on_xact_event(XactEvent event);

// Whether this transaction wrote one of these relations (then it must bypass the cache: the
// shared entry cannot hold its own uncommitted rows).
bool wrote_any(const uint32* gen_slots, int n);

}  // namespace azora::cache
