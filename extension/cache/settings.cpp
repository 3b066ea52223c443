// settings.cpp — defines the result cache's GUCs (see settings.hpp and docs/extension/cache.md).
#include "cache/settings.hpp"

#include "pg.hpp"

namespace azora::cache {

int cache_size_kb = 64 * 1024;
int max_entry_bytes = 1024 * 1024;
int default_ttl_s = 300;
int fill_wait_ms = 5000;
int on_standby = kStandbyBypass;

namespace {
// 0 disables the cache; anything else must leave each of the 16 partitions room to work.
bool check_cache_size(int* newval, void**, GucSource) {
  if (*newval == 0 || *newval >= 1024) return true;
  GUC_check_errdetail("azora_opt.cache_size must be 0 (disabled) or at least 1MB.");
  return false;
}

const struct config_enum_entry standby_options[] = {
    {"off", kStandbyBypass, false},
    {"ttl_only", kStandbyTtlOnly, false},
    {nullptr, 0, false},
};
}  // namespace

void define_settings() {
  DefineCustomIntVariable(
      "azora_opt.cache_size", "Shared memory for the result cache; 0 disables it.",
      "Reserved at server start, split into 16 partitions; entries are evicted beyond it.",
      &cache_size_kb, 64 * 1024, 0, 16 * 1024 * 1024, PGC_POSTMASTER, GUC_UNIT_KB, check_cache_size,
      nullptr, nullptr);
  DefineCustomIntVariable(
      "azora_opt.cache_max_entry_bytes", "Largest result the cache stores (key, query and rows).",
      "Larger results are returned uncached with a NOTICE.", &max_entry_bytes, 1024 * 1024, 1024,
      1024 * 1024 * 1024, PGC_SUSET, GUC_UNIT_BYTE, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("azora_opt.cache_default_ttl",
                          "Lifetime of a cached result when the call gives no ttl.", nullptr,
                          &default_ttl_s, 300, 1, 365 * 24 * 3600, PGC_USERSET, GUC_UNIT_S, nullptr,
                          nullptr, nullptr);
  DefineCustomIntVariable(
      "azora_opt.cache_fill_wait",
      "How long a backend waits for another backend filling the same key before running the "
      "query itself.",
      nullptr, &fill_wait_ms, 5000, 0, 600 * 1000, PGC_USERSET, GUC_UNIT_MS, nullptr, nullptr,
      nullptr);
  DefineCustomEnumVariable("azora_opt.cache_on_standby", "Whether a hot standby uses the cache.",
                           "off: bypass it (a standby's executor never sees the primary's writes); "
                           "ttl_only: use it, stale up to each entry's TTL.",
                           &on_standby, kStandbyBypass, standby_options, PGC_SUSET, 0, nullptr,
                           nullptr, nullptr);
}

}  // namespace azora::cache
