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

// Prints a JSON document followed by a newline.
void print_json(const nlohmann::json& doc, std::FILE* out = stdout);

}  // namespace azora::cli
