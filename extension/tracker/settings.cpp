// settings.cpp — defines the tracker's GUCs (see settings.hpp and docs/extension/tracking.md).
#include "tracker/settings.hpp"

namespace azora::tracker {

int track = kTrackTop;
bool track_utility = true;
bool track_planning = false;
bool capture_plans = true;
double slow_threshold_ms = 50.0;
double plan_min_ms = -1.0;
bool save_plans = false;
bool debug_plan_capture_error = false;
int max_entries = 5000;
int max_text_bytes = 1024;
int max_plan_bytes = 2048;
int samples_per_query = 4;
int max_sample_bytes = 2048;
int long_text_bytes = 4 * 1024 * 1024;
bool save = true;
int metrics_top_n = 20;

namespace {
const struct config_enum_entry track_options[] = {
    {"none", kTrackNone, false},
    {"top", kTrackTop, false},
    {"all", kTrackAll, false},
    {nullptr, 0, false},
};
}  // namespace

void define_settings() {
  DefineCustomIntVariable("azora_opt.max", "Maximum number of statements tracked by azora_opt.",
                          "The least-used entries are evicted beyond this.", &max_entries, 5000,
                          100, INT_MAX / 2, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "azora_opt.max_text_bytes", "Bytes kept of each statement's normalized text.",
      "Longer texts are truncated with a marker; each entry reserves this much shared memory.",
      &max_text_bytes, 1024, 64, 1024 * 1024, PGC_POSTMASTER, GUC_UNIT_BYTE, nullptr, nullptr,
      nullptr);
  DefineCustomIntVariable(
      "azora_opt.max_plan_bytes",
      "Bytes kept of the slowest call's source text and plan, per statement.",
      "Longer texts are truncated with a marker; each entry reserves this much shared memory.",
      &max_plan_bytes, 2048, 256, 1024 * 1024, PGC_POSTMASTER, GUC_UNIT_BYTE, nullptr, nullptr,
      nullptr);
  DefineCustomIntVariable(
      "azora_opt.samples_per_query", "Parameter sets kept per statement (a uniform sample).",
      "0 keeps none. Used by the index advisor to re-plan statements with real values.",
      &samples_per_query, 4, 0, 64, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "azora_opt.max_sample_bytes",
      "Bytes of shared memory per statement for its parameter samples.",
      "A sample that does not fit is dropped and counted, never stored truncated; 0 keeps none.",
      &max_sample_bytes, 2048, 0, 1024 * 1024, PGC_POSTMASTER, GUC_UNIT_BYTE, nullptr, nullptr,
      nullptr);
  DefineCustomIntVariable(
      "azora_opt.long_text_bytes",
      "Shared memory for complete normalized texts longer than azora_opt.max_text_bytes.",
      "When it is full, a long text is kept truncated and marked incomplete; 0 keeps none.",
      &long_text_bytes, 4 * 1024 * 1024, 0, INT_MAX / 2, PGC_POSTMASTER, GUC_UNIT_BYTE, nullptr,
      nullptr, nullptr);
  DefineCustomEnumVariable("azora_opt.track", "Which statements azora_opt tracks.",
                           "top: statements issued by clients; all: also nested statements "
                           "(inside functions); none: nothing.",
                           &track, kTrackTop, track_options, PGC_SUSET, 0, nullptr, nullptr,
                           nullptr);
  DefineCustomBoolVariable("azora_opt.track_utility", "Whether utility commands are tracked.",
                           nullptr, &track_utility, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
  DefineCustomBoolVariable("azora_opt.track_planning", "Whether planning time is tracked.",
                           "Off by default like pg_stat_statements.track_planning: it costs a "
                           "second entry update per planned statement.",
                           &track_planning, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
  DefineCustomBoolVariable("azora_opt.capture_plans",
                           "Whether the plan of each statement's slowest call is kept.", nullptr,
                           &capture_plans, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
  // SIGHUP, not SUSET: the threshold decides what goes into counters shared by every session,
  // so one value holds for the whole server.
  DefineCustomRealVariable(
      "azora_opt.slow_threshold_ms", "Execution time above which a call counts in slow_calls.",
      "One value for the whole server (postgresql.conf or ALTER SYSTEM, then reload).",
      &slow_threshold_ms, 50.0, 0.0, 1e9, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomRealVariable(
      "azora_opt.plan_min_ms",
      "Execution time from which the plan of a statement's slowest call is captured.",
      "-1 means azora_opt.slow_threshold_ms. Faster calls never pay for an EXPLAIN.", &plan_min_ms,
      -1.0, -1.0, 1e9, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomBoolVariable(
      "azora_opt.save_plans",
      "Whether captured plans and source texts (which hold constants) are saved across restarts.",
      "Off by default: the saved file then holds normalized texts and counters only.", &save_plans,
      false, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  // A test knob: makes every plan capture fail inside its subtransaction, to prove a failed
  // capture never fails the user's statement. Hidden from SHOW ALL and the sample file.
  DefineCustomBoolVariable("azora_opt.debug_plan_capture_error",
                           "Makes plan captures fail (for tests only).", nullptr,
                           &debug_plan_capture_error, false, PGC_SUSET,
                           GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE, nullptr, nullptr, nullptr);
  DefineCustomBoolVariable("azora_opt.save", "Save statistics across server shutdowns.", nullptr,
                           &save, true, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("azora_opt.metrics_top_n",
                          "Statements given a latency histogram in azora_opt.metrics().",
                          "Bounds the metrics' cardinality: the top N by total execution time.",
                          &metrics_top_n, 20, 0, 1000, PGC_SUSET, 0, nullptr, nullptr, nullptr);
}

}  // namespace azora::tracker
