// hooks/dispatcher.cpp — chains PostgreSQL's hooks once and fans them out (see dispatcher.hpp).
//
// This file owns no C++ objects and includes no C++ standard header: PostgreSQL's errors
// longjmp through these frames. Every frame that changes the nesting level restores it in a
// PG_FINALLY block, so an error never leaves it off by one.
#include "hooks/dispatcher.hpp"

namespace azora::hooks {

int nesting_level = 0;  // read through level() (dispatcher.hpp)

namespace {

constexpr int kMaxFeatures = 8;

const Feature* features[kMaxFeatures];
int feature_count = 0;
bool report_utilities = false;  // some feature has utility_done (set once by install())

// Per event, the non-null callbacks in registration order, built once by install(): the hot
// path walks only the features that listen, with no null test and no Feature indirection.
template <typename Fn>
struct Callbacks {
  Fn fn[kMaxFeatures];
  int n;
  void add(Fn f) {
    if (f != nullptr) fn[n++] = f;
  }
};
Callbacks<decltype(Feature::post_parse_analyze)> post_parse_analyze_cbs;
Callbacks<decltype(Feature::executor_start)> executor_start_cbs;
Callbacks<decltype(Feature::executor_end)> executor_end_cbs;
Callbacks<decltype(Feature::utility_start)> utility_start_cbs;
Callbacks<decltype(Feature::utility_done)> utility_done_cbs;
Callbacks<decltype(Feature::xact_event)> xact_event_cbs;
Callbacks<decltype(Feature::subxact_event)> subxact_event_cbs;
// Feature index of each xact / subxact callback, and whether it is registered in this backend.
int xact_event_owner[kMaxFeatures];
int subxact_event_owner[kMaxFeatures];
bool events_registered[kMaxFeatures];
bool relation_info_chained = false;
Callbacks<decltype(Feature::relation_info)> relation_info_cbs;
const int* relation_info_levels[kMaxFeatures];  // Feature::relation_info_level, by index
// Feature::utility_tags and utility_skip_tags of each utility_start / utility_done callback, by
// index (null: no filter).
struct TagFilter {
  const NodeTag* only;
  const NodeTag* skip;
};
TagFilter utility_start_tags[kMaxFeatures];
TagFilter utility_done_tags[kMaxFeatures];

// Inline: at every utility statement, for each listening feature.
__attribute__((always_inline)) inline bool wants(const TagFilter& f, NodeTag tag) {
  if (f.only != nullptr && f.only[0] != tag && f.only[1] != tag && f.only[2] != tag &&
      f.only[3] != tag)
    return false;
  return f.skip == nullptr || (f.skip[0] != tag && f.skip[1] != tag && f.skip[2] != tag &&
                               f.skip[3] != tag && f.skip[4] != tag && f.skip[5] != tag);
}
// planner_timed and planner_done of the same feature at the same index.
const Feature* planner_features[kMaxFeatures];
int planner_feature_count = 0;

post_parse_analyze_hook_type prev_post_parse_analyze = nullptr;
planner_hook_type prev_planner = nullptr;
ExecutorStart_hook_type prev_executor_start = nullptr;
ExecutorRun_hook_type prev_executor_run = nullptr;
ExecutorFinish_hook_type prev_executor_finish = nullptr;
ExecutorEnd_hook_type prev_executor_end = nullptr;
ProcessUtility_hook_type prev_process_utility = nullptr;
get_relation_info_hook_type prev_get_relation_info = nullptr;
explain_get_index_name_hook_type prev_explain_get_index_name = nullptr;

// PostgreSQL 15 gives a utility statement the hash of its text as query id
// (queryjumble.c, compute_utility_query_id). An earlier-loaded library may clear pstmt->queryId
// before calling us (pg_stat_statements does, so its executor hooks skip the statement); the
// id is recomputed the same way so every library sees the same statement. Sub-commands that
// PostgreSQL generates itself (PROCESS_UTILITY_SUBCOMMAND) never had an id and get none.
// Called only for a statement whose pstmt->queryId is 0 (the caller reads a set id inline).
uint64 recomputed_query_id(const PlannedStmt* pstmt, const char* text,
                           ProcessUtilityContext context) {
  if (text == nullptr || context == PROCESS_UTILITY_SUBCOMMAND || !IsQueryIdEnabled())
    return UINT64CONST(0);
  int location = pstmt->stmt_location;
  int len = pstmt->stmt_len;
  const char* sql = CleanQuerytext(text, &location, &len);
  uint64 id =
      DatumGetUInt64(hash_any_extended(reinterpret_cast<const unsigned char*>(sql), len, 0));
  return id == UINT64CONST(0) ? UINT64CONST(2) : id;
}

void on_post_parse_analyze(ParseState* pstate, Query* query, JumbleState* jstate) {
  if (prev_post_parse_analyze != nullptr) prev_post_parse_analyze(pstate, query, jstate);
  for (int i = 0; i < post_parse_analyze_cbs.n; i++)
    post_parse_analyze_cbs.fn[i](pstate, query, jstate);
}

// Plans one level deeper. The PG_TRY lives in its own frame so that the callers' locals are
// not in a setjmp frame (where they could be clobbered by the longjmp).
PlannedStmt* call_planner_nested(Query* parse, const char* text, int options,
                                 ParamListInfo params) {
  PlannedStmt* volatile result = nullptr;
  nesting_level++;
  PG_TRY();
  {
    if (prev_planner != nullptr) {
      result = prev_planner(parse, text, options, params);
    } else {
      result = standard_planner(parse, text, options, params);
    }
  }
  PG_FINALLY();
  { nesting_level--; }
  PG_END_TRY();
  return result;
}

PlannedStmt* on_planner(Query* parse, const char* text, int options, ParamListInfo params) {
  bool timed[kMaxFeatures];
  bool any_timed = false;
  for (int i = 0; i < planner_feature_count; i++) {
    timed[i] = planner_features[i]->planner_timed(parse, text);
    any_timed = any_timed || timed[i];
  }
  if (!any_timed) return call_planner_nested(parse, text, options, params);
  instr_time start;
  INSTR_TIME_SET_CURRENT(start);
  PlannedStmt* result = call_planner_nested(parse, text, options, params);
  instr_time duration;
  INSTR_TIME_SET_CURRENT(duration);
  INSTR_TIME_SUBTRACT(duration, start);
  double ms = INSTR_TIME_GET_MILLISEC(duration);
  for (int i = planner_feature_count - 1; i >= 0; i--) {
    if (timed[i] && planner_features[i]->planner_done != nullptr)
      planner_features[i]->planner_done(parse, text, result, ms);
  }
  return result;
}

void on_executor_start(QueryDesc* desc, int eflags) {
  if (prev_executor_start != nullptr) {
    prev_executor_start(desc, eflags);
  } else {
    standard_ExecutorStart(desc, eflags);
  }
  for (int i = 0; i < executor_start_cbs.n; i++) executor_start_cbs.fn[i](desc, eflags);
}

void on_executor_run(QueryDesc* desc, ScanDirection direction, uint64 count, bool execute_once) {
  nesting_level++;
  PG_TRY();
  {
    if (prev_executor_run != nullptr) {
      prev_executor_run(desc, direction, count, execute_once);
    } else {
      standard_ExecutorRun(desc, direction, count, execute_once);
    }
  }
  PG_FINALLY();
  { nesting_level--; }
  PG_END_TRY();
}

void on_executor_finish(QueryDesc* desc) {
  nesting_level++;
  PG_TRY();
  {
    if (prev_executor_finish != nullptr) {
      prev_executor_finish(desc);
    } else {
      standard_ExecutorFinish(desc);
    }
  }
  PG_FINALLY();
  { nesting_level--; }
  PG_END_TRY();
}

void on_executor_end(QueryDesc* desc) {
  for (int i = executor_end_cbs.n - 1; i >= 0; i--) executor_end_cbs.fn[i](desc);
  if (prev_executor_end != nullptr) {
    prev_executor_end(desc);
  } else {
    standard_ExecutorEnd(desc);
  }
}

void on_process_utility(PlannedStmt* pstmt, const char* text, bool read_only_tree,
                        ProcessUtilityContext context, ParamListInfo params, QueryEnvironment* env,
                        DestReceiver* dest, QueryCompletion* qc) {
  Node* stmt = pstmt->utilityStmt;
  UtilityStart start{pstmt, text, context, params, nesting_level};
  NodeTag tag = nodeTag(stmt);
  for (int i = 0; i < utility_start_cbs.n; i++)
    if (wants(utility_start_tags[i], tag)) utility_start_cbs.fn[i](start);
  // Copied now: pstmt must not be read once the utility ran (it may have been freed).
  UtilityDone done;
  bool report = report_utilities;
  bool bump = !IsA(stmt, ExecuteStmt) && !IsA(stmt, PrepareStmt);
  BufferUsage buffers_before;
  instr_time began;
  if (report) {
    done.tag = nodeTag(stmt);
    // Nearly always already set: the recomputation's call only when it is not.
    done.queryid = pstmt->queryId != UINT64CONST(0) ? pstmt->queryId
                                                    : recomputed_query_id(pstmt, text, context);
    done.stmt_location = pstmt->stmt_location;
    done.stmt_len = pstmt->stmt_len;
    done.text = text;
    done.level = nesting_level;
    buffers_before = pgBufferUsage;
    INSTR_TIME_SET_CURRENT(began);
  }
  // The PG_TRY in this frame (no call to a frame of its own: a utility's fixed cost). Every
  // local read after it was set before the setjmp and is not written inside.
  if (bump) nesting_level++;
  PG_TRY();
  {
    if (prev_process_utility != nullptr) {
      prev_process_utility(pstmt, text, read_only_tree, context, params, env, dest, qc);
    } else {
      standard_ProcessUtility(pstmt, text, read_only_tree, context, params, env, dest, qc);
    }
  }
  PG_FINALLY();
  {
    if (bump) nesting_level--;
  }
  PG_END_TRY();
  if (!report) return;
  instr_time duration;
  INSTR_TIME_SET_CURRENT(duration);
  INSTR_TIME_SUBTRACT(duration, began);
  done.ms = INSTR_TIME_GET_MILLISEC(duration);
  memset(&done.buffers, 0, sizeof done.buffers);
  BufferUsageAccumDiff(&done.buffers, &pgBufferUsage, &buffers_before);
  done.qc = qc;
  for (int i = utility_done_cbs.n - 1; i >= 0; i--)
    if (wants(utility_done_tags[i], done.tag)) utility_done_cbs.fn[i](done);
}

// Transaction events: PostgreSQL already keeps a list of callbacks, so each feature's callback
// is registered with it directly, through a trampoline that is a single tail call (no
// dispatcher frame and loop at every PRE_COMMIT and COMMIT). PostgreSQL calls the most
// recently registered first, so install() registers them last feature first.
template <int I>
void xact_trampoline(XactEvent event, void*) {
  xact_event_cbs.fn[I](event);
}
template <int I>
void subxact_trampoline(SubXactEvent event, SubTransactionId sub, SubTransactionId parent, void*) {
  subxact_event_cbs.fn[I](event, sub, parent);
}
static_assert(kMaxFeatures == 8, "one trampoline per feature slot");
constexpr XactCallback kXactTrampolines[kMaxFeatures] = {
    xact_trampoline<0>, xact_trampoline<1>, xact_trampoline<2>, xact_trampoline<3>,
    xact_trampoline<4>, xact_trampoline<5>, xact_trampoline<6>, xact_trampoline<7>};
constexpr SubXactCallback kSubXactTrampolines[kMaxFeatures] = {
    subxact_trampoline<0>, subxact_trampoline<1>, subxact_trampoline<2>, subxact_trampoline<3>,
    subxact_trampoline<4>, subxact_trampoline<5>, subxact_trampoline<6>, subxact_trampoline<7>};

void on_get_relation_info(PlannerInfo* root, Oid relid, bool inhparent, RelOptInfo* rel) {
  if (prev_get_relation_info != nullptr) prev_get_relation_info(root, relid, inhparent, rel);
  for (int i = 0; i < relation_info_cbs.n; i++) {
    const int* armed = relation_info_levels[i];
    if (armed == nullptr || *armed == nesting_level)
      relation_info_cbs.fn[i](root, relid, inhparent, rel);
  }
}

const char* on_explain_get_index_name(Oid index) {
  for (int i = 0; i < feature_count; i++) {
    if (features[i]->index_name == nullptr) continue;
    if (const char* name = features[i]->index_name(index)) return name;
  }
  return prev_explain_get_index_name != nullptr ? prev_explain_get_index_name(index) : nullptr;
}

// Registers feature i's transaction callbacks with PostgreSQL, once per backend. PostgreSQL
// calls the most recently registered first, so install() goes last feature first.
void register_events(int feature) {
  if (events_registered[feature]) return;
  events_registered[feature] = true;
  for (int i = 0; i < xact_event_cbs.n; i++)
    if (xact_event_owner[i] == feature) RegisterXactCallback(kXactTrampolines[i], nullptr);
  for (int i = 0; i < subxact_event_cbs.n; i++)
    if (subxact_event_owner[i] == feature) RegisterSubXactCallback(kSubXactTrampolines[i], nullptr);
}

bool any(bool (*has)(const Feature*)) {
  for (int i = 0; i < feature_count; i++)
    if (has(features[i])) return true;
  return false;
}

}  // namespace

void register_feature(const Feature* feature) {
  if (feature_count == kMaxFeatures) elog(ERROR, "azora_opt: too many hook features");
  features[feature_count++] = feature;
}

void install() {
  for (int i = 0; i < feature_count; i++) {
    const Feature* f = features[i];
    post_parse_analyze_cbs.add(f->post_parse_analyze);
    executor_start_cbs.add(f->executor_start);
    executor_end_cbs.add(f->executor_end);
    TagFilter tags{f->utility_tags[0] != T_Invalid ? f->utility_tags : nullptr,
                   f->utility_skip_tags[0] != T_Invalid ? f->utility_skip_tags : nullptr};
    if (f->utility_start != nullptr) utility_start_tags[utility_start_cbs.n] = tags;
    utility_start_cbs.add(f->utility_start);
    if (f->utility_done != nullptr) utility_done_tags[utility_done_cbs.n] = tags;
    utility_done_cbs.add(f->utility_done);
    if (f->xact_event != nullptr) xact_event_owner[xact_event_cbs.n] = i;
    xact_event_cbs.add(f->xact_event);
    if (f->subxact_event != nullptr) subxact_event_owner[subxact_event_cbs.n] = i;
    subxact_event_cbs.add(f->subxact_event);
    if (f->relation_info != nullptr)
      relation_info_levels[relation_info_cbs.n] = f->relation_info_level;
    relation_info_cbs.add(f->relation_info);
    if (f->planner_timed != nullptr) planner_features[planner_feature_count++] = f;
  }
  // Executor, planner, parse and utility hooks always: they own the nesting level.
  prev_post_parse_analyze = post_parse_analyze_hook;
  // The parse hook does not move the nesting level: with no earlier library's hook to chain
  // and a single listener (the tracker), the listener itself is the hook (no dispatcher frame
  // at every parse).
  if (prev_post_parse_analyze == nullptr && post_parse_analyze_cbs.n == 1)
    post_parse_analyze_hook = post_parse_analyze_cbs.fn[0];
  else
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
  // The others only when a feature listens, so an unused feature costs nothing
  // (get_relation_info only once a feature arms it: want_relation_info).
  if (any([](const Feature* f) { return f->index_name != nullptr; })) {
    prev_explain_get_index_name = explain_get_index_name_hook;
    explain_get_index_name_hook = on_explain_get_index_name;
  }
  report_utilities = any([](const Feature* f) { return f->utility_done != nullptr; });
  // Transaction callbacks are per backend; registered in the postmaster they are inherited by
  // every forked backend.
  for (int i = feature_count - 1; i >= 0; i--)
    if (!features[i]->events_on_demand) register_events(i);
}

void want_relation_info() {
  if (relation_info_chained) return;
  prev_get_relation_info = get_relation_info_hook;
  get_relation_info_hook = on_get_relation_info;
  relation_info_chained = true;
}

void want_events(const Feature* feature) {
  for (int i = 0; i < feature_count; i++)
    if (features[i] == feature) register_events(i);
}

}  // namespace azora::hooks
