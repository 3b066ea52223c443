// snapshot.cpp — copying entries for the SQL functions (see snapshot.hpp).
#include "tracker/snapshot.hpp"

namespace azora::tracker {

void copy_entry(Entry* e, EntryCopy* out) {
  out->key = e->key;
  SpinLockAcquire(&e->mutex);
  out->counters = e->counters;
  out->plan = e->plan;
  SpinLockRelease(&e->mutex);
}

bool can_read_all_texts() {
  return superuser() || has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS);
}

bool text_visible(const Key& key, bool read_all) {
  return read_all || key.userid == GetUserId();
}

bool exec_quantile(const Counters& c, double q, double* out) {
  if (c.calls == 0) return false;
  *out = histogram::quantile(c.exec_hist, q, c.min_exec_ms, c.max_exec_ms);
  return true;
}

}  // namespace azora::tracker
