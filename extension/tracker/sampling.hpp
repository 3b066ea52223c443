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

// The last parsed statement with constants at each nesting level (inline: every call of
// such a statement notes its parse, and every execution asks for the verdict).
struct Stash {
  uint64 queryid;
  const char* source;  // the source string pointer, compared (never read) until it matches
  int stmt_location;
  int due_constants;  // the reservoir's verdict at parse time (note_parse)
  int count;          // locations copied (only for a due call)
  int capacity;
  LocationLen* locations;  // in TopMemoryContext, grown when a statement needs more
};
constexpr int kStashLevels = 4;
extern Stash stashes[kStashLevels];
void copy_locations(Stash& s, const JumbleState* jstate);

// From post_parse_analyze (a statement with constants, at nesting level `level`): the
// reservoir's verdict for its call (due_constants: -1 not due, else the entry's constants
// count, record()'s next_due), and the constants' locations when it is due.
inline void note_parse(const char* source, const Query* query, const JumbleState* jstate, int level,
                       int due_constants) {
  if (level >= kStashLevels) return;
  Stash& s = stashes[level];
  s.queryid = query->queryId;
  s.source = source;
  s.stmt_location = query->stmt_location;
  s.due_constants = due_constants;
  s.count = 0;
  if (due_constants >= 0) copy_locations(s, jstate);  // most calls: no copy
}

// From ExecutorEnd: the parse-time verdict for this call if its statement was parsed at this
// level (-1 not due, >= 0 due with that constants count), or -2: no verdict (extended
// protocol, a cached plan): ask sample_due().
inline int parse_verdict(const QueryDesc* desc, uint64 queryid, int level) {
  if (level >= kStashLevels) return -2;
  const Stash& s = stashes[level];
  if (s.queryid != queryid || s.source != desc->sourceText ||
      s.stmt_location != desc->plannedstmt->stmt_location)
    return -2;
  return s.due_constants;
}

// From ExecutorEnd, before the call is recorded, for a call the reservoir is about to take
// (sample_due; constants is the entry's count): builds its sample into *offer, in a per-backend
// memory context that stays valid until release_sample(). Plain C-style code: a PostgreSQL
// error here fails the statement, so it calls only what cannot fail for valid input (built-in
// output functions; other types are not sampled).
void build_sample(QueryDesc* desc, uint64 queryid, int level, int constants, SampleOffer* offer);
void release_sample();

}  // namespace azora::tracker
