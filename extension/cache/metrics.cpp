// metrics.cpp — the result cache's Prometheus families (see metrics.hpp).
#include "cache/metrics.hpp"

#include "cache/store.hpp"

namespace azora::cache {
namespace {

void family(StringInfo out, const char* name, const char* type, const char* help, uint64 value) {
  appendStringInfo(out, "# HELP %s %s\n# TYPE %s %s\n%s " UINT64_FORMAT "\n", name, help, name,
                   type, name, value);
}

}  // namespace

void append_metrics(StringInfo out) {
  if (!ready()) return;
  Totals t = totals();
  family(out, "azora_opt_cache_hits_total", "counter", "Result cache calls served from the cache.",
         t.counters[kHits]);
  family(out, "azora_opt_cache_misses_total", "counter",
         "Result cache calls that ran the query to fill the key.", t.counters[kMisses]);
  family(out, "azora_opt_cache_stores_total", "counter", "Results stored in the cache.",
         t.counters[kStores]);
  family(out, "azora_opt_cache_evictions_total", "counter",
         "Live entries evicted (CLOCK) to make room.", t.evictions);
  family(out, "azora_opt_cache_expirations_total", "counter", "Expired entries reclaimed.",
         t.expirations);
  appendStringInfoString(out,
                         "# HELP azora_opt_cache_invalidations_total Entries removed by "
                         "invalidation, by reason.\n"
                         "# TYPE azora_opt_cache_invalidations_total counter\n");
  const struct {
    const char* reason;
    Counter counter;
  } reasons[] = {{"explicit", kInvalidatedExplicit},
                 {"pattern", kInvalidatedPattern},
                 {"write", kInvalidatedWrite},
                 {"ddl", kInvalidatedDdl}};
  for (const auto& r : reasons) {
    appendStringInfo(out, "azora_opt_cache_invalidations_total{reason=\"%s\"} " UINT64_FORMAT "\n",
                     r.reason, t.counters[r.counter]);
  }
  family(out, "azora_opt_cache_bypassed_total", "counter",
         "Calls run uncached by rule (own writes, REPEATABLE READ/SERIALIZABLE, hot standby).",
         t.counters[kBypassed]);
  family(out, "azora_opt_cache_not_stored_total", "counter",
         "Results run but not stored (never-cached query, too big, raced by a commit).",
         t.counters[kUncacheable] + t.counters[kStoreRaced]);
  family(out, "azora_opt_cache_fill_waits_total", "counter",
         "Misses that waited for another backend filling the same key.", t.counters[kFillWaits]);
  family(out, "azora_opt_cache_entries", "gauge", "Entries in the result cache.", t.entries);
  family(out, "azora_opt_cache_used_bytes", "gauge", "Key and value bytes of the live entries.",
         t.bytes_stored);
  family(out, "azora_opt_cache_reserved_bytes", "gauge",
         "Bytes of the whole chunks the live entries occupy.", t.bytes_reserved);
  family(out, "azora_opt_cache_capacity_bytes", "gauge",
         "Chunk payload of the whole cache (azora_opt.cache_size less its index).",
         t.bytes_capacity);
}

}  // namespace azora::cache
