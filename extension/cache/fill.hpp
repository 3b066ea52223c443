// fill.hpp — runs a cached_json() query through SPI and describes it for the cache: is it a
// read, what relations and columns it reads, may it be cached, and its rows as a JSON array.
//
// Plain PostgreSQL code on purpose: run_fill() owns no C++ object, everything it builds is palloc'd
// in the caller's memory context, so the C++ caller runs it inside one azora::pg_call() and a
// PostgreSQL error on the way (a syntax error with its position, an unknown table, a permission
// error, a cancel) reaches the client unchanged.
//
// Order (the consistency protocol of pure/cache_generations.hpp): parse, analyse and plan the
// query; read the generation word of every source relation; only then execute it, so its
// snapshot is taken after the words were read.
#pragma once

#include "pg.hpp"
#include "pure/cache_generations.hpp"

namespace azora::cache {

struct FillIn {
  const char* query;
  int n_params;
  const char* const* params;           // n_params C strings; nullptr for NULL
  const GenerationTable* generations;  // nullptr: do not read words (the result is not stored)
  int64 limit_bytes;                   // results beyond this are marked too_big (still returned)
};

struct FillPerm {
  Oid relid;
  Oid check_as_user;
  int n_cols;
  int32* cols;  // selectedCols members
};

struct FillOut {
  // Why the result must not be stored (a phrase for the NOTICE), or nullptr.
  const char* uncacheable;
  int n_sources;
  int cap_sources;  // allocated length of sources
  Oid* sources;     // source relations (views, inheritance children and partitions, every
                    // ancestor), deduplicated; then two 0s for the schema epochs
  uint32* slots;    // their generation slots
  uint64* words;    // their words, read before the execution's snapshot
  int n_perms;
  FillPerm* perms;  // the executor's privilege checks, re-made by every hit
  StringInfo json;  // the rows as a JSON array, json_agg's format; "[]" for no rows
  uint64 rows;
  bool too_big;
};

// Prepares, checks (0A000 for anything but one plain SELECT), analyses and runs the query; sets
// uncacheable when the query or a relation it reads is not on the allow-list (allow_list.hpp).
void run_fill(const FillIn* in, FillOut* out);

// Re-makes the stored privilege checks for the current role: raises the executor's own 42501
// error if one fails. Returns false (checking nothing) if one of the relations no longer exists:
// the entry is then stale (a dropped relation's generation was bumped, but a hit must not fail
// on it either way).
bool check_perms(int n_perms, const FillPerm* perms);

}  // namespace azora::cache
