// pagination.cpp — SQL for offset and keyset pages (see pagination.hpp).
#include "azora/pagination.hpp"

#include <algorithm>

#include "azora/query_timer.hpp"

namespace azora {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void check_listing(const Listing& l, int page_size) {
  if (l.table.empty()) throw UsageError("listing needs a table (or, with from, a name)");
  if (l.columns.empty()) throw UsageError("listing needs at least one column");
  if (l.order_by.empty()) throw UsageError("listing needs an order_by (a unique sort key)");
  for (const std::string& k : l.order_by) {
    if (contains(l.columns, k) || contains(l.sortable, k)) continue;
    // The name may be client input (?sort=): cap it so the message stays readable.
    const std::string shown = k.size() > 64 ? k.substr(0, 64) + "..." : k;
    throw UsageError("sort column \"" + shown +
                     "\" is not allowed (it must be in the listing's columns or sortable)");
  }
  if (page_size < 1 || page_size > kMaxPageSize)
    throw UsageError("page size must be between 1 and " + std::to_string(kMaxPageSize));
}

std::string from_clause(const Connection& conn, const Listing& l) {
  if (!l.from.empty()) return l.from;
  std::string t = l.schema.empty() ? "" : conn.quote_identifier(l.schema) + '.';
  return t + conn.quote_identifier(l.table);
}

// How SQL refers to an output name: its trusted expression, or the quoted identifier.
std::string ref(const Connection& conn, const Listing& l, const std::string& name) {
  auto it = l.expressions.find(name);
  return it != l.expressions.end() ? it->second : conn.quote_identifier(name);
}

// The SELECT list: the requested columns, then any sort column not among them (read for the
// cursor, then hidden from the page's data with Result::truncate_columns).
std::string select_list(const Connection& conn, const Listing& l) {
  std::vector<std::string> cols = l.columns;
  for (const std::string& k : l.order_by)
    if (!contains(cols, k)) cols.push_back(k);
  std::string out;
  for (const std::string& c : cols) {
    if (!out.empty()) out += ", ";
    if (l.expressions.count(c) != 0)
      out += ref(conn, l, c) + " AS " + conn.quote_identifier(c);
    else
      out += conn.quote_identifier(c);
  }
  return out;
}

std::string order_clause(const Connection& conn, const Listing& l) {
  std::string out = " ORDER BY ";
  for (std::size_t i = 0; i < l.order_by.size(); i++) {
    if (i > 0) out += ", ";
    out += ref(conn, l, l.order_by[i]);
    if (l.descending) out += " DESC";
  }
  return out;
}

Result run(Connection& conn, QueryTimer* timer, const Listing& l, const std::string& sql,
           const std::vector<Param>& params) {
  // Prepared once per connection: a page query's planning costs more than its execution.
  if (timer != nullptr) {
    ObserverPause pause(conn);  // timed here, under the listing's table
    return timer->time("select", l.table, sql, [&] { return conn.exec_prepared(sql, params); });
  }
  return conn.exec_prepared(sql, params);
}

}  // namespace

OffsetPage paginate_offset(Connection& conn, const Listing& l, int page, int page_size,
                           bool with_total, QueryTimer* timer) {
  check_listing(l, page_size);
  if (page < 1) throw UsageError("page numbers start at 1");
  const std::string from = from_clause(conn, l);
  const std::string where = l.filter.empty() ? "" : " WHERE (" + l.filter + ")";
  std::vector<Param> params = l.filter_params;
  const std::size_t n = params.size();
  params.push_back(std::to_string(page_size + 1));  // one ahead: has_more without a count
  params.push_back(std::to_string(static_cast<long long>(page - 1) * page_size));
  const std::string sql = "SELECT " + select_list(conn, l) + " FROM " + from + where +
                          order_clause(conn, l) + " LIMIT $" + std::to_string(n + 1) + " OFFSET $" +
                          std::to_string(n + 2);
  OffsetPage out;
  out.page = page;
  out.page_size = page_size;
  out.data = run(conn, timer, l, sql, params);
  out.has_more = out.data.rows() > page_size;
  out.data.truncate(page_size);
  out.data.truncate_columns(static_cast<int>(l.columns.size()));
  if (with_total) {
    Result c = run(conn, timer, l, "SELECT count(*) FROM " + from + where, l.filter_params);
    out.total = std::stoll(std::string(c.value(0, 0)));
  }
  return out;
}

KeysetPage paginate_keyset(Connection& conn, const Listing& l, const CursorCodec& codec,
                           std::string_view cursor, int page_size, QueryTimer* timer) {
  check_listing(l, page_size);
  const std::string from = from_clause(conn, l);
  // The cursor is only valid for this table, sort key, direction, filter and filter values
  // (one tenant's cursor must not decode for another), and FROM clause, each part
  // length-prefixed.
  std::vector<std::string> parts = {l.schema, l.table, l.descending ? "desc" : "asc",
                                    std::to_string(l.order_by.size())};
  parts.insert(parts.end(), l.order_by.begin(), l.order_by.end());
  parts.push_back(l.filter);
  for (const Param& p : l.filter_params) parts.push_back(p ? "=" + *p : "null");
  parts.push_back(l.from);
  const std::string scope = CursorCodec::scope(parts);

  std::vector<Param> params = l.filter_params;
  std::vector<std::string> conditions;
  if (!l.filter.empty()) conditions.push_back("(" + l.filter + ")");
  if (!cursor.empty()) {
    std::vector<std::string> after = codec.decode(scope, cursor);
    if (after.size() != l.order_by.size()) throw InvalidCursor("invalid cursor: wrong key size");
    // (a, b) > ($1, $2): one row comparison the planner turns into an index range scan.
    std::string lhs, rhs;
    for (std::size_t i = 0; i < after.size(); i++) {
      lhs += (i ? ", " : "") + ref(conn, l, l.order_by[i]);
      params.push_back(after[i]);
      rhs += (i ? ", $" : "$") + std::to_string(params.size());
    }
    conditions.push_back("(" + lhs + ")" + (l.descending ? " < " : " > ") + "(" + rhs + ")");
  }
  params.push_back(std::to_string(page_size + 1));
  std::string sql = "SELECT " + select_list(conn, l) + " FROM " + from;
  for (std::size_t i = 0; i < conditions.size(); i++)
    sql += (i ? " AND " : " WHERE ") + conditions[i];
  sql += order_clause(conn, l) + " LIMIT $" + std::to_string(params.size());

  KeysetPage out;
  out.page_size = page_size;
  out.data = run(conn, timer, l, sql, params);
  out.has_more = out.data.rows() > page_size;
  out.data.truncate(page_size);
  if (out.has_more) {
    const int last = out.data.rows() - 1;
    std::vector<std::string> key;
    for (const std::string& k : l.order_by) {
      const int col = out.data.column_index(k);
      if (out.data.is_null(last, col))
        throw UsageError("sort column \"" + k + "\" is NULL: keyset needs a NOT NULL sort key");
      key.emplace_back(out.data.value(last, col));
    }
    out.next_cursor = codec.encode(scope, key);
  }
  out.data.truncate_columns(static_cast<int>(l.columns.size()));  // after reading the key
  return out;
}

}  // namespace azora
