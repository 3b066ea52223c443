// plan_capture.cpp — EXPLAIN text of a finished call's plan tree (see plan_capture.hpp).
#include "tracker/plan_capture.hpp"

#include "tracker/store.hpp"

namespace azora::tracker {

void capture_plan(QueryDesc* desc, uint64 queryid, bool toplevel, double exec_ms) {
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

}  // namespace azora::tracker
