// hooks.cpp — the tracker's callbacks in the hook dispatcher (see hooks.hpp).
//
// Hot path: every callback is plain code over stack structs; the only allocation is the
// executor's totaltime Instrumentation (in the query's memory context, as pg_stat_statements
// does) and, rarely, an EXPLAIN text when a slow call is the slowest seen for its statement.
// The nesting level is the dispatcher's (hooks::level()).
#include "tracker/hooks.hpp"

#include "boundary.hpp"
#include "hooks/dispatcher.hpp"
#include "tracker/plan_capture.hpp"
#include "tracker/sampling.hpp"
#include "tracker/settings.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {
namespace {

// Parallel workers report nothing: the leader's totaltime already includes their buffers.
bool enabled(int level) {
  return !IsParallelWorker() && (track == kTrackAll || (track == kTrackTop && level == 0));
}

// PREPARE, EXECUTE and DEALLOCATE are not counted as utilities: the statement they prepare or
// run is counted by the executor callbacks instead, as if the client had sent it directly.
bool counted_utility(NodeTag tag) {
  return tag != T_ExecuteStmt && tag != T_PrepareStmt && tag != T_DeallocateStmt;
}

void on_post_parse_analyze(ParseState* pstate, Query* query, JumbleState* jstate) {
  // Utilities first: they are counted by on_utility_done (cheapest test first, as SET and the
  // like come through here at every call).
  if (query->utilityStmt != nullptr) return;
  int level = hooks::level();
  if (!ready() || !enabled(level)) return;
  // Only statements with constants need their text normalized before the first execution
  // shows the real text; the rest get their (constant-free) text when first counted.
  if (jstate == nullptr || jstate->clocations_count == 0) return;
  bool sampled = sampling();
  int due_constants = -1;
  // A statement this backend ran before (nearly every call): no entry to create.
  if (!known_at_parse(query->queryId, level == 0, sampled ? &due_constants : nullptr)) {
    guarded("azora_opt post_parse_analyze hook", [&] {
      record(pstate->p_sourcetext, query->stmt_location, query->stmt_len, query->queryId,
             level == 0, Kind::kParse, Call{}, jstate, nullptr, sampled ? &due_constants : nullptr);
    });
  }
  // The reservoir's verdict for this call, and where its constants are if it is to be sampled
  // (sampling.hpp). Always noted: no earlier parse's locations may be taken for this call's.
  if (sampled) note_parse(pstate->p_sourcetext, query, jstate, level, due_constants);
}

bool planner_timed(Query* parse, const char* text) {
  return track_planning && ready() && enabled(hooks::level()) && text != nullptr &&
         parse->queryId != UINT64CONST(0);
}

void on_planner_done(Query* parse, const char* text, PlannedStmt*, double ms) {
  Call call;
  call.ms = ms;
  bool toplevel = hooks::level() == 0;
  guarded("azora_opt planner hook", [&] {
    record(text, parse->stmt_location, parse->stmt_len, parse->queryId, toplevel, Kind::kPlan, call,
           nullptr);
  });
}

void on_executor_start(QueryDesc* desc, int) {
  if (!ready() || !enabled(hooks::level()) || desc->plannedstmt->queryId == UINT64CONST(0)) return;
  // Whole-query totals only (time and buffers), never per-node instrumentation.
  if (desc->totaltime == nullptr) {
    MemoryContext old = MemoryContextSwitchTo(desc->estate->es_query_cxt);
    // Time and buffers: the entry keeps no WAL figures, so none are accumulated.
    desc->totaltime = InstrAlloc(1, INSTRUMENT_TIMER | INSTRUMENT_BUFFERS, false);
    MemoryContextSwitchTo(old);
  }
}

void on_executor_end(QueryDesc* desc) {
  uint64 queryid = desc->plannedstmt->queryId;
  int level = hooks::level();
  if (queryid == UINT64CONST(0) || desc->totaltime == nullptr || !ready() || !enabled(level))
    return;
  // Finish the totals (as EXPLAIN ANALYZE would) before reading them.
  InstrEndLoop(desc->totaltime);
  Call call;
  call.ms = desc->totaltime->total * 1000.0;
  call.rows = desc->estate->es_processed;
  call.buffers = &desc->totaltime->bufusage;
  bool toplevel = level == 0;
  // The sample is built before the call is recorded, only when the reservoir's next turn is
  // (probably) this call's, so that record() stores it under the lock it takes anyway. Outside
  // guarded(): plain C-style code calling type output functions (sampling.hpp).
  SampleOffer offer;
  // PL/pgSQL variables (fetched on demand) are not a client's values: such calls are never
  // sampled, so they skip the reservoir altogether (its turn goes to a later client call).
  bool sampled = sampling() && (desc->params == nullptr || desc->params->paramFetch == nullptr);
  if (sampled) {
    int constants = parse_verdict(desc, queryid, level);
    if (constants == -2) constants = sample_due(queryid, toplevel);
    if (constants >= 0) build_sample(desc, queryid, level, constants, &offer);
  }
  bool slowest = guarded("azora_opt ExecutorEnd hook", [&] {
    return record(desc->sourceText, desc->plannedstmt->stmt_location, desc->plannedstmt->stmt_len,
                  queryid, toplevel, Kind::kExec, call, nullptr, sampled ? &offer : nullptr);
  });
  if (offer.record != nullptr) release_sample();
  // Outside guarded(): the capture runs PostgreSQL code in its own subtransaction.
  if (slowest && capture_plans && call.ms >= effective_plan_min_ms())
    capture_plan(desc, queryid, toplevel, call.ms);
}

void on_utility_done(const hooks::UtilityDone& done) {
  if (!counted_utility(done.tag) || !track_utility || !ready() || !enabled(done.level) ||
      done.queryid == UINT64CONST(0))
    return;
  Call call;
  call.ms = done.ms;
  call.buffers = &done.buffers;
  const QueryCompletion* qc = done.qc;
  if (qc != nullptr &&
      (qc->commandTag == CMDTAG_COPY || qc->commandTag == CMDTAG_FETCH ||
       qc->commandTag == CMDTAG_SELECT || qc->commandTag == CMDTAG_REFRESH_MATERIALIZED_VIEW)) {
    call.rows = qc->nprocessed;
  }
  guarded("azora_opt ProcessUtility hook", [&] {
    record(done.text, done.stmt_location, done.stmt_len, done.queryid, done.level == 0, Kind::kExec,
           call, nullptr);
  });
}

const hooks::Feature kFeature = [] {
  hooks::Feature f{};
  f.name = "tracker";
  f.post_parse_analyze = on_post_parse_analyze;
  f.planner_timed = planner_timed;
  f.planner_done = on_planner_done;
  f.executor_start = on_executor_start;
  f.executor_end = on_executor_end;
  f.utility_done = on_utility_done;
  return f;
}();

}  // namespace

void register_hooks() {
  hooks::register_feature(&kFeature);
}

}  // namespace azora::tracker
