// settings.hpp — the result cache's GUCs (docs/extension/cache.md, "Settings").
#pragma once

namespace azora::cache {

extern int cache_size_kb;    // azora_opt.cache_size; 0 disables the cache (PGC_POSTMASTER)
extern int max_entry_bytes;  // azora_opt.cache_max_entry_bytes
extern int default_ttl_s;    // azora_opt.cache_default_ttl
extern int fill_wait_ms;     // azora_opt.cache_fill_wait
extern int on_standby;       // azora_opt.cache_on_standby

enum StandbyMode { kStandbyBypass = 0, kStandbyTtlOnly = 1 };

void define_settings();

}  // namespace azora::cache
