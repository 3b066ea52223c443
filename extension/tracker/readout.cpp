// readout.cpp — visibility rules and derived figures for the SQL functions (see readout.hpp).
#include "tracker/readout.hpp"

#include "boundary.hpp"

namespace azora::tracker {

void require_ready() {
  if (!ready()) {
    throw Error(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                "azora_opt must be loaded via shared_preload_libraries",
                "Add 'azora_opt' to shared_preload_libraries and restart the server.");
  }
}

bool can_read_all_texts() {
  return superuser() || has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS);
}

bool text_visible(const Key& key, bool read_all) {
  return read_all || key.userid == GetUserId();
}

bool literals_visible(const Key& key) {
  return superuser() || key.userid == GetUserId();
}

bool exec_quantile(const Counters& c, double q, double* out) {
  if (c.calls == 0) return false;
  *out = histogram::quantile(c.exec_hist, q, c.min_exec_ms, c.max_exec_ms);
  return true;
}

}  // namespace azora::tracker
