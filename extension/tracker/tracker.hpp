// tracker.hpp — slow-query tracking: per-statement latency statistics collected through
// PostgreSQL's hooks into shared memory, read through azora_opt.queries and friends.
#pragma once

namespace azora::tracker {

// Defines the GUCs, enables query ids, registers the shared memory and the hook callbacks.
// Called from _PG_init before azora::install_shmem_hooks().
void init();

}  // namespace azora::tracker
