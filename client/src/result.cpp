// result.cpp — accessors of Result (see result.hpp).
#include "azora/result.hpp"

#include <cstdlib>

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

long Result::affected_rows() const {
  const char* n = res_ ? PQcmdTuples(res_) : "";
  return *n ? std::strtol(n, nullptr, 10) : 0;
}

}  // namespace azora
