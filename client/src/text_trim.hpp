// text_trim.hpp — trimming blanks (spaces and tabs) around a header or list element.
// Internal to the library (accept_encoding.cpp, projection.cpp).
#pragma once

#include <string_view>

namespace azora::detail {

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace azora::detail
