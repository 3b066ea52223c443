// persist.hpp — saving the tracker's entries at clean shutdown and loading them at start-up
// (azora_opt.save), in $PGDATA/pg_stat/azora_opt.stat.
#pragma once

#include "pg.hpp"

namespace azora::tracker {

// In the postmaster, during shared memory initialisation: loads a saved file (then removes it,
// so a crash never resurrects stale figures) and registers the save at shutdown.
void load_saved();

}  // namespace azora::tracker
