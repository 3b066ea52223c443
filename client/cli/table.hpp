// table.hpp — prints a Result as an aligned text table, like psql's, for the azora-opt CLI.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "azora/result.hpp"

namespace azora::cli {

// Every line of text output fits this many columns (code points): wider tables wrap their
// free-text column or print one field a line (psql's expanded form), longer lines are broken.
constexpr size_t kTableWidth = 100;

// A free-text column is wrapped only if that leaves it at least this wide.
constexpr size_t kMinWrapWidth = 30;

// print_rows' wrap_column when no column may be wrapped.
constexpr size_t kNoWrap = static_cast<size_t>(-1);

// kAuto: a table goes expanded when it does not fit kTableWidth; kOn (-x): every table does.
enum class Expanded { kAuto, kOn };
void set_expanded(Expanded mode);

// Prints every row of `result`, cutting cells longer than max_cell_width with "…"; expanded
// (one "-[ RECORD n ]" block per row, values longer than the line continued under themselves)
// when wider than kTableWidth or with -x.
void print_table(const Result& result, std::FILE* out, size_t max_cell_width = 60);

// Prints rows[0] as the header and the rest as rows, the first `numeric_columns` columns
// right-aligned, cutting cells as print_table does, except column `wrap_column` (a free text:
// a reason, a query), which is never cut but broken into lines when the table would not fit
// otherwise.
void print_rows(const std::vector<std::vector<std::string>>& rows, std::FILE* out,
                size_t numeric_columns, size_t max_cell_width = 60, size_t wrap_column = kNoWrap);

// `text` with every line longer than kTableWidth broken at blanks, continued on lines indented
// two more than it (a plan node's detail stays under the node).
std::string fit_lines(std::string_view text);

// printf to stdout of one line (`format` without the newline), broken as fit_lines breaks it.
void print_line(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace azora::cli
