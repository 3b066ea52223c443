// init.cpp — wires the result cache into the server at _PG_init (see cache.hpp).
#include "cache/cache.hpp"

#include "cache/settings.hpp"
#include "cache/store.hpp"
#include "shmem.hpp"

namespace azora::cache {

void init() {
  define_settings();
  // cache_size is PGC_POSTMASTER, so its value is final here: 0 reserves no memory at all.
  if (cache_size_kb == 0) return;
  register_shmem_segment(shmem_size, shmem_init);
  register_hooks();
}

}  // namespace azora::cache
