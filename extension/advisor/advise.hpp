// advisor/advise.hpp — one azora_opt.advise_indexes() call's driver and its result rows: the
// tracked workload (advice_workload.hpp), costed by what-if planning (oracle.hpp), chosen by
// the budgeted greedy search (pure/index_selection.hpp).
#pragma once

#include "pg.hpp"

#include <string>
#include <vector>

namespace azora::advisor {

// One recommended index, as advise_indexes() returns it.
struct Row {
  std::string ddl;
  Oid relid;
  std::vector<std::string> columns;
  int64 bytes;
  std::vector<int64> queryids;
  double before, after, improvement;
  double maintenance_cost = 0;   // what the tracked writes would pay to maintain it (ms)
  bool hot_update_loss = false;  // a tracked UPDATE sets one of its columns
  std::string drop_ddl;          // the DROP of an existing index it makes redundant, or empty
  std::string cost_basis;        // what its statements' costs were planned from, or empty
};

// Throws 22023 with a hint for a budget that is not positive or a min_improvement outside
// [0, 1).
void check_arguments(double budget, double min_improvement);

// The advice: the indexes chosen within `budget` bytes (infinity: no limit) that lower their
// statements' cost by at least `min_improvement`, with a DEBUG1 line on where the time went.
std::vector<Row> advise(double budget, double min_improvement);

}  // namespace azora::advisor
