// module.cpp — the extension's entry point: _PG_init wires GUCs, shared memory and hooks.
#include "cache/cache.hpp"
#include "pg.hpp"
#include "advisor/advisor.hpp"
#include "hooks/dispatcher.hpp"
#include "shmem.hpp"
#include "tracker/tracker.hpp"

extern "C" {
PG_MODULE_MAGIC;
void _PG_init(void);
}

void _PG_init(void) {
  // Shared memory and hooks can only be set up in the postmaster; loading later (CREATE EXTENSION
  // or LOAD without preloading) would give a half-working extension, so refuse clearly.
  if (!process_shared_preload_libraries_in_progress) {
    ereport(ERROR,
            (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
             errmsg("azora_opt must be loaded via shared_preload_libraries"),
             errhint("Add 'azora_opt' to shared_preload_libraries in postgresql.conf and restart "
                     "the server, then run CREATE EXTENSION azora_opt.")));
  }
  // Each feature defines its GUCs, registers its shared memory and its hook callbacks here, in
  // the dispatcher's order (docs/architecture.md): tracker, then cache, then advisor.
  azora::tracker::init();
  azora::cache::init();
  azora::advisor::init();
  MarkGUCPrefixReserved("azora_opt");
  azora::install_shmem_hooks();
  azora::hooks::install();
}
