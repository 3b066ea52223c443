// output.cpp — text and JSON output of query results (see output.hpp).
#include "output.hpp"

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "table.hpp"

namespace azora::cli {

namespace {

// Server type OIDs (pg_type.h).
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700, kJson = 114, kJsonb = 3802;

// Array types whose elements are typed like the scalars below; other arrays' are strings.
constexpr Oid kBoolArray = 1000, kInt2Array = 1005, kInt4Array = 1007, kInt8Array = 1016,
              kOidArray = 1028, kFloat4Array = 1021, kFloat8Array = 1022, kNumericArray = 1231,
              kTextArray = 1009, kNameArray = 1003, kVarcharArray = 1015, kRegclassArray = 2210;

Oid element_type(Oid array) {
  switch (array) {
    case kBoolArray:
      return kBool;
    case kInt2Array:
    case kInt4Array:
    case kInt8Array:
    case kOidArray:
      return kInt8;
    case kFloat4Array:
    case kFloat8Array:
    case kNumericArray:
      return kFloat8;
    case kTextArray:
    case kNameArray:
    case kVarcharArray:
    case kRegclassArray:
      return 25;  // text
    default:
      return 0;  // not an array the CLI reads
  }
}

constexpr Oid kTimestamp = 1114, kTimestamptz = 1184, kInterval = 1186;

// "2026-12-03 18:57:45.69+00" -> "2026-12-03T18:57:45.69+00:00" (ISO 8601, as JSON readers
// expect); anything else (infinity, another DateStyle) unchanged.
std::string iso8601(std::string text) {
  if (text.size() < 19 || text[4] != '-' || text[10] != ' ' || text[13] != ':') return text;
  text[10] = 'T';
  size_t sign = text.find_first_of("+-", 19);
  if (sign != std::string::npos && text.size() - sign == 3) text += ":00";
  return text;
}

// An interval in the default IntervalStyle ("1 day 02:03:04.5", "00:04:59.87", "-00:00:01")
// as seconds; nullopt when it has months or years (not a fixed number of seconds) or another
// style.
std::optional<double> interval_seconds(const std::string& text) {
  double days = 0;
  std::string rest = text;
  size_t day = rest.find(" day");
  if (day != std::string::npos) {
    char* end = nullptr;
    days = std::strtod(rest.c_str(), &end);
    if (end != rest.c_str() + day) return std::nullopt;
    size_t after = rest.find(' ', day + 1);
    rest = after == std::string::npos ? "" : rest.substr(after + 1);
  }
  double seconds = 0;
  if (!rest.empty()) {
    bool negative = rest[0] == '-';
    if (negative || rest[0] == '+') rest = rest.substr(1);
    int h = 0, m = 0;
    double sec = 0;
    int used = 0;
    if (std::sscanf(rest.c_str(), "%d:%d:%lf%n", &h, &m, &sec, &used) != 3 ||
        static_cast<size_t>(used) != rest.size())
      return std::nullopt;
    seconds = h * 3600.0 + m * 60.0 + sec;
    if (negative) seconds = -seconds;
  }
  return days * 86400 + seconds;
}

nlohmann::json scalar(const std::string& text, Oid type) {
  switch (type) {
    case kBool:
      return text == "t";
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      return std::stoll(text);
    case kFloat4:
    case kFloat8:
    case kNumeric:
      if (text == "NaN" || text == "Infinity" || text == "-Infinity") return text;
      return std::stod(text);
    case kJson:
    case kJsonb:
      return nlohmann::json::parse(text, nullptr, false);
    case kTimestamp:
    case kTimestamptz:
      return iso8601(text);
    case kInterval:
      if (std::optional<double> secs = interval_seconds(text)) return *secs;
      return text;
    default:
      return text;
  }
}

// A one-dimensional array in PostgreSQL's text form ({1,2}, {"a b",NULL,c\,d}) as a JSON
// array of `element` values; nullopt for anything else (several dimensions, bounds).
std::optional<nlohmann::json> array_json(const std::string& text, Oid element) {
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return std::nullopt;
  nlohmann::json out = nlohmann::json::array();
  if (text == "{}") return out;
  std::string item;
  bool quoted = false, was_quoted = false;
  for (size_t i = 1; i + 1 <= text.size(); i++) {
    char c = i + 1 == text.size() ? ',' : text[i];  // the closing brace ends the last item
    if (quoted) {
      if (c == '\\' && i + 2 < text.size()) {
        item += text[++i];
      } else if (c == '"') {
        quoted = false;
      } else {
        item += c;
      }
    } else if (c == '"') {
      quoted = was_quoted = true;
    } else if (c == '\\' && i + 2 < text.size()) {
      item += text[++i];
    } else if (c == '{') {
      return std::nullopt;  // a nested dimension
    } else if (c == ',') {
      if (!was_quoted && item == "NULL") {
        out.push_back(nullptr);
      } else {
        out.push_back(scalar(item, element));
      }
      item.clear();
      was_quoted = false;
    } else {
      item += c;
    }
  }
  return out;
}

nlohmann::json cell(const Result& result, int row, int col) {
  if (result.is_null(row, col)) return nullptr;
  std::string text(result.value(row, col));
  Oid type = PQftype(result.native(), col);
  if (Oid element = element_type(type)) {
    if (std::optional<nlohmann::json> items = array_json(text, element)) return *items;
    return text;
  }
  return scalar(text, type);
}

}  // namespace

nlohmann::json rows_json(const Result& result) {
  nlohmann::json rows = nlohmann::json::array();
  for (int r = 0; r < result.rows(); r++) {
    nlohmann::json row = nlohmann::json::object();
    for (int c = 0; c < result.columns(); c++) row[result.column_name(c)] = cell(result, r, c);
    rows.push_back(std::move(row));
  }
  return rows;
}

void print_result(const Result& result, Format format, std::FILE* out) {
  if (format == Format::kJson) {
    print_json(rows_json(result), out);
  } else {
    print_table(result, out);
  }
}

std::vector<std::string> array_items(std::string_view text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text) {
    if (c == '{' || c == '}' || c == ',') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else if (c != '"') {
      item.push_back(c);
    }
  }
  return out;
}

