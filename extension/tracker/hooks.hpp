// hooks.hpp — where the tracker listens: PostgreSQL's parse, plan, executor and utility hooks.
#pragma once

namespace azora::tracker {

// Chains the tracker's hooks in front of any previously installed ones; from _PG_init.
void install_hooks();

}  // namespace azora::tracker
