// pagination.hpp — offset and keyset pagination over a table, a view or a join.
//
// Offset pagination (page N of size S) is simple but the server still reads and throws away
// (N-1)*S rows; keyset pagination continues after the last row's sort key (an index range
// scan), so page 1000 costs what page 1 costs. Both fetch one row ahead to know has_more
// without counting; the offset total (a COUNT) is optional for that reason.
// Functions, no state: thread-safe as far as the Connection passed in is (one per thread).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "azora/connection.hpp"
#include "azora/cursor.hpp"

namespace azora {

class QueryTimer;

// What to list. Identifiers are quoted by libpq; values are parameters.
struct Listing {
  std::string schema;  // optional
  // Required: the table or view to list; with `from`, only the listing's name (the metrics
  // table label and part of the cursor scope).
  std::string table;
  // Optional trusted FROM clause written by the developer (never client text), used instead
  // of schema.table, e.g. "courses c JOIN users u ON u.id = c.instructor_id".
  std::string from;
  // Output name -> trusted SQL expression, for the columns (and sort columns) that need
  // qualifying in a join: {{"id", "c.id"}, {"instructor", "u.name"}}. Other names are quoted
  // identifiers.
  std::map<std::string, std::string> expressions;
  std::vector<std::string> columns;  // the SELECT list (e.g. from Projection::select)
  // The sort key, which must be unique and NOT NULL (end it with the primary key). Every sort
  // column must be in `columns` or in `sortable`, else UsageError: a client-chosen sort
  // (?sort=password_hash) cannot select a column the projection does not allow.
  std::vector<std::string> order_by;
  // Columns that may be sorted on without being returned (developer-chosen, e.g. {"id"}). They
  // are selected for the keyset cursor but hidden from `data`; their values are in the cursor.
  std::vector<std::string> sortable;
  bool descending = false;  // every sort column in the same direction (row comparison)
  // Optional trusted SQL condition written by the developer (never client text), with
  // $1..$n placeholders bound to filter_params, e.g. "org_id = $1".
  std::string filter;
  std::vector<Param> filter_params;
};

struct OffsetPage {
  Result data;   // this page's rows (at most page_size), with exactly `columns`
  int page = 1;  // 1-based
  int page_size = 0;
  std::optional<long long> total;  // all matching rows, when asked for
  bool has_more = false;
};

struct KeysetPage {
  Result data;  // this page's rows (at most page_size), with exactly `columns`
  int page_size = 0;
  bool has_more = false;
  std::string next_cursor;  // continue with this; empty when !has_more
};

inline constexpr int kMaxPageSize = 1000;

// page >= 1 and 1 <= page_size <= kMaxPageSize, else UsageError.
OffsetPage paginate_offset(Connection& conn, const Listing& listing, int page, int page_size,
                           bool with_total = false, QueryTimer* timer = nullptr);

// cursor: empty for the first page, else a next_cursor from the previous page (InvalidCursor
// when it is tampered with or belongs to another listing).
KeysetPage paginate_keyset(Connection& conn, const Listing& listing, const CursorCodec& codec,
                           std::string_view cursor, int page_size, QueryTimer* timer = nullptr);

}  // namespace azora
