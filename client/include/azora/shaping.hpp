// shaping.hpp — payload shaping: cut a query result or a JSON document down to what a client
// needs (field allow-list, no nulls, bounded strings) before it is serialized and sent.
//
// Pure functions of their inputs: thread-safe, no I/O. Bad input (unknown column, malformed
// options, a document nested deeper than kMaxDepth) throws azora::UsageError, never crashes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "azora/result.hpp"

namespace azora::shaping {

// Documents nested deeper than this are refused: shaping recurses, and a hostile document must
// not be able to exhaust the stack.
inline constexpr int kMaxDepth = 256;

// How a Result's int8 and numeric values are written. A JSON number is exact in the text, but
// JavaScript (JSON.parse, every browser) reads it into a double: an int8 past 2^53
// (9007199254740993) silently becomes its neighbour, and a numeric loses digits past ~16.
enum class BigNumbers {
  number,  // raw JSON numbers (the default: what most JSON consumers expect)
  string,  // JSON strings ("9007199254740993"), exact in any client; int2/int4/oid and
           // float4/float8 stay numbers (a double carries them exactly already)
};

struct Options {
  // Allow-list of fields to keep; empty keeps every field. A dotted path ("author.name") keeps
  // one member of a nested object (applied to every element when the value is an array). For a
  // Result, the first segment must be a column name; deeper segments reach into json/jsonb.
  std::vector<std::string> fields;
  // Remove object members whose value is null (array elements are kept: indexes mean things).
  bool drop_nulls = false;
  // Cut string values to at most this many bytes on a UTF-8 character boundary; 0 = no limit.
  std::size_t max_string_length = 0;
  // int8 and numeric columns of a Result as numbers or as strings (see BigNumbers).
  BigNumbers big_numbers = BigNumbers::number;
};

// Named option sets, as in the seed guide's payloadOptimizer.
//   minimal:  drop nulls, strings <= 100 bytes  (list views on mobile)
//   standard: drop nulls, strings <= 1000 bytes (default API responses)
//   full:     everything as stored
enum class Preset { minimal, standard, full };

Options preset(Preset p, std::vector<std::string> fields = {});
// "minimal" | "standard" | "full" (e.g. from a ?view= query parameter); other text: UsageError.
Preset parse_preset(std::string_view name);

// A shaped copy of doc. An array is shaped element by element (a list endpoint); anything else
// as one value.
nlohmann::json shape(const nlohmann::json& doc, const Options& opts);

// The rows of res as a JSON array of objects (column name -> value), shaped. Only what res
// shows: rows() rows and columns() columns (a paginated page without its look-ahead row).
// Column types map to JSON: bool -> true/false, integer/float/numeric -> number (NaN/Infinity
// stay strings; int8/numeric become strings with BigNumbers::string), json/jsonb -> embedded
// document, timestamp/timestamptz -> ISO 8601 string as PostgreSQL's to_json writes it
// ("2026-12-03T18:57:45.692186+00:00"; needs DateStyle ISO, the default), everything else ->
// string. NULL -> null (or dropped).
nlohmann::json shape(const Result& res, const Options& opts);

// The same array written straight to JSON text, without building a document: the fast path for
// responses (no per-value allocation). Invalid UTF-8 in text values becomes U+FFFD.
std::string shape_to_json(const Result& res, const Options& opts);
// Appends to out (reuse one buffer across requests to avoid reallocation).
void shape_to_json(const Result& res, const Options& opts, std::string& out);

// The same on a raw libpq result (not taken over: the caller still PQclear()s it). A result
// without rows (a command, an error) or nullptr throws UsageError.
nlohmann::json shape(const PGresult* res, const Options& opts);
std::string shape_to_json(const PGresult* res, const Options& opts);
void shape_to_json(const PGresult* res, const Options& opts, std::string& out);

}  // namespace azora::shaping
