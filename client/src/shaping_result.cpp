// shaping_result.cpp — shaping of a query Result straight to JSON text (see shaping.hpp).
//
// This is the hot path of a list endpoint, so it writes bytes into one buffer: no document, no
// per-value allocation, column metadata resolved once per result rather than once per row.
#include <cstring>
#include <string>
#include <vector>

#include "azora/error.hpp"
#include "azora/shaping.hpp"
#include "azora/detail/utf8.hpp"
#include "iso8601.hpp"
#include "json_text.hpp"
#include "shaping_detail.hpp"

namespace azora::shaping {

namespace {

// PostgreSQL type OIDs (pg_type.dat) that map to JSON types other than string.
enum : Oid {
  kBool = 16,
  kInt8 = 20,
  kInt2 = 21,
  kInt4 = 23,
  kOid = 26,
  kJson = 114,
  kFloat4 = 700,
  kFloat8 = 701,
  kTimestamp = 1114,
  kTimestamptz = 1184,
  kNumeric = 1700,
  kJsonb = 3802,
};

// int8 and numeric are kinds of their own: BigNumbers::string writes them as strings.
// Timestamps are strings in ISO 8601 form (see iso8601.hpp).
enum class Kind { text, boolean, integer, big_integer, floating, exact, json, timestamp };

struct Column {
  int index;
  Kind kind;
  std::string key;                         // "\"name\":" ready to append
  const detail::FieldTree* sub = nullptr;  // narrower selection inside a json column
};

Kind kind_of(Oid type) {
  switch (type) {
    case kBool:
      return Kind::boolean;
    case kInt2:
    case kInt4:
    case kOid:
      return Kind::integer;
    case kInt8:
      return Kind::big_integer;
    case kFloat4:
    case kFloat8:
      return Kind::floating;
    case kNumeric:
      return Kind::exact;
    case kJson:
    case kJsonb:
      return Kind::json;
    case kTimestamp:
    case kTimestamptz:
      return Kind::timestamp;
    default:
      return Kind::text;
  }
}

std::string column_name(const PGresult* res, int c) {
  const char* name = PQfname(res, c);
  return name ? name : "";
}

// n: the columns to show (a Result may hide trailing ones).
std::vector<Column> plan(const PGresult* res, int n, const detail::FieldTree& sel) {
  std::vector<Column> cols;
  for (int c = 0; c < n; c++) {
    const std::string name = column_name(res, c);
    const detail::FieldTree* sub = nullptr;
    if (!sel.keeps_all()) {
      auto it = sel.children.find(name);
      if (it == sel.children.end()) continue;
      if (!it->second.keeps_all()) sub = &it->second;
    }
    Column col{c, kind_of(PQftype(res, c)), {}, sub};
    if (sub != nullptr && col.kind != Kind::json)
      throw UsageError("shaping: field \"" + name +
                       "\" is not a json column, cannot select into it");
    azora::detail::append_json_string(col.key, name);
    col.key.push_back(':');
    cols.push_back(std::move(col));
  }
  // Every requested column must exist: a typo in an allow-list is a bug, not an empty field.
  for (const auto& [name, child] : sel.children) {
    bool found = false;
    for (int c = 0; c < n && !found; c++) found = column_name(res, c) == name;
    if (!found) throw UsageError("shaping: unknown field \"" + name + "\"");
  }
  return cols;
}

// A float/numeric text that JSON cannot carry as a number.
bool is_special_number(std::string_view v) {
  return v == "NaN" || v == "Infinity" || v == "-Infinity";
}

void append_value(std::string& out, const PGresult* res, int row, const Column& col,
                  const Options& opts) {
  const std::string_view v(PQgetvalue(res, row, col.index),
                           static_cast<std::size_t>(PQgetlength(res, row, col.index)));
  switch (col.kind) {
    case Kind::boolean:
      out += (v == "t") ? "true" : "false";
      return;
    case Kind::big_integer:
    case Kind::exact:
      // A number written as a string is never cut by max_string_length: it is one value.
      if (opts.big_numbers == BigNumbers::string || is_special_number(v)) {
        azora::detail::append_json_string(out, v);
        return;
      }
      out.append(v.data(), v.size());
      return;
    case Kind::integer:
      out.append(v.data(), v.size());
      return;
    case Kind::floating:
      if (is_special_number(v)) break;
      out.append(v.data(), v.size());
      return;
    case Kind::json:
      if (col.sub == nullptr && !opts.drop_nulls && opts.max_string_length == 0) {
        out.append(v.data(), v.size());  // the server's json text is already valid JSON
      } else {
        const auto doc = nlohmann::json::parse(v.begin(), v.end(), nullptr, false);
        if (doc.is_discarded()) throw UsageError("shaping: column holds malformed json");
        static const detail::FieldTree kAll;
        out += detail::shape_value(doc, col.sub ? *col.sub : kAll, opts)
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      }
      return;
    case Kind::timestamp: {
      std::string iso;
      if (detail::iso8601_timestamp(v, iso)) {
        azora::detail::append_json_string(out, iso);
        return;
      }
      break;  // infinity, or a DateStyle other than ISO: the server's text as it is
    }
    case Kind::text:
      break;
  }
  const std::string_view t =
      opts.max_string_length != 0 ? utf8::truncate(v, opts.max_string_length) : v;
  azora::detail::append_json_string(out, t);
}

void check_rows(const PGresult* res) {
  if (res == nullptr) throw UsageError("shaping: no result");
  if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_SINGLE_TUPLE)
    throw UsageError("shaping: the result holds no rows (status " +
                     std::string(PQresStatus(PQresultStatus(res))) + ")");
}

// The first `rows` rows and `ncols` columns of res: a Result passes what it shows (rows() and
// columns()), so pagination's look-ahead row never reaches the client.
void write_rows(const PGresult* res, int rows, int ncols, const Options& opts, std::string& out) {
  check_rows(res);
  const detail::FieldTree sel = detail::FieldTree::parse(opts.fields);
  const std::vector<Column> cols = plan(res, ncols, sel);
  out.push_back('[');
  for (int r = 0; r < rows; r++) {
    if (r != 0) out.push_back(',');
    out.push_back('{');
    bool first = true;
    for (const Column& col : cols) {
      const bool null = PQgetisnull(res, r, col.index) != 0;
      if (null && opts.drop_nulls) continue;
      if (!first) out.push_back(',');
      first = false;
      out += col.key;
      if (null)
        out += "null";
      else
        append_value(out, res, r, col, opts);
    }
    out.push_back('}');
  }
  out.push_back(']');
}

}  // namespace

void shape_to_json(const PGresult* res, const Options& opts, std::string& out) {
  write_rows(res, PQntuples(res), PQnfields(res), opts, out);  // both 0 for nullptr
}

std::string shape_to_json(const PGresult* res, const Options& opts) {
  std::string out;
  shape_to_json(res, opts, out);
  return out;
}

nlohmann::json shape(const PGresult* res, const Options& opts) {
  // One code path for both forms: the document is the parse of the text.
  return nlohmann::json::parse(shape_to_json(res, opts));
}

// A Result is shaped as it shows itself: rows() and columns(), not the whole PGresult.
void shape_to_json(const Result& res, const Options& opts, std::string& out) {
  write_rows(res.native(), res.rows(), res.columns(), opts, out);
}
std::string shape_to_json(const Result& res, const Options& opts) {
  std::string out;
  shape_to_json(res, opts, out);
  return out;
}
nlohmann::json shape(const Result& res, const Options& opts) {
  return nlohmann::json::parse(shape_to_json(res, opts));
}

}  // namespace azora::shaping
