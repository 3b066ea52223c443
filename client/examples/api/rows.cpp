// rows.cpp — DirectRows (see rows.hpp).
#include "rows.hpp"

namespace azora::example {

nlohmann::json DirectRows::rows(const RowQuery& q, const shaping::Options& opts) {
  Lease db = pool_.acquire();
  const Result r = db->exec_prepared(q.sql, q.params);
  return shaping::shape(r, opts);
}

nlohmann::json DirectRows::write(const RowQuery& q, const shaping::Options& opts) {
  // A single statement is its own transaction: no BEGIN/COMMIT round trips needed.
  return rows(q, opts);
}

}  // namespace azora::example
