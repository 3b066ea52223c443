// init.cpp — wires the tracker into the server at _PG_init (see tracker.hpp).
#include "pg.hpp"
#include "shmem.hpp"
#include "tracker/hooks.hpp"
#include "tracker/settings.hpp"
#include "tracker/store.hpp"
#include "tracker/tracker.hpp"

namespace azora::tracker {

void init() {
  define_settings();
  init_bucket_table();
  // Statements are keyed by PostgreSQL's own query id (compute_query_id = auto turns it on).
  EnableQueryId();
  register_shmem_segment(shmem_size, shmem_init);
  register_hooks();
}

}  // namespace azora::tracker
