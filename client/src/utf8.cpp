// utf8.cpp — UTF-8 boundaries (see utf8.hpp). Follows the well-formed byte table of Unicode
// §3.9 (Table 3-7), so overlong forms and surrogates are rejected like a strict decoder would.
#include "azora/detail/utf8.hpp"

#include <cstdint>

namespace azora::utf8 {

namespace {

inline bool is_cont(unsigned char c) noexcept {
  return (c & 0xC0) == 0x80;
}

}  // namespace

std::size_t sequence_length(std::string_view s) noexcept {
  if (s.empty()) return 0;
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return 1;
  std::size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // continuation byte, C0/C1, F5..FF
  }
  if (s.size() < need) return 0;
  const auto b1 = static_cast<unsigned char>(s[1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t i = 2; i < need; i++)
    if (!is_cont(static_cast<unsigned char>(s[i]))) return 0;
  return need;
}

bool is_valid(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    // ASCII fast path: most payload text is ASCII.
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      i++;
      continue;
    }
    const std::size_t n = sequence_length(s.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::size_t truncate_length(std::string_view s, std::size_t max_bytes) noexcept {
  if (s.size() <= max_bytes) return s.size();
  std::size_t i = 0;
  while (i < max_bytes) {
    std::size_t n = static_cast<unsigned char>(s[i]) < 0x80 ? 1 : sequence_length(s.substr(i));
    if (n == 0) n = 1;  // an invalid byte is its own unit
    if (i + n > max_bytes) break;
    i += n;
  }
  return i;
}

std::string sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n =
        static_cast<unsigned char>(s[i]) < 0x80 ? 1 : sequence_length(s.substr(i));
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      i++;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  return out;
}

}  // namespace azora::utf8
