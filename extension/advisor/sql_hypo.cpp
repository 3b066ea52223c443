// advisor/sql_hypo.cpp — the SQL functions of hypothetical indexes: hypo_create, hypo_list,
// hypo_size, hypo_drop, hypo_reset, hypo_hide, hypo_unhide (docs/extension/advisor.md).
//
// The bodies own no C++ objects, so they call PostgreSQL directly; AZORA_SQL_FUNCTION runs
// them inside guarded().
#include "advisor/hypo_define.hpp"
#include "advisor/size_estimate.hpp"
#include "advisor/hypo_store.hpp"
#include "advisor/what_if.hpp"
#include "boundary.hpp"

namespace azora::advisor {
namespace {

// Plans "SELECT FROM ONLY <table>" with the what-if indexes: the planner hook then refreshes
// the size estimate of the table's hypothetical indexes (a partial index's predicate fraction
// needs the planner's selectivity machinery, so this is the one place that computes it).
void refresh_estimates(Oid relid) {
  if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE) {
    // Its partitions carry the index: summed from their own estimates.
    for (int i = 0; i < count(); ++i)
      if (at(i)->relid == relid) estimate_partitioned(at(i));
    return;
  }
  char* table =
      quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid));
  char* sql = psprintf("SELECT FROM ONLY %s", table);
  List* parsed = pg_parse_query(sql);
  List* queries = pg_analyze_and_rewrite_fixedparams(static_cast<RawStmt*>(linitial(parsed)), sql,
                                                     nullptr, 0, nullptr);
  plan_what_if(static_cast<Query*>(linitial(queries)), sql);
}

HypoIndex* existing(Oid oid) {
  HypoIndex* h = find(oid);
  if (h == nullptr) {
    throw Error(ERRCODE_INVALID_PARAMETER_VALUE,
                "no hypothetical index with OID " + std::to_string(oid) + " in this session",
                "azora_opt.hypo_list() shows this session's hypothetical indexes.");
  }
  return h;
}

bool table_exists(Oid relid) {
  return SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid));
}

Oid checked_index(Oid index) {
  if (get_rel_relkind(index) != RELKIND_INDEX) {
    throw Error(ERRCODE_WRONG_OBJECT_TYPE, "relation is not an index",
                "hypo_hide takes a real index of a table, e.g. 'users_pkey'::regclass.");
  }
  return index;
}

}  // namespace
}  // namespace azora::advisor

using namespace azora::advisor;

AZORA_SQL_FUNCTION(azora_advisor_hypo_create) {
  if (PG_ARGISNULL(0)) {
    throw azora::Error(ERRCODE_INVALID_PARAMETER_VALUE,
                       "hypo_create expects a CREATE INDEX statement",
                       "Pass a statement like 'CREATE INDEX ON users (email)'.");
  }
  const char* ddl = text_to_cstring(PG_GETARG_TEXT_PP(0));
  HypoIndex h;
  define_hypo_index(ddl, store_context(), &h);
  h.oid = allocate_oid();
  try {
    add(h);
  } catch (...) {
    MemoryContextDelete(h.context);
    throw;
  }
  refresh_estimates(h.relid);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  InitMaterializedSRF(fcinfo, 0);
  Datum values[2] = {ObjectIdGetDatum(h.oid), CStringGetTextDatum(NameStr(h.name))};
  bool nulls[2] = {false, false};
  tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  return (Datum)0;
}

AZORA_SQL_FUNCTION(azora_advisor_hypo_list) {
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  InitMaterializedSRF(fcinfo, 0);
  for (int i = 0; i < count(); ++i) {
    const HypoIndex* h = at(i);
    if (!table_exists(h->relid)) continue;  // its table was dropped since
    Datum values[4] = {ObjectIdGetDatum(h->oid), CStringGetTextDatum(NameStr(h->name)),
                       ObjectIdGetDatum(h->relid), CStringGetTextDatum(h->definition)};
    bool nulls[4] = {false, false, false, false};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return (Datum)0;
}

AZORA_SQL_FUNCTION(azora_advisor_hypo_size) {
  Oid oid = PG_GETARG_OID(0);
  Oid relid = existing(oid)->relid;
  if (!table_exists(relid)) {
    throw azora::Error(ERRCODE_UNDEFINED_TABLE, "the table of this hypothetical index was dropped",
                       "Drop it with azora_opt.hypo_drop().");
  }
  refresh_estimates(relid);
  PG_RETURN_INT64(static_cast<int64>(existing(oid)->pages) * BLCKSZ);
}

AZORA_SQL_FUNCTION(azora_advisor_hypo_drop) {
  PG_RETURN_BOOL(drop(PG_GETARG_OID(0)));
}

AZORA_SQL_FUNCTION(azora_advisor_hypo_reset) {
  reset();
  PG_RETURN_VOID();
}

AZORA_SQL_FUNCTION(azora_advisor_hypo_hide) {
  PG_RETURN_BOOL(hide(checked_index(PG_GETARG_OID(0))));
}

AZORA_SQL_FUNCTION(azora_advisor_hypo_unhide) {
  PG_RETURN_BOOL(unhide(checked_index(PG_GETARG_OID(0))));
}
