// sql_histograms.cpp — azora_opt.query_histograms(): each entry's raw latency histogram, so a
// client can merge entries (of several roles, or of a primary and its standbys) by adding
// buckets and compute exact-to-the-bound percentiles of the union, which averaging p95s cannot.
// Only non-empty buckets are returned; the bucket layout is extension/pure/histogram.hpp's.
#include "boundary.hpp"
#include "tracker/readout.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {
namespace {

constexpr int kColumns = 10;

struct HistContext {
  ReturnSetInfo* rsinfo;
  bool read_all;
};

void put_histogram_row(Entry* e, void* arg) {
  auto* ctx = static_cast<HistContext*>(arg);
  Counters c;
  copy_counters(e, &c);
  if (c.calls == 0) return;
  Datum index[histogram::kBuckets];
  Datum count[histogram::kBuckets];
  int n = 0;
  for (int i = 0; i < histogram::kBuckets; i++) {
    if (c.exec_hist.counts[i] == 0) continue;
    index[n] = Int32GetDatum(i);
    count[n] = Int64GetDatum(static_cast<int64>(c.exec_hist.counts[i]));
    n++;
  }
  Datum values[kColumns];
  bool nulls[kColumns] = {false, false, false, false, false, false, false, false, false, false};
  values[0] = ObjectIdGetDatum(e->key.userid);
  values[1] = ObjectIdGetDatum(e->key.dbid);
  values[2] = BoolGetDatum(e->key.toplevel);
  if (text_visible(e->key, ctx->read_all)) {
    values[3] = Int64GetDatumFast(static_cast<int64>(e->key.queryid));
  } else {
    nulls[3] = true;
    values[3] = (Datum)0;
  }
  values[4] = Int64GetDatumFast(c.calls);
  values[5] = Float8GetDatumFast(c.total_exec_ms);
  values[6] = Float8GetDatumFast(c.min_exec_ms);
  values[7] = Float8GetDatumFast(c.max_exec_ms);
  values[8] = PointerGetDatum(construct_array(index, n, INT4OID, 4, true, TYPALIGN_INT));
  values[9] =
      PointerGetDatum(construct_array(count, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
  tuplestore_putvalues(ctx->rsinfo->setResult, ctx->rsinfo->setDesc, values, nulls);
}

}  // namespace
}  // namespace azora::tracker

using namespace azora::tracker;

AZORA_SQL_FUNCTION(azora_tracker_histograms) {
  require_ready();
  InitMaterializedSRF(fcinfo, 0);
  HistContext ctx{reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo), can_read_all_texts()};
  if (ctx.rsinfo->setDesc->natts != kColumns)
    throw azora::Error(ERRCODE_INTERNAL_ERROR, "azora_opt.query_histograms: unexpected definition");
  for_each_entry(put_histogram_row, &ctx);
  return (Datum)0;
}
