// hooks.cpp — the cache's callbacks in the hook dispatcher (extension/hooks/): the writer's side
// of the consistency protocol (xact.hpp). The cache is registered after the tracker.
#include "cache/cache.hpp"
#include "cache/xact.hpp"
#include "hooks/dispatcher.hpp"

namespace azora::cache {
namespace {

void utility_start(const hooks::UtilityStart& start) {
  on_utility(start.pstmt);
}

const hooks::Feature kFeature = [] {
  hooks::Feature f{};
  f.name = "cache";
  f.executor_start = on_executor_start;
  f.utility_start = utility_start;
  // What applications send around their queries neither writes nor moves an epoch (classify):
  // the dispatcher does not call on_utility for them. COMMIT PREPARED is a TransactionStmt,
  // so transaction statements are not in this list.
  f.utility_skip_tags[0] = T_VariableSetStmt;
  f.utility_skip_tags[1] = T_VariableShowStmt;
  f.utility_skip_tags[2] = T_PrepareStmt;
  f.utility_skip_tags[3] = T_ExecuteStmt;
  f.utility_skip_tags[4] = T_DeallocateStmt;
  f.xact_event = on_xact_event;
  return f;
}();

}  // namespace

void register_hooks() {
  hooks::register_feature(&kFeature);
}

}  // namespace azora::cache
