// hooks.cpp — the tracker's hooks (see hooks.hpp).
//
// Hot path: every hook body is plain code over stack structs; the only allocation is the
// executor's totaltime Instrumentation (in the query's memory context, as pg_stat_statements
// does) and, rarely, an EXPLAIN text when a call is the slowest seen for its statement.
// Nesting depth is kept in PG_FINALLY blocks so an error never leaves it off by one; these
// frames own no C++ resources, so PostgreSQL's longjmp may pass through them.
#include "tracker/hooks.hpp"

#include "boundary.hpp"
#include "tracker/plan_capture.hpp"
#include "tracker/settings.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {
namespace {

post_parse_analyze_hook_type prev_post_parse_analyze = nullptr;
planner_hook_type prev_planner = nullptr;
ExecutorStart_hook_type prev_executor_start = nullptr;
ExecutorRun_hook_type prev_executor_run = nullptr;
ExecutorFinish_hook_type prev_executor_finish = nullptr;
ExecutorEnd_hook_type prev_executor_end = nullptr;
ProcessUtility_hook_type prev_process_utility = nullptr;

int exec_nesting = 0;  // executor and utility depth in this backend
int plan_nesting = 0;  // planner depth (planning can nest through SQL functions)

// Parallel workers report nothing: the leader's totaltime already includes their buffers.
bool enabled(int level) {
  return !IsParallelWorker() && (track == kTrackAll || (track == kTrackTop && level == 0));
}

// PREPARE, EXECUTE and DEALLOCATE are not counted as utilities: the statement they prepare or
// run is counted by the executor hooks instead, as if the client had sent it directly.
bool counted_utility(Node* stmt) {
  return !IsA(stmt, ExecuteStmt) && !IsA(stmt, PrepareStmt) && !IsA(stmt, DeallocateStmt);
}

void on_post_parse_analyze(ParseState* pstate, Query* query, JumbleState* jstate) {
  if (prev_post_parse_analyze != nullptr) prev_post_parse_analyze(pstate, query, jstate);
  if (!ready() || !enabled(exec_nesting) || query->utilityStmt != nullptr) return;
  // Only statements with constants need their text normalized before the first execution
  // shows the real text; the rest get their (constant-free) text when first counted.
  if (jstate == nullptr || jstate->clocations_count == 0) return;
  guarded("azora_opt post_parse_analyze hook", [&] {
    record(pstate->p_sourcetext, query->stmt_location, query->stmt_len, query->queryId,
           exec_nesting == 0, Kind::kParse, Call{}, jstate);
  });
}

PlannedStmt* call_planner(Query* parse, const char* text, int options, ParamListInfo params) {
  if (prev_planner != nullptr) return prev_planner(parse, text, options, params);
  return standard_planner(parse, text, options, params);
}

PlannedStmt* on_planner(Query* parse, const char* text, int options, ParamListInfo params) {
  if (!track_planning || !ready() || !enabled(plan_nesting + exec_nesting) || text == nullptr ||
      parse->queryId == UINT64CONST(0)) {
    return call_planner(parse, text, options, params);
  }
  instr_time start;
  instr_time duration;
  PlannedStmt* volatile result = nullptr;
  INSTR_TIME_SET_CURRENT(start);
  plan_nesting++;
  PG_TRY();
  { result = call_planner(parse, text, options, params); }
  PG_FINALLY();
  { plan_nesting--; }
  PG_END_TRY();
  INSTR_TIME_SET_CURRENT(duration);
  INSTR_TIME_SUBTRACT(duration, start);
  Call call;
  call.ms = INSTR_TIME_GET_MILLISEC(duration);
  guarded("azora_opt planner hook", [&] {
    record(text, parse->stmt_location, parse->stmt_len, parse->queryId, exec_nesting == 0,
           Kind::kPlan, call, nullptr);
  });
  return result;
}

void on_executor_start(QueryDesc* desc, int eflags) {
  if (prev_executor_start != nullptr) {
    prev_executor_start(desc, eflags);
  } else {
    standard_ExecutorStart(desc, eflags);
  }
  if (!ready() || !enabled(exec_nesting) || desc->plannedstmt->queryId == UINT64CONST(0)) return;
  // Whole-query totals only (time and buffers), never per-node instrumentation.
  if (desc->totaltime == nullptr) {
    MemoryContext old = MemoryContextSwitchTo(desc->estate->es_query_cxt);
    desc->totaltime = InstrAlloc(1, INSTRUMENT_ALL, false);
    MemoryContextSwitchTo(old);
  }
}

void on_executor_run(QueryDesc* desc, ScanDirection direction, uint64 count, bool execute_once) {
  exec_nesting++;
  PG_TRY();
  {
    if (prev_executor_run != nullptr) {
      prev_executor_run(desc, direction, count, execute_once);
    } else {
      standard_ExecutorRun(desc, direction, count, execute_once);
    }
  }
  PG_FINALLY();
  { exec_nesting--; }
  PG_END_TRY();
}

void on_executor_finish(QueryDesc* desc) {
  exec_nesting++;
  PG_TRY();
  {
    if (prev_executor_finish != nullptr) {
      prev_executor_finish(desc);
    } else {
      standard_ExecutorFinish(desc);
    }
  }
  PG_FINALLY();
  { exec_nesting--; }
  PG_END_TRY();
}

void on_executor_end(QueryDesc* desc) {
  uint64 queryid = desc->plannedstmt->queryId;
  if (queryid != UINT64CONST(0) && desc->totaltime != nullptr && ready() && enabled(exec_nesting)) {
    // Finish the totals (as EXPLAIN ANALYZE would) before reading them.
    InstrEndLoop(desc->totaltime);
    Call call;
    call.ms = desc->totaltime->total * 1000.0;
    call.rows = desc->estate->es_processed;
    call.buffers = &desc->totaltime->bufusage;
    bool toplevel = exec_nesting == 0;
    guarded("azora_opt ExecutorEnd hook", [&] {
      bool slowest =
          record(desc->sourceText, desc->plannedstmt->stmt_location, desc->plannedstmt->stmt_len,
                 queryid, toplevel, Kind::kExec, call, nullptr);
      if (slowest && capture_plans) capture_plan(desc, queryid, toplevel, call.ms);
    });
  }
  if (prev_executor_end != nullptr) {
    prev_executor_end(desc);
  } else {
    standard_ExecutorEnd(desc);
  }
}

void call_utility(PlannedStmt* pstmt, const char* text, bool read_only_tree,
                  ProcessUtilityContext context, ParamListInfo params, QueryEnvironment* env,
                  DestReceiver* dest, QueryCompletion* qc) {
  if (prev_process_utility != nullptr) {
    prev_process_utility(pstmt, text, read_only_tree, context, params, env, dest, qc);
  } else {
    standard_ProcessUtility(pstmt, text, read_only_tree, context, params, env, dest, qc);
  }
}

// Runs the utility one level deeper, so statements it runs (DO, CALL, CREATE TABLE AS, ...)
// count as nested.
void call_utility_nested(PlannedStmt* pstmt, const char* text, bool read_only_tree,
                         ProcessUtilityContext context, ParamListInfo params, QueryEnvironment* env,
                         DestReceiver* dest, QueryCompletion* qc) {
  exec_nesting++;
  PG_TRY();
  { call_utility(pstmt, text, read_only_tree, context, params, env, dest, qc); }
  PG_FINALLY();
  { exec_nesting--; }
  PG_END_TRY();
}

void on_process_utility(PlannedStmt* pstmt, const char* text, bool read_only_tree,
                        ProcessUtilityContext context, ParamListInfo params, QueryEnvironment* env,
                        DestReceiver* dest, QueryCompletion* qc) {
  Node* stmt = pstmt->utilityStmt;
  if (!counted_utility(stmt)) {
    call_utility(pstmt, text, read_only_tree, context, params, env, dest, qc);
    return;
  }
  uint64 queryid = pstmt->queryId;
  int location = pstmt->stmt_location;
  int length = pstmt->stmt_len;
  if (!track_utility || !ready() || !enabled(exec_nesting) || queryid == UINT64CONST(0)) {
    call_utility_nested(pstmt, text, read_only_tree, context, params, env, dest, qc);
    return;
  }
  // The utility is measured here as a whole: an optimizable statement inside it (EXPLAIN
  // ANALYZE, CREATE TABLE AS) must not be counted again under the utility's queryid.
  pstmt->queryId = UINT64CONST(0);
  BufferUsage buffers_before = pgBufferUsage;
  instr_time start;
  instr_time duration;
  INSTR_TIME_SET_CURRENT(start);
  // Restored even on error: the statement may be cached (in a PL/pgSQL function) and run again.
  PG_TRY();
  { call_utility_nested(pstmt, text, read_only_tree, context, params, env, dest, qc); }
  PG_FINALLY();
  { pstmt->queryId = queryid; }
  PG_END_TRY();
  INSTR_TIME_SET_CURRENT(duration);
  INSTR_TIME_SUBTRACT(duration, start);

  BufferUsage buffers;
  memset(&buffers, 0, sizeof buffers);
  BufferUsageAccumDiff(&buffers, &pgBufferUsage, &buffers_before);
  Call call;
  call.ms = INSTR_TIME_GET_MILLISEC(duration);
  call.buffers = &buffers;
  if (qc != nullptr &&
      (qc->commandTag == CMDTAG_COPY || qc->commandTag == CMDTAG_FETCH ||
       qc->commandTag == CMDTAG_SELECT || qc->commandTag == CMDTAG_REFRESH_MATERIALIZED_VIEW)) {
    call.rows = qc->nprocessed;
  }
  guarded("azora_opt ProcessUtility hook", [&] {
    record(text, location, length, queryid, exec_nesting == 0, Kind::kExec, call, nullptr);
  });
}

}  // namespace

void install_hooks() {
  prev_post_parse_analyze = post_parse_analyze_hook;
  post_parse_analyze_hook = on_post_parse_analyze;
  prev_planner = planner_hook;
  planner_hook = on_planner;
  prev_executor_start = ExecutorStart_hook;
  ExecutorStart_hook = on_executor_start;
  prev_executor_run = ExecutorRun_hook;
  ExecutorRun_hook = on_executor_run;
  prev_executor_finish = ExecutorFinish_hook;
  ExecutorFinish_hook = on_executor_finish;
  prev_executor_end = ExecutorEnd_hook;
  ExecutorEnd_hook = on_executor_end;
  prev_process_utility = ProcessUtility_hook;
  ProcessUtility_hook = on_process_utility;
}

}  // namespace azora::tracker
