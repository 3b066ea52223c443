// glob.hpp — the key patterns of azora_opt.cache_invalidate_pattern: `*`, `?` and `\` escaping.
//
// PostgreSQL-free so test/unit/cache_glob_test.cpp proves it directly. `*` matches any run of
// characters (also none), `?` exactly one character, `\x` the character x itself (so `\*`, `\?`
// and `\\` are literals). A pattern ending in a lone `\` is malformed: validate() says so before
// any key is looked at, so a typo never silently matches nothing. With utf8 = true a character is
// one UTF-8 code point (a lead byte and its continuation bytes), so `?` never splits a multibyte
// character; otherwise (single-byte server encodings) a character is one byte.
//
// Matching is the classic greedy scan that remembers the last `*` and retries from there: time
// O(pattern x key) in the worst case, no recursion, no allocation, so a hostile pattern cannot
// exhaust the stack.
#pragma once

#include <cstddef>
#include <string_view>

namespace azora::glob {

enum class Validity { kOk, kEmpty, kTrailingBackslash };

inline Validity validate(std::string_view pattern) {
  if (pattern.empty()) return Validity::kEmpty;
  for (size_t i = 0; i < pattern.size(); i++) {
    if (pattern[i] == '\\') {
      if (i + 1 == pattern.size()) return Validity::kTrailingBackslash;
      i++;  // the escaped character
    }
  }
  return Validity::kOk;
}

// Length in bytes of the character starting at s[i].
inline size_t char_len(std::string_view s, size_t i, bool utf8) {
  if (!utf8) return 1;
  size_t n = 1;
  while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) n++;
  return n;
}

// Whether key matches pattern as a whole. The pattern must have passed validate().
inline bool match(std::string_view pattern, std::string_view key, bool utf8 = true) {
  size_t p = 0, k = 0;
  size_t star_p = std::string_view::npos;  // position after the last `*`
  size_t star_k = 0;                       // key position that `*` is currently extended to
  while (k < key.size()) {
    if (p < pattern.size()) {
      char c = pattern[p];
      if (c == '*') {
        star_p = ++p;
        star_k = k;
        continue;
      }
      if (c == '?') {
        p++;
        k += char_len(key, k, utf8);
        continue;
      }
      size_t lit = p;
      if (c == '\\' && p + 1 < pattern.size()) lit = p + 1;
      if (pattern[lit] == key[k]) {
        p = lit + 1;
        k++;
        continue;
      }
    }
    // Mismatch (or pattern exhausted): let the last `*` swallow one more character.
    if (star_p == std::string_view::npos) return false;
    star_k += char_len(key, star_k, utf8);
    k = star_k;
    p = star_p;
  }
  while (p < pattern.size() && pattern[p] == '*') p++;
  return p == pattern.size();
}

}  // namespace azora::glob
