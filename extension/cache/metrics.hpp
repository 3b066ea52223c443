// metrics.hpp — the result cache's section of azora_opt.metrics() (Prometheus exposition).
//
// Names follow Prometheus conventions (_total counters, _bytes gauges) under azora_opt_cache_,
// apart from the client library's Redis cache metrics (azora_cache_*). Nothing is appended
// when the cache is disabled (azora_opt.cache_size = 0).
#pragma once

#include "pg.hpp"

namespace azora::cache {

// Appends the cache's families to out. Takes each partition lock briefly, in shared mode.
void append_metrics(StringInfo out);

}  // namespace azora::cache
