// advisor/workload.hpp — the tracked statements the advisor plans for: read from the tracker
// (azora_opt.queries and the slowest call's source text), parsed again as the role that ran
// each one (probe.hpp), and the columns an index could serve extracted from each.
#pragma once

#include "advisor/probe.hpp"
#include "pg.hpp"

namespace azora::advisor {

// azora_opt.advisor_min_calls / advisor_min_total_ms: entries below are not advised on.
extern int min_calls;
extern double min_total_ms;
// azora_opt.advisor_max_statements: at most this many are advised on, the heaviest first.
extern int max_statements;
// azora_opt.advisor_memo_size (kB): what one call's cost memos may hold, the selection's and the
// what-if oracle's half each (pure/bounded_memo.hpp).
extern int memo_size_kb;
size_t memo_bytes_each();
// azora_opt.advisor_workload_size (kB): memory the analysed statements one call keeps may take;
// the statements past it are counted in the summary, not advised on.
extern int workload_size_kb;
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

// One way a statement ran, ready to plan (as its WorkloadQuery's role): the unit the advisor
// costs. A call's complete text with its constants, or a text with $n and the call's values
// (planned with them bound, a custom plan, as PostgreSQL plans that call), or the normalized
// text alone (a generic plan: the fallback).
struct Sample {
  const char* text;         // the text it was parsed from
  const char* search_path;  // the call's search_path (nullptr: the role's default)
  Query* query;  // analysed and rewritten; copy it before each planning (the planner scribbles)
  ParamListInfo params;  // the call's parameter values, or nullptr
  int weight;            // how many of the statement's samples were exactly this one
};

// What a statement's costs were planned from (advise_indexes().cost_basis).
enum CostBasis { kBasisSamples = 0, kBasisSlowestCall = 1, kBasisGeneric = 2 };

// One tracked statement, ready to plan. Plain data; PostgreSQL parts are palloc'd in the
// caller's memory context. Its cost is the mean over its samples: they are a uniform sample of
// its calls, so the mean times its calls is its call-weighted cost.
struct WorkloadQuery {
  int64 queryid;
  ProbeRole role;   // planned as the role that ran it, with its search_path
  double total_ms;  // calls x mean time
  int nsamples;
  Sample* samples;
  CostBasis basis;
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
  // Whether `referenced` may miss columns the planner sees: a whole-row or system column, or a
  // function in FROM (the planner may inline an SQL function's query into it). When false, an
  // index none of whose columns it reads, on a table it reads other columns of, gives the
  // planner no path for it (no clause, no order, no index-only scan): its cost does not
  // depend on that index.
  bool opaque_reads;
};

// Why statements were left out of the advice, for the one summary NOTICE.
struct WorkloadSummary {
  int advised;       // statements advised on
  int hidden;        // another role's statement the caller may not see
  int no_role;       // its role was dropped
  int no_parse;      // no longer parses or plans (as its role)
  int denied;        // its role cannot SELECT from a table it reads
  int not_read;      // not a SELECT, UPDATE or DELETE, or several statements in one text
  int beyond_limit;  // past azora_opt.advisor_max_statements (less total time)
  int beyond_size;   // past azora_opt.advisor_workload_size (less total time)
  int expression;    // advised on, but a condition on an expression of a column gave nothing
  int generic;       // advised on from the normalized text alone (a generic plan)
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
// time that the caller may see (a superuser or member of pg_read_all_stats: every role's; else
// its own), and makes each into samples: its slowest call's source text, or, without one, its
// normalized text as a generic plan. Each is parsed, probe-planned and walked AS THE ROLE THAT
// RAN IT (probe.hpp), so the caller needs no privilege on the tables and runs none of that
// role's code with its own rights. Candidate columns: plain columns of ordinary tables, compared
// with a btree operator (=, <, <=, >, >=, IN, IS NULL) to a value or another table's column,
// matched with LIKE against a constant prefix ('abc%'), or sorted or grouped on. Columns of a
// partitioned table are candidates on the parent (what-if planning puts the index on every
// partition). A statement that no longer parses or plans, reads a table its role cannot SELECT
// from, or that the caller may not see is skipped; each skip (and each condition on an
// expression of a column, for which no expression index is advised) is reported at DEBUG1 with
// the query id and counted in `summary`. Statements that read no ordinary table (catalog
// queries, function calls such as the advisor's own) and utility statements (EXPLAIN, SET, DDL)
// are left out silently. Query cancel and statement_timeout stop it. Uses SPI; runs in C style
// (ereport).
void load_workload(WorkloadQuery** out, int* count, WorkloadSummary* summary);

// The one NOTICE saying how many statements were advised on and how many were skipped, by
// reason, with a hint on what to do; nothing when there was nothing to advise on or skip.
void report_summary(const WorkloadSummary& summary);

}  // namespace azora::advisor
