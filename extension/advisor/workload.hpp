// advisor/workload.hpp — the tracked statements the advisor plans for: read from the tracker
// (azora_opt.queries and the slowest call's source text), parsed again, and the columns an
// index could serve extracted from each.
#pragma once

#include "pg.hpp"

namespace azora::advisor {

// azora_opt.advisor_min_calls / advisor_min_total_ms: entries below are not advised on.
extern int min_calls;
extern double min_total_ms;
void define_settings();

// How a query uses a column; an index puts equality columns first, then one range or sort
// column.
enum ColumnUse { kEquality = 0, kRange = 1, kSort = 2 };

// A column a query could use through an index.
struct CandidateColumn {
  Oid relid;
  AttrNumber attnum;
  ColumnUse use;  // its strongest use in the query (equality over range over sort)
  // How an index key on it must be declared (index_selection::KeyFlag bits): kPatternOps for a
  // LIKE prefix under a non-C collation; in `order`, its direction and NULLS placement.
  int flags;
};

// One tracked statement, ready to plan. Plain data; PostgreSQL parts are palloc'd in the
// caller's memory context.
struct WorkloadQuery {
  int64 queryid;
  double total_ms;   // calls x mean time
  Query* query;      // analysed and rewritten; copy it before each planning (the planner scribbles)
  const char* text;  // the text it was parsed from
  int ncolumns;
  CandidateColumn* columns;
  // Every column it reads of ordinary tables (use unused): what an index-only scan must cover.
  int nreferenced;
  CandidateColumn* referenced;
  // The outermost ORDER BY, when a btree declared the default way (ASC NULLS LAST) cannot
  // return its order in either scan direction (mixed directions, or NULLS placed against the
  // direction's default) and its columns are plain columns of one table; else empty.
  int norder;
  CandidateColumn* order;
};

// An OR of conditions on one table, one usable column per arm (`a = $1 OR b = $2`): an index
// on each arm's column lets the planner combine them with a BitmapOr; each alone buys nothing.
struct OrArms {
  Oid relid;
  int narms;
  CandidateColumn* arms;
};

// The ORs of `query` (at any depth, subqueries too) whose every arm has a condition a btree can
// serve on a column of one table: a List of OrArms*, palloc'd. C style (ereport).
List* or_arm_groups(Query* query);

// Reads this database's tracked statements with at least min_calls calls and min_total_ms total
// time, parses each from its slowest call's source text (or, without one, its normalized text
// as a generic plan), and extracts its candidate columns: plain columns of ordinary tables the
// caller may SELECT from, compared with a btree operator (=, <, <=, >, >=, IN, IS NULL) to a
// value or another table's column, matched with LIKE against a constant prefix ('abc%'), or
// sorted or grouped on. A statement that no longer parses or plans, or reads a table the
// caller cannot SELECT from, is skipped with a NOTICE giving its query id and the reason (never
// the table's name). Columns of a partitioned table are candidates on the parent
// (what-if planning puts the index on every partition). A NOTICE with the query id also says
// when a statement has a condition on an expression or function of a column (no expression
// indexes are advised); its other candidates are kept. Statements that read
// no ordinary table (catalog queries, function calls such as the advisor's own) and utility
// statements (EXPLAIN, SET, DDL) are left out silently. Uses SPI; runs in C style (ereport).
void load_workload(WorkloadQuery** out, int* count);

}  // namespace azora::advisor
