// samples.hpp — real parameter sets of tracked statements, for re-planning (the index advisor).
//
// Each tracker entry keeps a small reservoir of its calls' parameter sets (uniform reservoir
// sampling over its calls, azora_opt.samples_per_query of them, in a per-entry byte area of
// azora_opt.max_sample_bytes): for a simple-protocol call the literal tokens of its constants
// (from the jumble's locations), for an extended-protocol call its bind values as text with
// their type OIDs; each with the session's search_path at that call. A sample that does not fit
// its area is dropped (and counted), never stored truncated. The entry's complete normalized
// text is kept as well (texts longer than azora_opt.max_text_bytes in a shared long-text store),
// so the statement handed out here is always complete, or nothing is handed out.
//
// The samples hold constants: only superusers and the statement's own role may see them
// (readout.hpp, literals_visible). The functions below apply no visibility rule: a caller that
// shows or runs what they return as another role applies its own.
#pragma once

#include "pg.hpp"

namespace azora::tracker {

struct Sample {             // palloc'd in CurrentMemoryContext
  Oid userid;               // the role that ran the call (the entry's)
  const char* search_path;  // the session's search_path at that call
  // Complete re-plannable text: simple protocol -> the constants put back, no $n; extended ->
  // the text with $1..$nparams (and the call's own constants).
  const char* statement;
  bool extended;  // bind parameters below apply
  int nparams;
  const Oid* param_types;
  const char* const* param_values;  // nullptr element = SQL NULL
  TimestampTz captured_at;          // the call's statement start
  // Simple protocol: the literal tokens that were put back into statement (informational).
  int nconstants;
  const char* const* constants;
};

// The samples of entry (userid, dbid, queryid, toplevel); *count = 0 when none (no entry, no
// sample, or its normalized text is incomplete so no statement can be rebuilt). C style: may
// ereport; owns no C++ objects.
void copy_samples(Oid userid, Oid dbid, uint64 queryid, bool toplevel, Sample** out, int* count);

// The entry's complete normalized text (for a generic plan), palloc'd, or nullptr if incomplete
// or missing. Constants are $k with k after the statement's own parameters.
const char* copy_statement_text(Oid userid, Oid dbid, uint64 queryid, bool toplevel);

}  // namespace azora::tracker
