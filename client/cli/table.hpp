// table.hpp — prints a Result as an aligned text table, like psql's, for the azora-opt CLI.
#pragma once

#include <cstdio>
#include <string>

#include "azora/result.hpp"

namespace azora::cli {

// Prints every row of `result`, cutting cells longer than max_cell_width with "…".
void print_table(const Result& result, std::FILE* out, size_t max_cell_width = 60);

}  // namespace azora::cli
