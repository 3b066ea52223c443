// sql_metrics.cpp — azora_opt.metrics(): the tracker's figures in Prometheus exposition format.
//
// Cardinality is bounded: only the azora_opt.metrics_top_n statements by total execution time
// get a latency histogram, labelled by queryid alone (entries of one queryid under several
// users, databases or nesting levels are merged, which the histogram allows exactly).
#include "boundary.hpp"
#include "tracker/settings.hpp"
#include "tracker/readout.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {
namespace {

// Prometheus `le` boundaries in seconds; 0.05 is the seed guide's 50 ms p95 alert threshold.
constexpr double kBoundsSeconds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                     0.1,    0.25,  0.5,    1,     2.5,  5,     10};

// Total time of one queryid; queryid is the first member, so the comparators below also
// apply to Ranked.
struct Total {
  uint64 queryid;
  double total_ms;
};

// One shown statement: its merged histogram (2 kB, so allocated for the top N only).
struct Ranked {
  uint64 queryid;
  double total_ms;
  double sum_ms;
  histogram::Histogram hist;
};

template <typename T>
int by_queryid(const void* a, const void* b) {
  uint64 qa = static_cast<const T*>(a)->queryid;
  uint64 qb = static_cast<const T*>(b)->queryid;
  return (qa > qb) - (qa < qb);
}

template <typename T>
int by_total_desc(const void* a, const void* b) {
  double ta = static_cast<const T*>(a)->total_ms;
  double tb = static_cast<const T*>(b)->total_ms;
  if (ta != tb) return ta < tb ? 1 : -1;
  return by_queryid<T>(a, b);
}

void counter(StringInfo out, const char* name, const char* help, const char* type, int64 value) {
  appendStringInfo(out, "# HELP %s %s\n# TYPE %s %s\n%s " INT64_FORMAT "\n", name, help, name, type,
                   name, value);
}

// Pass 1: per entry only the summary (no histogram) under its spinlock, and the global totals.
struct Pass1 {
  Total* totals;
  long n;
  long capacity;
  int64 calls;
  int64 rows;
  int64 slow;
};

void collect_totals(Entry* e, void* arg) {
  auto* p = static_cast<Pass1*>(arg);
  Summary s;
  copy_summary(e, &s);
  p->calls += s.calls;
  p->rows += s.rows;
  p->slow += s.slow_calls;
  if (s.calls == 0) return;
  if (p->n == p->capacity) {
    p->capacity *= 2;
    p->totals = static_cast<Total*>(repalloc(p->totals, sizeof(Total) * p->capacity));
  }
  p->totals[p->n].queryid = e->key.queryid;
  p->totals[p->n].total_ms = s.total_exec_ms;
  p->n++;
}

// Pass 2: the histograms of the shown queryids only.
struct Pass2 {
  Ranked* ranked;
  long shown;
};

void merge_histograms(Entry* e, void* arg) {
  auto* p = static_cast<Pass2*>(arg);
  Ranked probe;
  probe.queryid = e->key.queryid;
  auto* r = static_cast<Ranked*>(
      bsearch(&probe, p->ranked, p->shown, sizeof(Ranked), by_queryid<Ranked>));
  if (r == nullptr) return;
  Counters c;
  copy_counters(e, &c);
  histogram::merge(r->hist, c.exec_hist);
  r->sum_ms += c.total_exec_ms;
}

