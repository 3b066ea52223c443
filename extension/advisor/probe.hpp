// advisor/probe.hpp — one piece of the advisor's parse and plan work, run inside a
// subtransaction that is always rolled back, as the role that ran the tracked statement.
//
// Why: the planner evaluates IMMUTABLE functions (and, estimating, STABLE ones), and parsing
// resolves names through search_path. Planning another user's statement as the caller would run
// that user's functions with the caller's rights (the class of CVE-2022-1552). So each probe
// switches to the statement's role under SECURITY_RESTRICTED_OPERATION, with that statement's
// search_path, as VACUUM, ANALYZE and REFRESH MATERIALIZED VIEW do for a table's owner; and it
// rolls its subtransaction back, which undoes anything the functions did and releases the locks
// the probe took (thousands of statements never pile up locks in one call).
#pragma once

#include "pg.hpp"

namespace azora::advisor {

// Whom a probe runs as: a role and its search_path (nullptr: PostgreSQL's default,
// "$user", public — never the caller's, which the caller controls). userid InvalidOid: the
// caller itself, unrestricted (for the advisor's own catalog work such as defining candidates).
struct ProbeRole {
  Oid userid;
  const char* search_path;
};

// Runs fn(arg) as `role` in a subtransaction that is rolled back, in the caller's memory
// context (what fn allocates there survives). Returns nullptr when fn completed, or the message
// of an ordinary error fn raised (palloc'd in the caller's context) when `keep_errors`; every
// other error is re-thrown: query cancel, statement_timeout and the other operator
// interventions, insufficient resources (memory, locks), system errors and corruption, and with
// !keep_errors all of them. C style: fn must own no C++ objects.
const char* run_probe(const ProbeRole& role, void (*fn)(void*), void* arg, bool keep_errors);

// Takes, inside a probe, the locks the parser took on every relation `query` reads (its range
// tables, subqueries, CTEs and sublinks), as the plan cache does before re-planning a query: an
// analysed query is planned again in a later probe, after the first one released them.
void lock_relations(Query* query);

}  // namespace azora::advisor
