// allow_list.hpp — what a cached query may call and read (docs/extension/cache.md, "What may be
// cached"): an allow-list, so anything not known safe runs uncached.
//
// A query's result may be stored only when everything that can change it is either keyed
// (cache/context.hpp) or invalidates the entry (the generation words and schema epochs). So the
// rewritten query (views, policies, SQL functions not inlined yet) may call:
//   * IMMUTABLE functions and operators, also through casts, I/O coercions, aggregates, window
//     functions, sort and group operators, and domain CHECK constraints;
//   * STABLE built-ins of a short reviewed list whose result depends only on their inputs, keyed
//     settings (TimeZone, DateStyle, lc_*, text search configuration, ...), the keyed roles or
//     catalog state that only DDL changes (which moves the schema epoch);
//   * current_setting() of a keyed setting named by a constant;
// and nothing else: user STABLE/VOLATILE functions, table readers (table_to_xml, query_to_xml),
// time functions (now(), CURRENT_DATE), statistics, sequences and large objects run uncached.
// Only node types known to evaluate nothing hidden are accepted. The query may read ordinary and
// partitioned tables, views and materialized views, not temporary, foreign, system or
// subscription-fed tables, nor sequences.
//
// Plain PostgreSQL code (fill.cpp calls it inside one pg_call()): returns a palloc'd phrase naming
// the first thing refused, or nullptr.
#pragma once

#include "pg.hpp"

namespace azora::cache {

const char* query_refusal(Query* query);
const char* relation_refusal(Oid relid, char relkind);
// The type's output function (recursively through arrays, domains, ranges and composites) must
// be allowed: row_to_json calls it to print each column.
const char* output_type_refusal(Oid type);

}  // namespace azora::cache
