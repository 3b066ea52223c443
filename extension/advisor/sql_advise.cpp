// advisor/sql_advise.cpp — azora_opt.advise_indexes(budget_bytes, min_improvement): the
// driver's rows (advise.hpp) as the SQL function's result set, in the 8 columns of version
// 1.1's definition or the 12 of the current one.
#include "advisor/advise.hpp"
#include "boundary.hpp"

#include <limits>

using namespace azora::advisor;

AZORA_SQL_FUNCTION(azora_advisor_advise_indexes) {
  double budget = PG_ARGISNULL(0) ? std::numeric_limits<double>::infinity()
                                  : static_cast<double>(PG_GETARG_INT64(0));
  double min_improvement = PG_ARGISNULL(1) ? 0.10 : PG_GETARG_FLOAT8(1);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  std::vector<Row> rows = advise(budget, min_improvement);
  azora::pg_call([fcinfo] { InitMaterializedSRF(fcinfo, 0); });
  for (const Row& row : rows) {
    const Row* r = &row;
    azora::pg_call([rsinfo, r] {
      Datum* names = static_cast<Datum*>(palloc(sizeof(Datum) * r->columns.size()));
      for (size_t i = 0; i < r->columns.size(); ++i)
        names[i] = CStringGetTextDatum(r->columns[i].c_str());
      Datum* ids =
          static_cast<Datum*>(palloc(sizeof(Datum) * std::max<size_t>(1, r->queryids.size())));
      for (size_t i = 0; i < r->queryids.size(); ++i) ids[i] = Int64GetDatum(r->queryids[i]);
      // 1.1's definition declares the first 8 columns (the library serves both versions).
      int natts = rsinfo->setDesc->natts;
      Datum values[12] = {
          CStringGetTextDatum(r->ddl.c_str()),
          ObjectIdGetDatum(r->relid),
          PointerGetDatum(construct_array(names, static_cast<int>(r->columns.size()), TEXTOID, -1,
                                          false, TYPALIGN_INT)),
          Int64GetDatum(r->bytes),
          PointerGetDatum(construct_array(ids, static_cast<int>(r->queryids.size()), INT8OID, 8,
                                          FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)),
          Float8GetDatum(r->before),
          Float8GetDatum(r->after),
          Float8GetDatum(r->improvement),
          Float8GetDatum(r->maintenance_cost),
          BoolGetDatum(r->hot_update_loss),
          r->drop_ddl.empty() ? (Datum)0 : CStringGetTextDatum(r->drop_ddl.c_str()),
          r->cost_basis.empty() ? (Datum)0 : CStringGetTextDatum(r->cost_basis.c_str())};
      bool nulls[12] = {false,
                        false,
                        false,
                        false,
                        false,
                        false,
                        false,
                        false,
                        false,
                        false,
                        r->drop_ddl.empty(),
                        r->cost_basis.empty()};
      if (natts != 8 && natts != 12) elog(ERROR, "advise_indexes: unexpected result type");
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    });
  }
  return (Datum)0;
}
