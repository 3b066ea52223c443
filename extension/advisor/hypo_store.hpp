// advisor/hypo_store.hpp — the session's hypothetical btree indexes and hidden real indexes.
//
// Backend-local by design: what-if state is never shared with another session. Each index's
// PostgreSQL data (its predicate and DDL text) lives in its own memory context under the
// "azora_opt advisor" context, so dropping one frees exactly its memory and reset() frees all.
// The records themselves are plain data (no destructors), so planner hooks can read them
// without owning C++ objects.
//
// OIDs. A hypothetical index needs an OID the planner will carry around as an index OID. We
// take them downward from FirstNormalObjectId - 1 (16383): PostgreSQL assigns OIDs below
// FirstNormalObjectId only while initdb runs (after that the OID counter wraps to
// FirstNormalObjectId), so no relation created later can ever get one; the few that initdb
// used are skipped by a pg_class lookup. The range ends at FirstUnpinnedObjectId (12000).
#pragma once

#include "pg.hpp"

namespace azora::advisor {

struct HypoIndex {
  Oid oid;
  Oid relid;
  NameData name;
  MemoryContext context;  // owns predicate and definition
  int ncolumns;           // key + INCLUDE columns
  int nkeycolumns;
  AttrNumber attnums[INDEX_MAX_KEYS];
  Oid opfamily[INDEX_MAX_KEYS];  // key columns only (like IndexOptInfo)
  Oid opcintype[INDEX_MAX_KEYS];
  Oid collation[INDEX_MAX_KEYS];
  bool reverse[INDEX_MAX_KEYS];
  bool nulls_first[INDEX_MAX_KEYS];
  bool unique;
  bool deduplicate;  // deduplicate_items and every key opclass is equalimage
  int fillfactor;
  List* predicate;   // implicit-AND clauses with Vars of varno 1, or NIL
  char* definition;  // the CREATE INDEX statement as given
  // Size estimate, redone when the table's row estimate or the predicate's fraction moves.
  double estimated_tuples;    // table rows it was estimated for (-1: never)
  double estimated_fraction;  // rows passing the predicate, as a fraction
  BlockNumber pages;
  int tree_height;
  double index_tuples;  // heap tuples the index points to
};

// The memory context hypothetical indexes' data lives in (created on first use).
MemoryContext store_context();

int count();
HypoIndex* at(int i);
HypoIndex* find(Oid oid);
// A free OID from the reserved range, at most `below` - 1 (the advisor's candidates take a run
// of them); ERRCODE_PROGRAM_LIMIT_EXCEEDED when none is left.
Oid allocate_oid(Oid below = FirstNormalObjectId);
void add(const HypoIndex& index);
bool drop(Oid oid);
void reset();

// Real indexes the planner must not see while planning with what-if indexes.
bool hide(Oid index);
bool unhide(Oid index);
bool hidden(Oid index);
int hidden_count();
Oid hidden_at(int i);

}  // namespace azora::advisor
