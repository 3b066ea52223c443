// output.hpp — how the CLI prints a query result: an aligned table (text) or a JSON array of
// row objects with typed values (json).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "azora/result.hpp"
#include "context.hpp"

namespace azora::cli {

// The rows of `result` as JSON objects: numbers, booleans and nulls typed, the rest strings.
nlohmann::json rows_json(const Result& result);

// Prints `result` in the chosen format.
void print_result(const Result& result, Format format, std::FILE* out = stdout);

// The items of a one-dimensional PostgreSQL array in text form of numbers or plain words
// ("{1,-2,3}" -> {"1","-2","3"}); quotes are dropped, no escapes are expected.
std::vector<std::string> array_items(std::string_view text);

// A size in bytes as PostgreSQL's pg_size_pretty writes it: "8192 bytes", "928 kB", "3992 kB",
// "12 MB" (every size the CLI prints, so one command's sizes compare with another's and psql's).
std::string size_pretty(long long bytes);

// Prints a JSON document followed by a newline.
void print_json(const nlohmann::json& doc, std::FILE* out = stdout);

}  // namespace azora::cli
