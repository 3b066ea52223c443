// advise_verify.hpp — `azora-opt advise --apply --verify`: builds each advised index with a lock
// timeout (dropping an INVALID index a failed build leaves), measures the statements it was
// advised for over a window of real calls before and after, and keeps or drops each index by
// the rule of advise_verdict.hpp.
#pragma once

#include <nlohmann/json.hpp>

#include "advise_verdict.hpp"
#include "context.hpp"

namespace azora::cli {

struct VerifyOptions {
  double window_s = 60;     // --window: a window lasts at least this long
  double max_window_s = 0;  // --max-window: and at most this long (default: max(10 × window, 60 s))
  double lock_timeout_s = 5;  // --lock-timeout: each CREATE/DROP INDEX waits this long for a lock
  verify::Settings settings;  // --min-calls, --min-gain, --max-loss
};

// Consumes --window, --max-window, --min-calls, --min-gain, --max-loss and --lock-timeout;
// UsageError on a malformed value.
VerifyOptions verify_options(Args& args);

// Applies and verifies `advice` (the rows of advise.cpp's query: ddl, relation, columns,
// index_bytes, queryids, ...), printing progress and the verdicts (text) or adding "verify" to
// `doc` (json, printed by the caller). Returns the exit status: 0, or 3 when an index could not
// be built or dropped (its INVALID leftovers removed when possible; the report says which).
int apply_and_verify(Context& ctx, Connection& conn, const Result& advice,
                     const VerifyOptions& options, nlohmann::json& doc);

}  // namespace azora::cli
