// utf8.hpp — UTF-8 code-point boundaries: validation and truncation that never splits a character.
//
// Used by payload shaping (max_string_length) and safe for arbitrary bytes: invalid input is
// never read past its end and never makes these functions throw.
//
// Internal (azora/detail/): used by the library and its tools, installed because public headers
// or the example API include it, but not part of the client API; it may change without notice.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace azora::utf8 {

// Length in bytes of the well-formed UTF-8 sequence that starts at s[0] (1..4), or 0 when the
// bytes there are not a well-formed sequence (stray continuation byte, overlong form, surrogate,
// code point above U+10FFFF, or a sequence cut short by the end of s).
std::size_t sequence_length(std::string_view s) noexcept;

// Whether s is entirely well-formed UTF-8.
bool is_valid(std::string_view s) noexcept;

// The largest n <= max_bytes such that s.substr(0, n) ends on a character boundary: a
// well-formed multi-byte sequence is kept whole or dropped whole. An invalid byte counts as a
// one-byte unit of its own, so invalid input is still cut without overrunning max_bytes.
std::size_t truncate_length(std::string_view s, std::size_t max_bytes) noexcept;

// s cut to at most max_bytes bytes on a character boundary (see truncate_length).
inline std::string_view truncate(std::string_view s, std::size_t max_bytes) noexcept {
  return s.substr(0, truncate_length(s, max_bytes));
}

// s with every invalid byte replaced by U+FFFD, so it can be emitted as JSON text.
std::string sanitize(std::string_view s);

}  // namespace azora::utf8
