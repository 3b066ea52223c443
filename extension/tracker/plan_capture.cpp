// plan_capture.cpp — EXPLAIN text of a finished call's plan tree (see plan_capture.hpp).
//
// The statement has already succeeded when its plan is rendered, and rendering can still fail
// (catalog lookups, a type's output function, memory). So the rendering runs in an internal
// subtransaction, like a PL/pgSQL exception block: a failure is rolled back, logged and counted,
// and the user's statement goes on as if nothing happened. PostgreSQL allows no subtransaction in
// parallel mode: a leader ending a parallel plan is still in it, although its workers are gone
// once the plan ran to completion. So when no parallel context is active any more, the capture
// leaves parallel mode for its subtransaction and re-enters it afterwards; while workers may
// still run (a cursor closed early) it is skipped and counted. This frame owns no C++
// objects: PostgreSQL's errors longjmp through it.
#include "tracker/plan_capture.hpp"

#include "tracker/settings.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {
namespace {

void render_and_store(QueryDesc* desc, uint64 queryid, bool toplevel, double exec_ms) {
  if (debug_plan_capture_error)
    ereport(ERROR,
            (errcode(ERRCODE_INTERNAL_ERROR), errmsg("azora_opt.debug_plan_capture_error is on")));
  // A private context: the EXPLAIN machinery allocates freely and all of it goes at once.
  MemoryContext context =
      AllocSetContextCreate(CurrentMemoryContext, "azora_opt plan capture", ALLOCSET_SMALL_SIZES);
  MemoryContext old = MemoryContextSwitchTo(context);
  ExplainState* es = NewExplainState();
  es->format = EXPLAIN_FORMAT_TEXT;
  es->costs = true;
  ExplainBeginOutput(es);
  ExplainPrintPlan(es, desc);
  ExplainEndOutput(es);
  StringInfo plan = es->str;
  while (plan->len > 0 && plan->data[plan->len - 1] == '\n') plan->data[--plan->len] = '\0';

  int location = desc->plannedstmt->stmt_location;
  int length = desc->plannedstmt->stmt_len;
  const char* source = "";
  if (desc->sourceText != nullptr) {
    source = CleanQuerytext(desc->sourceText, &location, &length);
  } else {
    length = 0;
  }
  store_plan(queryid, toplevel, exec_ms, source, length, plan->data, plan->len);
  MemoryContextSwitchTo(old);
  MemoryContextDelete(context);
}

}  // namespace

void capture_plan(QueryDesc* desc, uint64 queryid, bool toplevel, double exec_ms) {
  if (!IsTransactionState() || (IsInParallelMode() && ParallelContextActive())) {
    count_capture(CaptureOutcome::kSkipped);
    return;
  }
  bool left_parallel_mode = false;
  if (IsInParallelMode()) {
    ExitParallelMode();
    left_parallel_mode = true;
    if (IsInParallelMode()) {  // nested parallel mode: not ours to leave
      EnterParallelMode();
      count_capture(CaptureOutcome::kSkipped);
      return;
    }
  }
  MemoryContext caller_context = CurrentMemoryContext;
  ResourceOwner caller_owner = CurrentResourceOwner;
  BeginInternalSubTransaction(nullptr);
  MemoryContextSwitchTo(caller_context);
  PG_TRY();
  {
    render_and_store(desc, queryid, toplevel, exec_ms);
    ReleaseCurrentSubTransaction();
    MemoryContextSwitchTo(caller_context);
    CurrentResourceOwner = caller_owner;
    count_capture(CaptureOutcome::kStored);
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(caller_context);
    ErrorData* error = CopyErrorData();
    FlushErrorState();
    RollbackAndReleaseCurrentSubTransaction();
    MemoryContextSwitchTo(caller_context);
    CurrentResourceOwner = caller_owner;
    count_capture(CaptureOutcome::kFailed);
    ereport(LOG, (errmsg("azora_opt: could not capture the plan of query " INT64_FORMAT ": %s",
                         static_cast<int64>(queryid), error->message),
                  errhidestmt(true)));
    FreeErrorData(error);
  }
  PG_END_TRY();
  if (left_parallel_mode) EnterParallelMode();
}

}  // namespace azora::tracker
