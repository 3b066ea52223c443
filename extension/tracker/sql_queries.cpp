// sql_queries.cpp — the SQL functions behind azora_opt.queries, query_plan(), info(), reset()
// and top_queries()' argument check. Each builds its result while holding the tracker lock in
// shared mode (exclusive for reset); an error on the way releases it with the transaction.
#include "boundary.hpp"
#include "shmem.hpp"
#include "tracker/settings.hpp"
#include "tracker/snapshot.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {
namespace {

void require_ready() {
  if (!ready()) {
    throw Error(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                "azora_opt must be loaded via shared_preload_libraries",
                "Add 'azora_opt' to shared_preload_libraries and restart the server.");
  }
}

constexpr int kQueryColumns = 31;

void put_entry_row(ReturnSetInfo* rsinfo, Entry* e, bool read_all) {
  EntryCopy copy;
  copy_entry(e, &copy);
  const Counters& c = copy.counters;
  Datum values[kQueryColumns];
  bool nulls[kQueryColumns];
  memset(nulls, 0, sizeof nulls);
  int i = 0;
  bool visible = text_visible(copy.key, read_all);
  values[i++] = ObjectIdGetDatum(copy.key.userid);
  values[i++] = ObjectIdGetDatum(copy.key.dbid);
  values[i++] = BoolGetDatum(copy.key.toplevel);
  if (visible) {
    values[i++] = Int64GetDatumFast(static_cast<int64>(copy.key.queryid));
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
  values[i++] = BoolGetDatum(copy.plan.exec_ms > 0 || copy.plan.plan_len > 0);
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
  bool read_all = can_read_all_texts();
  LWLockAcquire(shared_lock(LockId::kTracker), LW_SHARED);
  HASH_SEQ_STATUS seq;
  hash_seq_init(&seq, hash);
  while (Entry* e = static_cast<Entry*>(hash_seq_search(&seq))) put_entry_row(rsinfo, e, read_all);
  LWLockRelease(shared_lock(LockId::kTracker));
}

void query_plan(FunctionCallInfo fcinfo, uint64 queryid) {
  require_ready();
  InitMaterializedSRF(fcinfo, 0);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  bool read_all = can_read_all_texts();
  LWLockAcquire(shared_lock(LockId::kTracker), LW_SHARED);
  HASH_SEQ_STATUS seq;
  hash_seq_init(&seq, hash);
  // The plan area is rewritten under the spinlock, so copy it out under the spinlock too.
  char* area = static_cast<char*>(palloc(max_plan_bytes));
  while (Entry* e = static_cast<Entry*>(hash_seq_search(&seq))) {
    if (e->key.queryid != queryid) continue;
    PlanInfo plan;
    SpinLockAcquire(&e->mutex);
    plan = e->plan;
    if (plan.exec_ms > 0 || plan.plan_len > 0)
      memcpy(area, entry_plan(e), plan.source_len + 1 + plan.plan_len + 1);
    SpinLockRelease(&e->mutex);
    if (plan.exec_ms <= 0 && plan.plan_len == 0) continue;
    Datum values[7];
    bool nulls[7] = {false, false, false, false, false, false, false};
    bool visible = text_visible(e->key, read_all);
    values[0] = ObjectIdGetDatum(e->key.userid);
    values[1] = ObjectIdGetDatum(e->key.dbid);
    values[2] = BoolGetDatum(e->key.toplevel);
    values[3] = Float8GetDatum(plan.exec_ms);
    values[4] = TimestampTzGetDatum(plan.captured_at);
    if (visible) {
      values[5] = PointerGetDatum(cstring_to_text_with_len(area, plan.source_len));
      values[6] =
          PointerGetDatum(cstring_to_text_with_len(area + plan.source_len + 1, plan.plan_len));
    } else {
      values[5] = CStringGetTextDatum(kHiddenText);
      values[6] = CStringGetTextDatum(kHiddenText);
    }
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  LWLockRelease(shared_lock(LockId::kTracker));
  pfree(area);
}

Datum info(FunctionCallInfo fcinfo) {
  require_ready();
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
    throw Error(ERRCODE_INTERNAL_ERROR, "azora_opt.info: return type must be a row type");
  LWLockAcquire(shared_lock(LockId::kTracker), LW_SHARED);
  int64 entries = hash_get_num_entries(hash);
  SharedState state = *shared;
  LWLockRelease(shared_lock(LockId::kTracker));
  Datum values[4] = {Int64GetDatumFast(entries), Int64GetDatum(max_entries),
                     Int64GetDatumFast(state.dealloc), TimestampTzGetDatum(state.stats_reset)};
  bool nulls[4] = {false, false, false, false};
  return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls));
}

}  // namespace
}  // namespace azora::tracker

using namespace azora::tracker;

AZORA_SQL_FUNCTION(azora_tracker_queries) {
  azora::guarded("azora_opt._queries", [&] { queries(fcinfo); });
  return (Datum)0;
}

AZORA_SQL_FUNCTION(azora_tracker_query_plan) {
  uint64 queryid = static_cast<uint64>(PG_GETARG_INT64(0));
  azora::guarded("azora_opt.query_plan", [&] { query_plan(fcinfo, queryid); });
  return (Datum)0;
}

AZORA_SQL_FUNCTION(azora_tracker_info) {
  return azora::guarded("azora_opt.info", [&] { return info(fcinfo); });
}

AZORA_SQL_FUNCTION(azora_tracker_reset) {
  Filter filter;
  filter.any_user = PG_ARGISNULL(0);
  filter.userid = filter.any_user ? InvalidOid : PG_GETARG_OID(0);
  filter.any_db = PG_ARGISNULL(1);
  filter.dbid = filter.any_db ? InvalidOid : PG_GETARG_OID(1);
  filter.any_query = PG_ARGISNULL(2);
  filter.queryid = filter.any_query ? 0 : static_cast<uint64>(PG_GETARG_INT64(2));
  int64 removed = azora::guarded("azora_opt.reset", [&] {
    require_ready();
    return remove_entries(filter);
  });
  PG_RETURN_INT64(removed);
}

// top_queries(n, order_by): validates order_by and returns the column to sort on.
AZORA_SQL_FUNCTION(azora_tracker_top_order) {
  const char* order_by = PG_ARGISNULL(0) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(0));
  static const char* const kOrders[] = {"total_time", "mean_time", "p95",
                                        "p99",        "calls",     "slow_calls"};
  int index = azora::guarded("azora_opt.top_queries", [&] {
    for (int i = 0; i < 6 && order_by != nullptr; i++)
      if (strcmp(order_by, kOrders[i]) == 0) return i;
    throw azora::Error(ERRCODE_INVALID_PARAMETER_VALUE,
                       order_by == nullptr
                           ? std::string("order_by of top_queries must not be null")
                           : std::string("invalid order_by \"") + order_by + "\" for top_queries",
                       "Use one of: total_time, mean_time, p95, p99, calls, slow_calls.");
  });
  PG_RETURN_INT32(index);
}
