// settings.hpp — the tracker's GUCs (azora_opt.track, .max, .slow_threshold_ms, ...).
//
// Plain globals so the hooks read them without a call; PostgreSQL's GUC machinery writes them.
#pragma once

#include "pg.hpp"

namespace azora::tracker {

enum TrackLevel { kTrackNone = 0, kTrackTop = 1, kTrackAll = 2 };

extern int track;                      // azora_opt.track: none | top | all
extern bool track_utility;             // azora_opt.track_utility
extern bool track_planning;            // azora_opt.track_planning
extern bool capture_plans;             // azora_opt.capture_plans
extern double slow_threshold_ms;       // azora_opt.slow_threshold_ms (one value per server)
extern double plan_min_ms;             // azora_opt.plan_min_ms (-1: the slow threshold)
extern bool save_plans;                // azora_opt.save_plans
extern bool debug_plan_capture_error;  // azora_opt.debug_plan_capture_error (tests only)
extern int max_entries;                // azora_opt.max (postmaster)
extern int max_text_bytes;             // azora_opt.max_text_bytes (postmaster)
extern int max_plan_bytes;             // azora_opt.max_plan_bytes (postmaster)
extern int samples_per_query;          // azora_opt.samples_per_query (postmaster)
extern int max_sample_bytes;           // azora_opt.max_sample_bytes (postmaster)
extern int long_text_bytes;            // azora_opt.long_text_bytes (postmaster)
extern bool save;                      // azora_opt.save
extern int metrics_top_n;              // azora_opt.metrics_top_n

// Defines every azora_opt tracker GUC; called from _PG_init.
void define_settings();

// The execution time from which a slowest call's plan is captured (plan_min_ms, or the slow
// threshold when plan_min_ms is -1).
// Whether entries keep parameter samples (both bounds above zero).
inline bool sampling() {
  return samples_per_query > 0 && max_sample_bytes > 0;
}

inline double effective_plan_min_ms() {
  return plan_min_ms < 0 ? slow_threshold_ms : plan_min_ms;
}

}  // namespace azora::tracker
