// table.hpp — prints a Result as an aligned text table, like psql's, for the azora-opt CLI.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "azora/result.hpp"

namespace azora::cli {

// Tables wider than this print one field a line (psql's expanded form).
constexpr size_t kTableWidth = 100;

// kAuto: print_table goes expanded when wider than kTableWidth; kOn (-x): every table does.
enum class Expanded { kAuto, kOn };
void set_expanded(Expanded mode);

// Prints every row of `result`, cutting cells longer than max_cell_width with "…"; expanded
// (one "-[ RECORD n ]" block per row) when wider than kTableWidth or with -x.
void print_table(const Result& result, std::FILE* out, size_t max_cell_width = 60);

// Prints rows[0] as the header and the rest as rows, the first `numeric_columns` columns
// right-aligned, cutting cells as print_table does.
void print_rows(const std::vector<std::vector<std::string>>& rows, std::FILE* out,
                size_t numeric_columns, size_t max_cell_width = 60);

}  // namespace azora::cli
