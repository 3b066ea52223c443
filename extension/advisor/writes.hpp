// advisor/writes.hpp — the tracked writes (INSERT, UPDATE, DELETE, MERGE, COPY FROM) of this
// database, the table each one writes, and what they would pay to keep a candidate index up to
// date: the maintenance side of the advisor's objective (docs/extension/advisor.md, Writes).
#pragma once

#include "advisor/hypo_store.hpp"
#include "pg.hpp"

namespace azora::advisor {

// What a write statement does to each row it reports.
enum WriteKind : int { kWriteInsert = 1, kWriteUpdate = 2, kWriteDelete = 4 };

// One tracked write statement. Plain data, palloc'd in the caller's memory context.
struct TrackedWrite {
  int64 queryid;
  Oid relid;    // the table it writes (a partition, a table or a partitioned table)
  Oid top;      // relid's topmost partitioned ancestor, or relid
  int kinds;    // WriteKind bits (MERGE may have several)
  double rows;  // rows written over all its calls
  int nset;     // UPDATE (and MERGE ... UPDATE): the columns it sets, by name
  char** set;
  bool blocks_hot;  // it sets a column of relid's existing indexes: never a HOT update
  int nindexes;     // relid's existing indexes (each gets an entry when HOT is lost)
};

// A tracked read statement's calls and total time, summed per query id over its entries:
// what converts planner cost units into milliseconds (ms_per_cost_unit).
struct TrackedCalls {
  int64 queryid;
  double calls;
  double total_ms;
};

// Reads this database's tracked statements visible to the caller. Writes: parsed (raw_parser;
// the normalized text's $n placeholders parse) for their target table, resolved as the
// statement's role would resolve it — a schema-qualified name as written, else through that
// role's search_path setting (for this database, then any database, then the database's), else
// the server's, with "$user" as the role's name; a table the caller cannot SELECT from, or
// one that no longer exists, is left out. Also every entry's calls and time per query id.
// Uses SPI; C style (ereport).
void load_writes(TrackedWrite** writes, int* nwrites, TrackedCalls** calls, int* ncalls);

// The planner cost units one new entry in `h` costs (sized: pages, tree_height and
// index_tuples filled), and one dead entry's removal by VACUUM; `rows` is the number of
// insertions the index will take, which sets how many distinct leaf pages they touch.
double insertion_cost(const HypoIndex& h, double rows);
double removal_cost();

// What the writes of `h`'s table pay to maintain `h` (sized), in planner cost units, and
// whether some tracked UPDATE sets one of its columns (key or INCLUDE) while setting no column
// of the table's existing indexes (a HOT update today that the index would make non-HOT).
// Candidates on a partitioned table count the writes of its partitions.
double maintenance_cost_units(const HypoIndex& h, const TrackedWrite* writes, int nwrites,
                              bool* hot_update_loss);

}  // namespace azora::advisor
