// sampling.hpp — taking parameter samples from calls (the capture side of samples.hpp).
//
// Simple-protocol constants are located by the query jumble at parse analysis, but whether a
// call is sampled is decided when it ends (the reservoir counts calls): so every parse stashes
// its constants' locations per nesting level (a copy of a few ints, into a buffer reused across
// statements), and the rare sampled call reads its tokens from its source text then. Extended-
// protocol calls carry their bind values in the executor's ParamListInfo.
#pragma once

#include "pg.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {

// From post_parse_analyze (a statement with constants, at nesting level `level`).
void stash_constants(const char* source, const Query* query, const JumbleState* jstate, int level);

// From ExecutorEnd, for a call the reservoir chose (ticket.slot >= 0): builds its sample and
// stores it. Plain C-style code: a PostgreSQL error here fails the statement, so it calls only
// what cannot fail for valid input (built-in output functions; other types are not sampled).
void sample_call(QueryDesc* desc, uint64 queryid, bool toplevel, int level,
                 const SampleTicket& ticket);

}  // namespace azora::tracker
