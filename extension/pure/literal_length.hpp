// literal_length.hpp — the length of a constant's token in a statement's text, for the common
// literal forms only, so the tracker can cut a sampled call's constants out of its text without
// starting PostgreSQL's scanner (scanner_init and lexing from the statement's first byte cost
// several thousand instructions per sampled call; this costs a few per byte of the literal).
//
// Recognised, following PostgreSQL 15's scan.l exactly for these forms:
//   - unsigned numbers: integer, decimal (1.5, 1., .5) and real (1e10, 1.5E-3);
//   - a minus sign directly followed by one of those (a negative constant's location is its
//     minus sign, and its token runs to the end of the number);
//   - '...' strings with '' doubling, when standard_conforming_strings is on.
// Anything else answers -1 and the caller lexes with the real scanner: E'', U&'', B'', X'', N'',
// dollar quotes, typed literals (a location at a type name), a minus sign before white space, a
// string followed by another quote after white space (scan.l's quotecontinue joins them), a
// number followed by `..` or by an identifier character (scan.l's *fail and *_junk rules).
// PostgreSQL-free so test/unit/literal_length_test.cpp proves it; the regression suite checks
// the tokens it cuts against the statements' own texts (sql/tracking_samples.sql).
#pragma once

namespace azora::literal {

namespace detail {
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
// scan.l's ident_start: [A-Za-z\200-\377_]
inline bool is_ident_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// End of the unsigned number starting at s[i], or -1 when scan.l might lex it otherwise.
inline int number_end(const char* s, int len, int i) {
  int j = i;
  int digits = 0;
  while (j < len && is_digit(s[j])) j++, digits++;
  if (j < len && s[j] == '.') {
    if (j + 1 < len && s[j + 1] == '.') return -1;  // decimalfail: "1..": integer then ".."
    j++;
    while (j < len && is_digit(s[j])) j++, digits++;
  }
  if (digits == 0) return -1;
  if (j < len && (s[j] == 'e' || s[j] == 'E')) {
    int k = j + 1;
    if (k < len && (s[k] == '+' || s[k] == '-')) k++;
    if (k >= len || !is_digit(s[k])) return -1;  // realfail
    while (k < len && is_digit(s[k])) k++;
    j = k;
  }
  if (j < len && (is_ident_start(s[j]) || s[j] == '.')) return -1;  // junk, or "1.5.3"
  return j;
}

// End of the standard-conforming string starting at the quote s[i], or -1.
inline int string_end(const char* s, int len, int i) {
  int j = i + 1;
  for (;;) {
    while (j < len && s[j] != '\'') j++;
    if (j >= len) return -1;
    if (j + 1 < len && s[j + 1] == '\'') {
      j += 2;  // '' is one quote inside the string
      continue;
    }
    break;
  }
  int end = j + 1;
  // Another quote after white space or -- comments may continue this string (quotecontinue).
  int k = end;
  while (k < len) {
    if (is_space(s[k])) {
      k++;
    } else if (s[k] == '-' && k + 1 < len && s[k + 1] == '-') {
      while (k < len && s[k] != '\n' && s[k] != '\r') k++;
    } else {
      break;
    }
  }
  if (k < len && s[k] == '\'') return -1;
  return end;
}
}  // namespace detail

// The length of the literal token at s[start] (s has len bytes), or -1: not a form above.
inline int simple_length(const char* s, int len, int start, bool standard_conforming_strings) {
  if (start < 0 || start >= len) return -1;
  char c = s[start];
  int end = -1;
  if (c == '-') {
    int i = start + 1;
    if (i < len && (detail::is_digit(s[i]) || s[i] == '.')) end = detail::number_end(s, len, i);
  } else if (detail::is_digit(c) || c == '.') {
    end = detail::number_end(s, len, start);
  } else if (c == '\'' && standard_conforming_strings) {
    end = detail::string_end(s, len, start);
  }
  return end < 0 ? -1 : end - start;
}

}  // namespace azora::literal
