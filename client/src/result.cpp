// result.cpp — accessors of Result (see result.hpp).
#include "azora/result.hpp"

#include <cstdlib>

#include "azora/error.hpp"

namespace azora {

std::string Result::column_name(int col) const {
  const char* name = PQfname(res_, col);
  return name ? name : "";
}

int Result::column_index(std::string_view name) const {
  for (int c = 0; c < columns(); c++)
    if (name == PQfname(res_, c)) return c;
  return -1;
}

std::string_view Result::value(int row, int col) const {
  return std::string_view(PQgetvalue(res_, row, col),
                          static_cast<size_t>(PQgetlength(res_, row, col)));
}

std::optional<std::string> Result::get(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return std::string(value(row, col));
}

Row Result::operator[](int row) const {
  if (row < 0 || row >= rows()) {
    throw UsageError("row " + std::to_string(row) + " out of range: the result has " +
                     std::to_string(rows()) + " rows");
  }
  return Row(*this, row);
}

Field Row::operator[](int col) const {
  if (col < 0 || col >= r_->columns()) {
    throw UsageError("column " + std::to_string(col) + " out of range: the result has " +
                     std::to_string(r_->columns()) + " columns");
  }
  return Field(*r_, row_, col);
}

Field Row::operator[](std::string_view column_name) const {
  const int col = r_->column_index(column_name);
  if (col < 0) {
    std::string names;
    for (int c = 0; c < r_->columns(); c++) names += (c ? ", " : "") + r_->column_name(c);
    throw UsageError("no column \"" + std::string(column_name) +
                     "\" in the result (columns: " + names + ")");
  }
  return Field(*r_, row_, col);
}

std::string Field::where() const {
  return "column \"" + name() + "\", row " + std::to_string(row_);
}

long Result::affected_rows() const {
  const char* n = res_ ? PQcmdTuples(res_) : "";
  return *n ? std::strtol(n, nullptr, 10) : 0;
}

}  // namespace azora
