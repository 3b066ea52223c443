// sql_queries.cpp — the SQL functions behind azora_opt.queries, query_plan(), info(), reset()
// and top_queries()' argument check. They read entries through store.cpp's for_each_entry()
// (which holds the tracker lock in shared mode); an error on the way releases it with the
// transaction.
#include "boundary.hpp"
#include "tracker/settings.hpp"
#include "tracker/readout.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {
namespace {

constexpr int kQueryColumns = 31;

struct RowContext {
  ReturnSetInfo* rsinfo;
  bool read_all;
};

void put_entry_row(Entry* e, void* arg) {
  auto* ctx = static_cast<RowContext*>(arg);
  ReturnSetInfo* rsinfo = ctx->rsinfo;
  Counters c;
  copy_counters(e, &c);
  PlanInfo plan;
  copy_plan(e, &plan, nullptr);
  Datum values[kQueryColumns];
  bool nulls[kQueryColumns];
  memset(nulls, 0, sizeof nulls);
  int i = 0;
  const Key& key = e->key;
  bool visible = text_visible(key, ctx->read_all);
  values[i++] = ObjectIdGetDatum(key.userid);
  values[i++] = ObjectIdGetDatum(key.dbid);
  values[i++] = BoolGetDatum(key.toplevel);
  if (visible) {
    values[i++] = Int64GetDatumFast(static_cast<int64>(key.queryid));
    // The text never changes after creation and the shared lock keeps the entry alive.
    values[i++] = PointerGetDatum(cstring_to_text_with_len(entry_text(e), e->text_len));
  } else {
    nulls[i++] = true;
    values[i++] = CStringGetTextDatum(kHiddenText);
  }
  values[i++] = Int64GetDatumFast(c.calls);
  values[i++] = Int64GetDatumFast(c.rows);
  values[i++] = Float8GetDatumFast(c.total_exec_ms);
  values[i++] = Float8GetDatumFast(c.min_exec_ms);
  values[i++] = Float8GetDatumFast(c.max_exec_ms);
  values[i++] = Float8GetDatumFast(c.mean_exec_ms);
  values[i++] = Float8GetDatum(c.calls > 1 ? sqrt(c.sum_var_exec_ms / c.calls) : 0.0);
  for (double q : {0.50, 0.95, 0.99}) {
    double v = 0;
    if (exec_quantile(c, q, &v)) {
      values[i++] = Float8GetDatum(v);
    } else {
      nulls[i++] = true;
    }
  }
  values[i++] = Int64GetDatumFast(c.slow_calls);
  values[i++] = Int64GetDatumFast(c.plans);
  values[i++] = Float8GetDatumFast(c.total_plan_ms);
  values[i++] = Int64GetDatumFast(c.shared_blks_hit);
  values[i++] = Int64GetDatumFast(c.shared_blks_read);
  values[i++] = Int64GetDatumFast(c.shared_blks_dirtied);
  values[i++] = Int64GetDatumFast(c.shared_blks_written);
  values[i++] = Int64GetDatumFast(c.local_blks_hit);
  values[i++] = Int64GetDatumFast(c.local_blks_read);
  values[i++] = Int64GetDatumFast(c.local_blks_dirtied);
  values[i++] = Int64GetDatumFast(c.local_blks_written);
  values[i++] = Int64GetDatumFast(c.temp_blks_read);
  values[i++] = Int64GetDatumFast(c.temp_blks_written);
  values[i++] = TimestampTzGetDatum(c.first_seen);
  values[i++] = TimestampTzGetDatum(c.last_seen);
  values[i++] = BoolGetDatum(plan.exec_ms > 0 || plan.plan_len > 0);
  Assert(i == kQueryColumns);
  tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

void queries(FunctionCallInfo fcinfo) {
  require_ready();
  InitMaterializedSRF(fcinfo, 0);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  if (rsinfo->setDesc->natts != kQueryColumns) {
    throw Error(ERRCODE_INTERNAL_ERROR, "azora_opt._queries: the SQL definition has " +
                                            std::to_string(rsinfo->setDesc->natts) +
                                            " columns, the library " +
                                            std::to_string(kQueryColumns));
  }
  RowContext ctx{rsinfo, can_read_all_texts()};
  for_each_entry(put_entry_row, &ctx);
}

struct PlanContext {
  ReturnSetInfo* rsinfo;
  uint64 queryid;
  char* area;
};

void put_plan_row(Entry* e, void* arg) {
  auto* ctx = static_cast<PlanContext*>(arg);
  if (e->key.queryid != ctx->queryid) return;
  PlanInfo plan;
  copy_plan(e, &plan, ctx->area);
  if (plan.exec_ms <= 0 && plan.plan_len == 0) return;
  Datum values[7];
  bool nulls[7] = {false, false, false, false, false, false, false};
  values[0] = ObjectIdGetDatum(e->key.userid);
  values[1] = ObjectIdGetDatum(e->key.dbid);
  values[2] = BoolGetDatum(e->key.toplevel);
  values[3] = Float8GetDatum(plan.exec_ms);
  values[4] = TimestampTzGetDatum(plan.captured_at);
  if (literals_visible(e->key)) {
    values[5] = PointerGetDatum(cstring_to_text_with_len(ctx->area, plan.source_len));
    values[6] =
        PointerGetDatum(cstring_to_text_with_len(ctx->area + plan.source_len + 1, plan.plan_len));
  } else {
    values[5] = CStringGetTextDatum(kHiddenText);
    values[6] = CStringGetTextDatum(kHiddenText);
  }
  tuplestore_putvalues(ctx->rsinfo->setResult, ctx->rsinfo->setDesc, values, nulls);
}

void query_plan(FunctionCallInfo fcinfo, uint64 queryid) {
  require_ready();
  InitMaterializedSRF(fcinfo, 0);
  PlanContext ctx{reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo), queryid,
                  static_cast<char*>(palloc(max_plan_bytes))};
  for_each_entry(put_plan_row, &ctx);
  pfree(ctx.area);
}

// 1.0 defined info() with four columns; 1.1 adds the plan-capture counters, 1.2 the parameter
// samples dropped. The library
// serves whichever definition the installed extension version has.
Datum info(FunctionCallInfo fcinfo) {
  require_ready();
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
    throw Error(ERRCODE_INTERNAL_ERROR, "azora_opt.info: return type must be a row type");
  if (desc->natts != 4 && desc->natts != 7 && desc->natts != 8)
    throw Error(ERRCODE_INTERNAL_ERROR, "azora_opt.info: unexpected SQL definition",
                "Run ALTER EXTENSION azora_opt UPDATE.");
  StoreInfo s = store_info();
  Datum values[8] = {
      Int64GetDatumFast(s.entries),          Int64GetDatum(max_entries),
      Int64GetDatumFast(s.state.dealloc),    TimestampTzGetDatum(s.state.stats_reset),
      Int64GetDatumFast(s.captures.stored),  Int64GetDatumFast(s.captures.failed),
      Int64GetDatumFast(s.captures.skipped), Int64GetDatumFast(s.captures.samples_dropped)};
  bool nulls[8] = {false, false, false, false, false, false, false, false};
  return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls));
}

}  // namespace
}  // namespace azora::tracker

