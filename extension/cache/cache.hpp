// cache.hpp — the result cache's entry point for _PG_init (docs/extension/cache.md).
#pragma once

namespace azora::cache {

// Defines the cache's GUCs and, unless azora_opt.cache_size is 0, registers its shared memory.
void init();
// Registers the cache's callbacks with the hook dispatcher (hooks.cpp); called by init().
void register_hooks();

}  // namespace azora::cache