text* metrics() {
  if (!ready()) {
    throw Error(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                "azora_opt must be loaded via shared_preload_libraries");
  }
  int top_n = metrics_top_n;
  StoreInfo info = store_info();
  long count = info.entries;
  int64 dealloc = info.state.dealloc;
  Pass1 p1{};
  p1.capacity = Max(count, 16L);
  p1.totals = static_cast<Total*>(palloc0(sizeof(Total) * p1.capacity));
  for_each_entry(collect_totals, &p1);
  int64 calls = p1.calls, rows = p1.rows, slow = p1.slow;
  Total* totals = p1.totals;
  long n = p1.n;
  qsort(totals, n, sizeof(Total), by_queryid<Total>);
  long distinct = 0;
  for (long i = 0; i < n; i++) {
    if (distinct > 0 && totals[distinct - 1].queryid == totals[i].queryid) {
      totals[distinct - 1].total_ms += totals[i].total_ms;
    } else {
      totals[distinct++] = totals[i];
    }
  }
  qsort(totals, distinct, sizeof(Total), by_total_desc<Total>);
  long shown = Min(distinct, static_cast<long>(top_n));
  auto* ranked = static_cast<Ranked*>(palloc0(sizeof(Ranked) * Max(shown, 1L)));
  for (long i = 0; i < shown; i++) {
    ranked[i].queryid = totals[i].queryid;
    ranked[i].total_ms = totals[i].total_ms;
  }
  qsort(ranked, shown, sizeof(Ranked), by_queryid<Ranked>);
  Pass2 p2{ranked, shown};
  for_each_entry(merge_histograms, &p2);

  StringInfoData out;
  initStringInfo(&out);
  appendStringInfoString(&out,
                         "# HELP azora_db_query_duration_seconds Execution time per statement "
                         "(top azora_opt.metrics_top_n by total time).\n"
                         "# TYPE azora_db_query_duration_seconds histogram\n");
  qsort(ranked, shown, sizeof(Ranked), by_total_desc<Ranked>);
  for (long i = 0; i < shown; i++) {
    const Ranked& r = ranked[i];
    int64 id = static_cast<int64>(r.queryid);
    for (double le : kBoundsSeconds) {
      appendStringInfo(&out,
                       "azora_db_query_duration_seconds_bucket{queryid=\"" INT64_FORMAT
                       "\",le=\"%g\"} " UINT64_FORMAT "\n",
                       id, le, histogram::count_at_most(r.hist, le * 1000.0));
    }
    uint64 total = histogram::total(r.hist);
    appendStringInfo(&out,
                     "azora_db_query_duration_seconds_bucket{queryid=\"" INT64_FORMAT
                     "\",le=\"+Inf\"} " UINT64_FORMAT "\n",
                     id, total);
    appendStringInfo(&out,
                     "azora_db_query_duration_seconds_sum{queryid=\"" INT64_FORMAT "\"} %.9g\n", id,
                     r.sum_ms / 1000.0);
    appendStringInfo(&out,
                     "azora_db_query_duration_seconds_count{queryid=\"" INT64_FORMAT
                     "\"} " UINT64_FORMAT "\n",
                     id, total);
  }
  counter(&out, "azora_db_query_calls_total", "Calls of the tracked statements.", "counter", calls);
  counter(&out, "azora_db_query_rows_total", "Rows returned or affected by tracked statements.",
          "counter", rows);
  counter(&out, "azora_db_query_slow_calls_total", "Calls slower than azora_opt.slow_threshold_ms.",
          "counter", slow);
  counter(&out, "azora_opt_tracked_statements", "Entries in the statement table.", "gauge", count);
  counter(&out, "azora_opt_tracked_statements_max",
          "Capacity of the statement table (azora_opt.max).", "gauge", max_entries);
  counter(&out, "azora_opt_deallocations_total",
          "Eviction rounds of least-used entries since the last full reset.", "counter", dealloc);
  counter(&out, "azora_opt_plan_captures_total", "Slowest-call plans captured since start-up.",
          "counter", info.captures.stored);
  counter(&out, "azora_opt_plan_capture_failures_total",
          "Plan captures that failed and were rolled back (the statement itself succeeded).",
          "counter", info.captures.failed);
  pfree(totals);
  pfree(ranked);
  text* result = cstring_to_text_with_len(out.data, out.len);
  pfree(out.data);
  return result;
}

}  // namespace
}  // namespace azora::tracker

AZORA_SQL_FUNCTION(azora_tracker_metrics) {
  PG_RETURN_TEXT_P(azora::tracker::metrics());
}