using namespace azora::tracker;

AZORA_SQL_FUNCTION(azora_tracker_queries) {
  queries(fcinfo);
  return (Datum)0;
}

AZORA_SQL_FUNCTION(azora_tracker_query_plan) {
  query_plan(fcinfo, static_cast<uint64>(PG_GETARG_INT64(0)));
  return (Datum)0;
}

AZORA_SQL_FUNCTION(azora_tracker_info) {
  return info(fcinfo);
}

AZORA_SQL_FUNCTION(azora_tracker_reset) {
  Filter filter;
  filter.any_user = PG_ARGISNULL(0);
  filter.userid = filter.any_user ? InvalidOid : PG_GETARG_OID(0);
  filter.any_db = PG_ARGISNULL(1);
  filter.dbid = filter.any_db ? InvalidOid : PG_GETARG_OID(1);
  filter.any_query = PG_ARGISNULL(2);
  filter.queryid = filter.any_query ? 0 : static_cast<uint64>(PG_GETARG_INT64(2));
  require_ready();
  PG_RETURN_INT64(remove_entries(filter));
}

// top_queries(n, order_by): validates order_by and returns the column to sort on.
AZORA_SQL_FUNCTION(azora_tracker_top_order) {
  const char* order_by = PG_ARGISNULL(0) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(0));
  static const char* const kOrders[] = {"total_time", "mean_time", "p95",
                                        "p99",        "calls",     "slow_calls"};
  for (int i = 0; i < 6 && order_by != nullptr; i++)
    if (strcmp(order_by, kOrders[i]) == 0) PG_RETURN_INT32(i);
  throw azora::Error(ERRCODE_INVALID_PARAMETER_VALUE,
                     order_by == nullptr
                         ? std::string("order_by of top_queries must not be null")
                         : std::string("invalid order_by \"") + order_by + "\" for top_queries",
                     "Use one of: total_time, mean_time, p95, p99, calls, slow_calls.");
}
