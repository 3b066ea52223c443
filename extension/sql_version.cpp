// sql_version.cpp — azora_opt.version(): the loaded library's version.
#include "boundary.hpp"
#include "shmem.hpp"
#include "version.hpp"

AZORA_SQL_FUNCTION(azora_version) {
  // Reaching here with shared memory missing would mean the preload check was bypassed.
  if (!azora::shmem_ready()) {
    ereport(ERROR,
            (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
             errmsg("azora_opt shared memory is not initialised"),
             errhint("Add 'azora_opt' to shared_preload_libraries and restart the server.")));
  }
  PG_RETURN_TEXT_P(cstring_to_text(AZORA_OPT_VERSION));
}
