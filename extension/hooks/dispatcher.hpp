// hooks/dispatcher.hpp — the one owner of azora_opt's PostgreSQL hooks.
//
// PostgreSQL offers one pointer per hook; every library that wants it saves the previous value
// and calls it. azora_opt does that exactly once, here, and fans each event out to its features
// (tracker, cache, advisor) in the order they registered. The dispatcher also owns the nesting
// level, so every feature agrees on what is a top-level statement.
//
// Order of calls. Features are called in registration order (module.cpp: tracker, cache,
// advisor) "on the way in" (post_parse_analyze, executor_start after the standard start,
// utility_start, relation_info, xact/subxact events) and in reverse order "on the way out"
// (executor_end, utility_done, planner_done), so the first feature sees an event first and
// last, like an outer wrapper. The previously installed hooks (other libraries, e.g.
// pg_stat_statements) always run as PostgreSQL's "standard" step: before the features'
// executor_start and after their executor_end, inside the timed part of planner and utility.
//
// Nesting level (as upstream pg_stat_statements since PostgreSQL 16): raised around the
// planner (whether or not anyone times it), ExecutorRun, ExecutorFinish and ProcessUtility
// (except EXECUTE and PREPARE, so the statement they run or prepare is seen at the caller's
// level). It is restored on every error path. level() is 0 while a client's own statement is
// parsed, planned, started, ended or finishes as a utility.
//
// Rules for callbacks: they run inside PostgreSQL's error handling, so each one that runs C++
// code wraps it in guarded(); none may keep a pointer to the PlannedStmt of a utility after
// utility_start returns (ROLLBACK inside CALL/DO can free it); none may hold an azora_opt lock
// when it returns.
#pragma once

#include "pg_c.hpp"

namespace azora::hooks {

// A utility statement about to run. The PlannedStmt is valid during utility_start only.
struct UtilityStart {
  PlannedStmt* pstmt;
  const char* text;
  ProcessUtilityContext context;
  ParamListInfo params;
  int level;  // nesting level of the statement itself
};

// A utility statement that finished without error. Everything here was copied before it ran.
struct UtilityDone {
  NodeTag tag;     // nodeTag of the utility statement
  uint64 queryid;  // its query id (recovered from its text if an earlier hook cleared it)
  int stmt_location;
  int stmt_len;
  const char* text;  // the caller's source text (owned by the caller, valid during the call)
  int level;
  double ms;                  // elapsed time
  BufferUsage buffers;        // buffer usage of the statement
  const QueryCompletion* qc;  // may be null
};

// One feature's callbacks; any of them may be null.
struct Feature {
  const char* name;
  // After parse analysis (after earlier libraries' hooks).
  void (*post_parse_analyze)(ParseState* pstate, Query* query, JumbleState* jstate);
  // Before planning: whether this feature wants planner_done with the planning time.
  bool (*planner_timed)(Query* parse, const char* text);
  // After successful planning, for features whose planner_timed said yes.
  void (*planner_done)(Query* parse, const char* text, PlannedStmt* result, double ms);
  // After the standard ExecutorStart.
  void (*executor_start)(QueryDesc* desc, int eflags);
  // Before the standard ExecutorEnd.
  void (*executor_end)(QueryDesc* desc);
  // Before a utility statement runs, and after it finished without error.
  void (*utility_start)(const UtilityStart& start);
  void (*utility_done)(const UtilityDone& done);
  // If its first tag is not T_Invalid: utility_start and utility_done are called only for
  // statements of these tags (the dispatcher compares, so that the SET and BEGIN an
  // application sends around every query do not call a feature that ignores them).
  NodeTag utility_tags[4];
  // If its first tag is not T_Invalid: utility_start and utility_done are not called for
  // statements of these tags (a feature that acts on nearly every utility but a few). In both
  // lists the unused slots stay T_Invalid, which no statement has.
  NodeTag utility_skip_tags[6];
  // Transaction and subtransaction events (RegisterXactCallback / RegisterSubXactCallback).
  void (*xact_event)(XactEvent event);
  void (*subxact_event)(SubXactEvent event, SubTransactionId sub, SubTransactionId parent);
  // If set, xact_event and subxact_event are registered only in a backend that calls
  // want_events() for this feature (a feature that needs them only after it armed something
  // costs nothing at every other transaction's PRE_COMMIT and COMMIT).
  bool events_on_demand;
  // After PostgreSQL (and earlier libraries) filled a relation's planner information. Chained
  // only in a backend that called want_relation_info() (see there).
  void (*relation_info)(PlannerInfo* root, Oid relid, bool inhparent, RelOptInfo* rel);
  // If not null, relation_info is called only while the nesting level equals
  // *relation_info_level (the feature arms it for the one planner call it cares about, -1 for
  // none), so that every other relation of every other plan costs one comparison.
  const int* relation_info_level;
  // EXPLAIN's name for an index OID PostgreSQL does not know; null if not this feature's.
  const char* (*index_name)(Oid index);
};

// Registers a feature; from _PG_init only, before install(). The Feature must outlive the
// backend (a static object).
void register_feature(const Feature* feature);

// Chains every PostgreSQL hook once; from _PG_init, after all features registered.
void install();

// Chains get_relation_info_hook in this backend, once; a feature calls it before it first
// arms its relation_info. Until then no backend's planner calls azora_opt per relation (a
// frame per relation of every plan, issue 17). Chained late, the hook runs after the
// libraries whose hooks were chained by then (their relation information first, ours added).
void want_relation_info();

// Registers feature's xact_event and subxact_event in this backend, once (events_on_demand).
void want_events(const Feature* feature);

// The current nesting level (see above). Inline: every callback asks for it.
extern int nesting_level;  // written by the dispatcher only
inline int level() {
  return nesting_level;
}

}  // namespace azora::hooks
