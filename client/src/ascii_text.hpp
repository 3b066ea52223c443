// ascii_text.hpp — small ASCII text helpers for header values and list elements: trimming
// blanks (spaces and tabs) and lower-casing. Internal to the library (accept_encoding.cpp,
// gzip.cpp, projection.cpp).
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace azora::detail {

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Header tokens (content types, codings) compare case-insensitively.
inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace azora::detail
