// glob.hpp — the key patterns of azora_opt.cache_invalidate_pattern: `*`, `?` and `\` escaping.
//
// PostgreSQL-free so test/unit/cache_glob_test.cpp proves it directly. `*` matches any run of
// characters (also none), `?` exactly one character, `\x` the character x itself (so `\*`, `\?`
// and `\\` are literals). A pattern ending in a lone `\` is malformed: validate() says so before
// any key is looked at, so a typo never silently matches nothing. With utf8 = true a character is
// one UTF-8 code point (a lead byte and its continuation bytes), so `?` never splits a multibyte
// character; otherwise (single-byte server encodings) a character is one byte.
//
// Matching (Matcher below) is linear in the key for a compiled pattern; the SQL function also
// limits a pattern's length (sql_admin.cpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

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

// A validated pattern compiled once and matched against many keys in time linear in the key:
// the pattern is split at its `*`s into segments of characters (a literal or `?`); the first
// segment is anchored at the start unless the pattern starts with `*`, the last at the end
// unless it ends with `*`, and each segment in between is matched at its leftmost occurrence
// (which is always safe for `*`-only gaps) by a bit-parallel Shift-And scan: one pass over the
// key, ceil(segment / 64) word operations per character. So a hostile pattern (a million `*`,
// `*a*a*a...b`) costs O(key x pattern / 64) at worst, with no backtracking and no recursion.
class Matcher {
 public:
  Matcher(std::string_view pattern, bool utf8) : utf8_(utf8) {
    Segment cur;
    bool star_seen = false;
    for (size_t i = 0; i < pattern.size();) {
      char c = pattern[i];
      if (c == '*') {
        star_seen = true;
        if (segs_.empty() && cur.len == 0) leading_star_ = true;
        if (cur.len > 0) segs_.push_back(std::move(cur));
        cur = Segment();
        i++;
        trailing_star_ = true;
        continue;
      }
      trailing_star_ = false;
      if (c == '?') {
        cur.add_any();
        i++;
        continue;
      }
      if (c == '\\' && i + 1 < pattern.size()) i++;
      size_t n = char_len(pattern, i, utf8_);
      cur.add_literal(code(pattern.substr(i, n)));
      i += n;
    }
    if (cur.len > 0) segs_.push_back(std::move(cur));
    for (Segment& seg : segs_) seg.finish();
    has_star_ = star_seen;
  }

  bool match(std::string_view key) const {
    std::vector<uint64_t> codes;
    codes.reserve(key.size());
    for (size_t i = 0; i < key.size();) {
      size_t n = char_len(key, i, utf8_);
      codes.push_back(code(key.substr(i, n)));
      i += n;
    }
    size_t k = codes.size();
    if (!has_star_) return segs_.size() == 1 && segs_[0].len == k && anchored(segs_[0], codes, 0);
    size_t first = 0, last = segs_.size(), pos = 0, end = k;
    if (!leading_star_ && !segs_.empty()) {
      if (segs_[0].len > k || !anchored(segs_[0], codes, 0)) return false;
      pos = segs_[0].len;
      first = 1;
    }
    if (!trailing_star_ && last > first) {
      const Segment& s = segs_[last - 1];
      if (s.len > k - pos || !anchored(s, codes, k - s.len)) return false;
      end = k - s.len;
      last--;
    }
    for (size_t i = first; i < last; i++) {
      size_t found = find(segs_[i], codes, pos, end);
      if (found == kNone) return false;
      pos = found;
    }
    return true;
  }

 private:
  static constexpr size_t kNone = static_cast<size_t>(-1);

  // One character (up to 7 bytes, as valid UTF-8 always is) as a number; longer runs of
  // continuation bytes (invalid text) get a code no literal has, so only `?` matches them.
  static uint64_t code(std::string_view ch) {
    if (ch.size() > 7) return ~uint64_t{0};
    uint64_t v = ch.size();
    for (size_t i = 0; i < ch.size(); i++)
      v |= uint64_t{static_cast<unsigned char>(ch[i])} << (8 * (i + 1));
    return v;
  }

  struct Segment {
    size_t len = 0;
    std::vector<uint64_t> any;  // bit i: character i of the segment is `?`
    std::vector<std::pair<uint64_t, std::vector<uint64_t>>> lits;  // sorted by code at the end

    void grow() {
      if (len % 64 == 0) {
        any.push_back(0);
        for (auto& l : lits) l.second.push_back(0);
      }
    }
    void add_any() {
      grow();
      any[len / 64] |= uint64_t{1} << (len % 64);
      len++;
    }
    void add_literal(uint64_t c) {
      grow();
      auto it = std::find_if(lits.begin(), lits.end(), [&](const auto& l) { return l.first == c; });
      if (it == lits.end()) {
        lits.emplace_back(c, std::vector<uint64_t>(any.size(), 0));
        it = lits.end() - 1;
      }
      it->second[len / 64] |= uint64_t{1} << (len % 64);
      len++;
    }
    void finish() {
      std::sort(lits.begin(), lits.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    // The bits of the segment's characters that accept c.
    const std::vector<uint64_t>* literal_bits(uint64_t c) const {
      auto it = std::lower_bound(lits.begin(), lits.end(), c,
                                 [](const auto& l, uint64_t v) { return l.first < v; });
      return it != lits.end() && it->first == c ? &it->second : nullptr;
    }
    bool accepts(size_t i, uint64_t c) const {
      uint64_t bit = uint64_t{1} << (i % 64);
      if (any[i / 64] & bit) return true;
      const std::vector<uint64_t>* l = literal_bits(c);
      return l != nullptr && ((*l)[i / 64] & bit);
    }
  };

  static bool anchored(const Segment& s, const std::vector<uint64_t>& codes, size_t at) {
    for (size_t i = 0; i < s.len; i++)
      if (!s.accepts(i, codes[at + i])) return false;
    return true;
  }

  // Shift-And: the end (exclusive) of the leftmost occurrence of s in codes[from, to), or kNone.
  static size_t find(const Segment& s, const std::vector<uint64_t>& codes, size_t from, size_t to) {
    size_t words = s.any.size();
    std::vector<uint64_t> d(words, 0);
    uint64_t top = uint64_t{1} << ((s.len - 1) % 64);
    for (size_t j = from; j < to; j++) {
      const std::vector<uint64_t>* l = s.literal_bits(codes[j]);
      uint64_t carry = 1;  // a new occurrence may start here
      for (size_t w = 0; w < words; w++) {
        uint64_t next_carry = d[w] >> 63;
        uint64_t accept = s.any[w] | (l != nullptr ? (*l)[w] : 0);
        d[w] = ((d[w] << 1) | carry) & accept;
        carry = next_carry;
      }
      if (d[(s.len - 1) / 64] & top) return j + 1;
    }
    return kNone;
  }

  bool utf8_;
  bool has_star_ = false;
  bool leading_star_ = false;
  bool trailing_star_ = false;
  std::vector<Segment> segs_;
};

// Whether key matches pattern as a whole. The pattern must have passed validate().
inline bool match(std::string_view pattern, std::string_view key, bool utf8 = true) {
  return Matcher(pattern, utf8).match(key);
}

}  // namespace azora::glob
