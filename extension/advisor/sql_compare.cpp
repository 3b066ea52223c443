// advisor/sql_compare.cpp — azora_opt._advise_compare(budgets), for the benchmark: the
// workload cost the advisor reaches at each budget against two baselines over the same what-if
// oracle (pure/index_baselines.hpp): one index per predicate column, and Dexter's strategy.
#include "advisor/advice_workload.hpp"
#include "advisor/advise.hpp"
#include "advisor/oracle.hpp"
#include "boundary.hpp"
#include "pure/index_baselines.hpp"
#include "pure/index_selection.hpp"

namespace azora::advisor {
namespace {

namespace sel = index_selection;

// One budget of the comparison: the workload cost each strategy reaches within it.
struct Comparison {
  double budget;
  double no_index, advisor, single_column, dexter;
  double advisor_bytes, single_column_bytes, dexter_bytes;
};

struct CompareRun {
  std::vector<Comparison> rows;
  int statements = 0;
  int64 plans = 0;
  double seconds = 0;
};

CompareRun compare(const std::vector<double>& budgets) {
  CompareRun run;
  instr_time start;
  INSTR_TIME_SET_CURRENT(start);
  Workload w = load();
  run.statements = w.count;
  if (w.count == 0) return run;
  ExistingIndexes existing;
  WhatIfOracle oracle(w.queries, w.defs, w.scratch, w.writes, w.nwrites, &existing);
  std::vector<sel::Query> workload = selection_queries(w, oracle, &existing);
  double no_index = 0;
  for (const sel::Query& q : workload) no_index += q.weight * oracle.cost(q, {});
  for (double budget : budgets) {
    check_arguments(budget, 0);
    sel::Options options;
    options.budget_bytes = budget;
    options.min_improvement = 0;  // the strategies are compared on cost alone
    options.memo_bytes = memo_bytes_each();
    sel::Result a = sel::select_indexes(workload, oracle, options);
    index_baselines::Baseline s = index_baselines::single_column_per_qual(workload, oracle, budget);
    index_baselines::Baseline d = index_baselines::dexter_style(workload, oracle, budget);
    run.rows.push_back(Comparison{budget, no_index, a.workload_cost_after, s.workload_cost,
                                  d.workload_cost, a.total_bytes, s.bytes, d.bytes});
  }
  instr_time elapsed;
  INSTR_TIME_SET_CURRENT(elapsed);
  INSTR_TIME_SUBTRACT(elapsed, start);
  run.seconds = INSTR_TIME_GET_DOUBLE(elapsed);
  run.plans = oracle.plans();
  return run;
}

}  // namespace
}  // namespace azora::advisor

using namespace azora::advisor;

// _advise_compare(budgets): the advisor against the two baselines at each budget (benchmark).
AZORA_SQL_FUNCTION(azora_advisor_compare) {
  ArrayType* array = PG_GETARG_ARRAYTYPE_P(0);
  Datum* elems;
  bool* nulls;
  int n;
  deconstruct_array(array, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &n);
  std::vector<double> budgets;
  for (int i = 0; i < n; ++i) {
    if (nulls[i]) throw azora::Error(ERRCODE_NULL_VALUE_NOT_ALLOWED, "budgets must not be NULL");
    budgets.push_back(static_cast<double>(DatumGetInt64(elems[i])));
  }
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  CompareRun run = compare(budgets);
  azora::pg_call([fcinfo] { InitMaterializedSRF(fcinfo, 0); });
  for (const Comparison& c : run.rows) {
    const Comparison* r = &c;
    const CompareRun* all = &run;
    azora::pg_call([rsinfo, r, all] {
      Datum values[12] = {Int64GetDatum(static_cast<int64>(r->budget)),
                          Int32GetDatum(all->statements),
                          Float8GetDatum(r->no_index),
                          Float8GetDatum(r->advisor),
                          Float8GetDatum(r->single_column),
                          Float8GetDatum(r->dexter),
                          Int64GetDatum(static_cast<int64>(r->advisor_bytes)),
                          Int64GetDatum(static_cast<int64>(r->single_column_bytes)),
                          Int64GetDatum(static_cast<int64>(r->dexter_bytes)),
                          Int64GetDatum(all->plans),
                          Float8GetDatum(all->seconds),
                          Float8GetDatum(all->seconds > 0 ? all->plans / all->seconds : 0)};
      bool isnull[12] = {};
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, isnull);
    });
  }
  return (Datum)0;
}
