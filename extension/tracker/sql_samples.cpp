// sql_samples.cpp — azora_opt.query_samples(): every visible entry's parameter samples. The
// entries are copied under the tracker lock (for_each_entry) and decoded after it is released.
// Samples hold constants: shown to superusers and the statement's own role only
// (literals_visible); other entries give no rows.
#include "boundary.hpp"
#include "tracker/readout.hpp"
#include "tracker/samples_read.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {
namespace {

constexpr int kColumns = 11;

struct Collect {
  List* entries;
};

void collect(Entry* e, void* arg) {
  auto* c = static_cast<Collect*>(arg);
  if (!literals_visible(e->key)) return;
  auto* in = static_cast<EntrySamples*>(palloc0(sizeof(EntrySamples)));
  copy_entry_samples(e, in);
  if (in->header.count == 0) {
    pfree(in);
    return;
  }
  c->entries = lappend(c->entries, in);
}

Datum text_array(const char* const* values, int n) {
  auto* datums = static_cast<Datum*>(palloc(sizeof(Datum) * Max(n, 1)));
  auto* nulls = static_cast<bool*>(palloc(sizeof(bool) * Max(n, 1)));
  for (int i = 0; i < n; i++) {
    nulls[i] = values[i] == nullptr;
    datums[i] = nulls[i] ? (Datum)0 : CStringGetTextDatum(values[i]);
  }
  int dims[1] = {n};
  int lbs[1] = {1};
  return PointerGetDatum(
      construct_md_array(datums, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
}

Datum type_array(const Oid* types, int n) {
  auto* datums = static_cast<Datum*>(palloc(sizeof(Datum) * Max(n, 1)));
  for (int i = 0; i < n; i++) datums[i] = ObjectIdGetDatum(types[i]);
  return PointerGetDatum(construct_array(datums, n, REGTYPEOID, sizeof(Oid), true, TYPALIGN_INT));
}

void query_samples(FunctionCallInfo fcinfo) {
  require_ready();
  InitMaterializedSRF(fcinfo, 0);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  if (rsinfo->setDesc->natts != kColumns) {
    throw Error(ERRCODE_INTERNAL_ERROR, "azora_opt.query_samples: the SQL definition has " +
                                            std::to_string(rsinfo->setDesc->natts) +
                                            " columns, the library " + std::to_string(kColumns));
  }
  Collect c{NIL};
  for_each_entry(collect, &c);
  ListCell* cell;
  foreach (cell, c.entries) {
    auto* in = static_cast<EntrySamples*>(lfirst(cell));
    Sample* samples = nullptr;
    int n = decode_samples(*in, true, &samples);
    for (int i = 0; i < n; i++) {
      const Sample& s = samples[i];
      Datum values[kColumns];
      bool nulls[kColumns];
      memset(nulls, 0, sizeof nulls);
      values[0] = ObjectIdGetDatum(in->key.userid);
      values[1] = ObjectIdGetDatum(in->key.dbid);
      values[2] = Int64GetDatum(static_cast<int64>(in->key.queryid));
      values[3] = BoolGetDatum(in->key.toplevel);
      values[4] = Int32GetDatum(i + 1);
      values[5] = CStringGetTextDatum(s.extended ? "extended" : "simple");
      values[6] = CStringGetTextDatum(s.search_path);
      if (s.statement != nullptr) {
        values[7] = CStringGetTextDatum(s.statement);
      } else {
        nulls[7] = true;  // the entry's text is incomplete: it cannot be rebuilt
      }
      if (s.extended) {
        values[8] = type_array(s.param_types, s.nparams);
        values[9] = text_array(s.param_values, s.nparams);
      } else {
        nulls[8] = true;  // literal tokens have no type until parsed
        values[9] = text_array(s.constants, s.nconstants);
      }
      values[10] = TimestampTzGetDatum(s.captured_at);
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
  }
}

}  // namespace
}  // namespace azora::tracker

AZORA_SQL_FUNCTION(azora_tracker_query_samples) {
  azora::tracker::query_samples(fcinfo);
  return (Datum)0;
}
