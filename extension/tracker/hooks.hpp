// hooks.hpp — where the tracker listens: its callbacks in the hook dispatcher (hooks/), for
// parse analysis, planning, executor start/end and finished utility statements.
#pragma once

namespace azora::tracker {

// Registers the tracker's callbacks with the dispatcher; from _PG_init.
void register_hooks();

}  // namespace azora::tracker
