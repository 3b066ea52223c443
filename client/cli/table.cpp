// table.cpp — aligned text tables for the CLI (see table.hpp).
#include "table.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "output.hpp"

namespace azora::cli {

namespace {

// Display width in code points; newlines and tabs become spaces so a row stays on one line.
std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) n++;
  return n;
}

// Cuts to at most `max` code points, never inside a UTF-8 sequence.
std::string cut(const std::string& s, size_t max) {
  if (width(s) <= max) return s;
  size_t points = 0, i = 0;
  for (; i < s.size(); i++) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (points == max - 1) break;
      points++;
    }
  }
  return s.substr(0, i) + "…";
}

// Numbers are right-aligned, as psql does: int2/4/8, oid, float4/8, numeric.
bool is_numeric_column(const Result& result, int col) {
  switch (PQftype(result.native(), col)) {
    case 20:
    case 21:
    case 23:
    case 26:
    case 700:
    case 701:
    case 1700:
      return true;
    default:
      return false;
  }
}

// Prints cells[0] as the header, then the rows; numeric[c] right-aligns column c.
void print_cells(std::vector<std::vector<std::string>> cells, const std::vector<bool>& numeric,
                 std::FILE* out, size_t max_cell_width) {
  const size_t cols = cells.empty() ? 0 : cells[0].size();
  std::vector<size_t> widths(cols, 0);
  for (auto& row : cells)
    for (size_t c = 0; c < cols && c < row.size(); c++) {
      row[c] = cut(one_line(row[c]), max_cell_width);
      widths[c] = std::max(widths[c], width(row[c]));
    }
  for (size_t r = 0; r < cells.size(); r++) {
    for (size_t c = 0; c < cols; c++) {
      const std::string& cell = c < cells[r].size() ? cells[r][c] : std::string();
      int pad = static_cast<int>(widths[c] - width(cell));
      if (r > 0 && numeric[c]) {
        std::fprintf(out, "%s%*s%s", c ? " | " : " ", pad, "", cell.c_str());
      } else {
        // The last column is not padded (psql does not leave trailing blanks either).
        std::fprintf(out, "%s%s%*s", c ? " | " : " ", cell.c_str(), c + 1 == cols ? 0 : pad, "");
      }
    }
    std::fputc('\n', out);
    if (r == 0) {
      for (size_t c = 0; c < cols; c++)
        std::fprintf(out, "%s%s", c ? "-+-" : "-", std::string(widths[c], '-').c_str());
      std::fputc('\n', out);
    }
  }
  size_t n = cells.empty() ? 0 : cells.size() - 1;
  std::fprintf(out, "(%zu row%s)\n", n, n == 1 ? "" : "s");
}

// A column of byte counts ("bytes", "bytes_used", "index_bytes"), printed as pg_size_pretty.
bool is_size_column(const Result& result, int col) {
  const Oid type = PQftype(result.native(), col);
  if (type != 20 && type != 23) return false;  // int8, int4
  std::string name = result.column_name(col);
  return name == "bytes" || name.rfind("bytes_", 0) == 0 ||
         (name.size() > 6 && name.compare(name.size() - 6, 6, "_bytes") == 0);
}

Expanded expanded_mode = Expanded::kAuto;

// psql's expanded (-x) form: one "-[ RECORD n ]" block per row, a column name and its value a
// line.
void print_expanded(const std::vector<std::vector<std::string>>& cells, std::FILE* out) {
  const size_t cols = cells.empty() ? 0 : cells[0].size();
  size_t name_width = 0, value_width = 0;
  for (size_t c = 0; c < cols; c++) name_width = std::max(name_width, width(cells[0][c]));
  for (size_t r = 1; r < cells.size(); r++)
    for (size_t c = 0; c < cols && c < cells[r].size(); c++)
      value_width = std::max(value_width, width(one_line(cells[r][c])));
  // The record line is as wide as the widest value, up to the table width.
  if (name_width + value_width + 3 > kTableWidth)
    value_width = kTableWidth > name_width + 3 ? kTableWidth - name_width - 3 : 1;
  if (cells.size() <= 1) std::fprintf(out, "(0 rows)\n");
  for (size_t r = 1; r < cells.size(); r++) {
    std::string head = "-[ RECORD " + std::to_string(r) + " ]";
    if (head.size() < name_width + 1) {
      head +=
          std::string(name_width + 1 - head.size(), '-') + "+" + std::string(value_width + 1, '-');
    } else if (head.size() < name_width + value_width + 3) {
      head += std::string(name_width + value_width + 3 - head.size(), '-');
    }
    std::fprintf(out, "%s\n", head.c_str());
    for (size_t c = 0; c < cols; c++) {
      std::string value = c < cells[r].size() ? one_line(cells[r][c]) : std::string();
      std::fprintf(out, "%s%*s | %s\n", cells[0][c].c_str(),
                   static_cast<int>(name_width - width(cells[0][c])), "", value.c_str());
    }
  }
}

// The width of the aligned table of `cells` once cut.
size_t table_width(const std::vector<std::vector<std::string>>& cells, size_t max_cell_width) {
  const size_t cols = cells.empty() ? 0 : cells[0].size();
  std::vector<size_t> widths(cols, 0);
  for (const auto& row : cells)
    for (size_t c = 0; c < cols && c < row.size(); c++)
      widths[c] = std::max(widths[c], std::min(width(one_line(row[c])), max_cell_width));
  size_t total = 1;
  for (size_t w : widths) total += w + 3;
  return total - 3;
}

}  // namespace

void set_expanded(Expanded mode) {
  expanded_mode = mode;
}

void print_table(const Result& result, std::FILE* out, size_t max_cell_width) {
  const int cols = result.columns();
  std::vector<std::vector<std::string>> cells(static_cast<size_t>(result.rows()) + 1);
  std::vector<bool> numeric, size;
  for (int c = 0; c < cols; c++) {
    cells[0].push_back(result.column_name(c));
    numeric.push_back(is_numeric_column(result, c));
    size.push_back(is_size_column(result, c));
  }
  for (int r = 0; r < result.rows(); r++)
    for (int c = 0; c < cols; c++) {
      std::string text = result.is_null(r, c) ? "" : std::string(result.value(r, c));
      if (size[static_cast<size_t>(c)] && !text.empty()) text = size_pretty(std::stoll(text));
      const Oid type = PQftype(result.native(), c);
      if ((type == 700 || type == 701) && !text.empty() &&
          text.find_first_of("NI") == std::string::npos) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.3f", std::stod(text));  // a rate, not 17 digits
        text = buf;
      }
      cells[static_cast<size_t>(r) + 1].push_back(std::move(text));
    }
  // Wider than kTableWidth columns (a record of many fields): one field a line, as psql -x.
  if (expanded_mode == Expanded::kOn ||
      (cols > 1 && table_width(cells, max_cell_width) > kTableWidth)) {
    print_expanded(cells, out);
  } else {
    print_cells(std::move(cells), numeric, out, max_cell_width);
  }
}

void print_rows(const std::vector<std::vector<std::string>>& rows, std::FILE* out,
                size_t numeric_columns, size_t max_cell_width) {
  size_t cols = rows.empty() ? 0 : rows[0].size();
  std::vector<bool> numeric(cols, false);
  for (size_t c = 0; c < cols && c < numeric_columns; c++) numeric[c] = true;
  if (expanded_mode == Expanded::kOn) {
    print_expanded(rows, out);
  } else {
    print_cells(rows, numeric, out, max_cell_width);
  }
}

}  // namespace azora::cli