std::string size_pretty(long long size) {
  // PostgreSQL 15's pg_size_pretty (src/backend/utils/adt/dbsize.c): bytes below 10 kB, then
  // each unit below 20480 - 1 of it, halves rounded away from zero.
  struct Unit {
    const char* name;
    long long limit;
    bool round;
    int bits;
  };
  static const Unit units[] = {{"bytes", 10 * 1024, false, 0},  {"kB", 20 * 1024 - 1, true, 10},
                               {"MB", 20 * 1024 - 1, true, 20}, {"GB", 20 * 1024 - 1, true, 30},
                               {"TB", 20 * 1024 - 1, true, 40}, {"PB", 20 * 1024 - 1, true, 50}};
  constexpr size_t n = sizeof units / sizeof units[0];
  for (size_t i = 0; i < n; i++) {
    const Unit& u = units[i];
    long long magnitude = size < 0 ? -size : size;
    if (i + 1 == n || magnitude < u.limit) {
      if (u.round) size = (size + (size < 0 ? -1 : 1)) / 2;
      return std::to_string(size) + " " + u.name;
    }
    const Unit& next = units[i + 1];
    int bits = next.bits - u.bits - (next.round ? 1 : 0) + (u.round ? 1 : 0);
    size /= 1LL << bits;
  }
  return std::to_string(size) + " bytes";
}

void print_json(const nlohmann::json& doc, std::FILE* out) {
  std::fputs(doc.dump(2).c_str(), out);
  std::fputc('\n', out);
}

}  // namespace azora::cli
