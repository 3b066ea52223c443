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
  f.xact_event = on_xact_event;
  return f;
}();

}  // namespace

void register_hooks() {
  hooks::register_feature(&kFeature);
}

}  // namespace azora::cache
