// table.cpp — aligned text tables for the CLI (see table.hpp).
#include "table.hpp"

#include <algorithm>
#include <cstdarg>
#include <string_view>
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

// Code point offsets: the byte where code point `n` of `s` starts (s.size() past the end).
size_t byte_of(const std::string& s, size_t n) {
  size_t points = 0;
  for (size_t i = 0; i < s.size(); i++) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (points == n) return i;
      points++;
    }
  }
  return s.size();
}

// `s` (one line) broken into lines of at most `max` code points, at the last blank that keeps
// a line within `max`, or inside a word longer than `max`; blanks at the breaks are dropped.
std::vector<std::string> wrap_text(std::string s, size_t max) {
  std::vector<std::string> lines;
  if (max == 0) max = 1;
  while (width(s) > max) {
    size_t limit = byte_of(s, max);  // the first byte that does not fit
    size_t blank = s.rfind(' ', limit);
    size_t end = blank != std::string::npos && blank > 0 ? blank : limit;
    std::string head = s.substr(0, end);
    while (!head.empty() && head.back() == ' ') head.pop_back();
    if (head.empty()) {  // only blanks before the break: cut the word
      end = limit;
      head = s.substr(0, end);
    }
    lines.push_back(head);
    size_t next = s.find_first_not_of(' ', end);
    s = next == std::string::npos ? std::string() : s.substr(next);
  }
  if (!s.empty() || lines.empty()) lines.push_back(s);
  return lines;
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

// Prints cells[0] as the header, then the rows; numeric[c] right-aligns column c. Column
// `wrap` (kNoWrap: none) is not cut but broken into lines of at most wrap_width, continued
// under itself with the other columns blank (psql's wrapped format).
void print_cells(std::vector<std::vector<std::string>> cells, const std::vector<bool>& numeric,
                 std::FILE* out, size_t max_cell_width, size_t wrap, size_t wrap_width) {
  const size_t cols = cells.empty() ? 0 : cells[0].size();
  std::vector<size_t> widths(cols, 0);
  std::vector<std::vector<std::string>> wrapped(cells.size());
  for (size_t r = 0; r < cells.size(); r++) {
    auto& row = cells[r];
    row.resize(cols);
    for (size_t c = 0; c < cols; c++) {
      if (c == wrap) {
        wrapped[r] = wrap_text(one_line(row[c]), wrap_width);
        row[c] = wrapped[r].empty() ? std::string() : wrapped[r][0];
        for (const std::string& part : wrapped[r]) widths[c] = std::max(widths[c], width(part));
      } else {
        row[c] = cut(one_line(row[c]), max_cell_width);
        widths[c] = std::max(widths[c], width(row[c]));
      }
    }
  }
  auto print_line = [&](const std::vector<std::string>& line, bool align_numbers) {
    for (size_t c = 0; c < cols; c++) {
      const std::string& cell = line[c];
      int pad = static_cast<int>(widths[c] - width(cell));
      if (align_numbers && numeric[c]) {
        std::fprintf(out, "%s%*s%s", c ? " | " : " ", pad, "", cell.c_str());
      } else {
        // The last column is not padded (psql does not leave trailing blanks either).
        std::fprintf(out, "%s%s%*s", c ? " | " : " ", cell.c_str(), c + 1 == cols ? 0 : pad, "");
      }
    }
    std::fputc('\n', out);
  };
  for (size_t r = 0; r < cells.size(); r++) {
    print_line(cells[r], r > 0);
    for (size_t part = 1; part < wrapped[r].size(); part++) {
      std::vector<std::string> more(cols);
      more[wrap] = wrapped[r][part];
      print_line(more, false);
    }
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
    // A value longer than the record line continues on the next lines, under itself.
    for (size_t c = 0; c < cols; c++) {
      std::string value = c < cells[r].size() ? one_line(cells[r][c]) : std::string();
      std::vector<std::string> parts = wrap_text(value, value_width);
      for (size_t p = 0; p < parts.size(); p++) {
        const std::string name = p == 0 ? cells[0][c] : std::string();
        std::fprintf(out, "%s%*s |%s%s\n", name.c_str(), static_cast<int>(name_width - width(name)),
                     "", parts[p].empty() ? "" : " ", parts[p].c_str());
      }
    }
  }
}

// The widths of the columns of `cells` once cut (column `wrap` at its whole width).
std::vector<size_t> column_widths(const std::vector<std::vector<std::string>>& cells,
                                  size_t max_cell_width, size_t wrap) {
  const size_t cols = cells.empty() ? 0 : cells[0].size();
  std::vector<size_t> widths(cols, 0);
  for (const auto& row : cells)
    for (size_t c = 0; c < cols && c < row.size(); c++) {
      size_t w = width(one_line(row[c]));
      widths[c] = std::max(widths[c], c == wrap ? w : std::min(w, max_cell_width));
    }
  return widths;
}

// Prints `cells` as psql's \x auto would, within kTableWidth: a table when it fits, with
// column `wrap` (a free text, kNoWrap for none) broken into lines if that is what it takes
// and leaves it at least kMinWrapWidth; otherwise (or with -x) one record per row.
void print_fitted(std::vector<std::vector<std::string>> cells, const std::vector<bool>& numeric,
                  std::FILE* out, size_t max_cell_width, size_t wrap) {
  const size_t cols = cells.empty() ? 0 : cells[0].size();
  if (wrap >= cols) wrap = kNoWrap;
  std::vector<size_t> widths = column_widths(cells, max_cell_width, wrap);
  size_t total = 1, others = 1;
  for (size_t c = 0; c < cols; c++) {
    total += widths[c] + 3;
    if (c != wrap) others += widths[c] + 3;
  }
  total -= 3;  // no separator after the last column
  size_t wrap_width = kTableWidth;
  if (expanded_mode == Expanded::kOn) {
    print_expanded(cells, out);
  } else if (cols <= 1 || total <= kTableWidth) {
    print_cells(std::move(cells), numeric, out, max_cell_width, wrap, wrap_width);
  } else if (wrap != kNoWrap && others + kMinWrapWidth <= kTableWidth) {
    wrap_width = kTableWidth - others;
    print_cells(std::move(cells), numeric, out, max_cell_width, wrap, wrap_width);
  } else {
    print_expanded(cells, out);
  }
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
  print_fitted(std::move(cells), numeric, out, max_cell_width, kNoWrap);
}

void print_rows(const std::vector<std::vector<std::string>>& rows, std::FILE* out,
                size_t numeric_columns, size_t max_cell_width, size_t wrap_column) {
  size_t cols = rows.empty() ? 0 : rows[0].size();
  std::vector<bool> numeric(cols, false);
  for (size_t c = 0; c < cols && c < numeric_columns; c++) numeric[c] = true;
  print_fitted(rows, numeric, out, max_cell_width, wrap_column);
}

std::string fit_lines(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (width(line) <= kTableWidth) {
      out += line;
    } else {
      // Continuations are indented two more than the line (a plan node's detail stays under it).
      size_t lead = line.find_first_not_of(' ');
      std::string indent(lead == std::string::npos || lead + 2 > kTableWidth / 2 ? 2 : lead + 2,
                         ' ');
      std::string first = wrap_text(line, kTableWidth)[0];  // a prefix of the line
      out += first;
      std::string rest = line.substr(first.size());
      rest.erase(0, rest.find_first_not_of(' '));
      for (const std::string& part : wrap_text(rest, kTableWidth - indent.size()))
        if (!part.empty()) out += "\n" + indent + part;
    }
    if (end == std::string_view::npos) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

void print_line(const char* format, ...) {
  std::va_list args, again;
  va_start(args, format);
  va_copy(again, args);
  int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string line(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(line.data(), line.size() + 1, format, again);
  va_end(again);
  std::fputs(fit_lines(line).c_str(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace azora::cli
