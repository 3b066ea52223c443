// readout.cpp — visibility rules and derived figures for the SQL functions (see readout.hpp).
#include "tracker/readout.hpp"

namespace azora::tracker {

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
