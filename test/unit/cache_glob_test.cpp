// cache_glob_test.cpp — the key patterns of azora_opt.cache_invalidate_pattern
// (extension/pure/glob.hpp): wildcards, escapes, UTF-8 characters, malformed patterns.
#include <gtest/gtest.h>

#include <string>

#include "glob.hpp"

namespace g = azora::glob;

TEST(CacheGlob, StarMatchesAnyRunIncludingNone) {
  EXPECT_TRUE(g::match("courses:*", "courses:"));
  EXPECT_TRUE(g::match("courses:*", "courses:list:page:1"));
  EXPECT_FALSE(g::match("courses:*", "course:1"));
  EXPECT_FALSE(g::match("courses:*", "xcourses:1"));
  EXPECT_TRUE(g::match("*:1", "courses:1"));
  EXPECT_FALSE(g::match("*:1", "courses:12"));
  EXPECT_TRUE(g::match("a*b*c", "aXXbYYc"));
  EXPECT_TRUE(g::match("a*b*c", "abc"));
  EXPECT_FALSE(g::match("a*b*c", "aXXcYYb"));
  EXPECT_TRUE(g::match("*", ""));
  EXPECT_TRUE(g::match("**", "anything"));
}

TEST(CacheGlob, QuestionMarkMatchesExactlyOneCharacter) {
  EXPECT_TRUE(g::match("user:?", "user:7"));
  EXPECT_FALSE(g::match("user:?", "user:"));
  EXPECT_FALSE(g::match("user:?", "user:42"));
  EXPECT_TRUE(g::match("user:??", "user:42"));
  EXPECT_TRUE(g::match("?*", "x"));
  EXPECT_FALSE(g::match("?*", ""));
}

TEST(CacheGlob, LiteralsMustMatchWhole) {
  EXPECT_TRUE(g::match("wallet:1", "wallet:1"));
  EXPECT_FALSE(g::match("wallet:1", "wallet:10"));
  EXPECT_FALSE(g::match("wallet:10", "wallet:1"));
}

TEST(CacheGlob, BackslashEscapesWildcardsAndItself) {
  EXPECT_TRUE(g::match("a\\*b", "a*b"));
  EXPECT_FALSE(g::match("a\\*b", "aXb"));
  EXPECT_TRUE(g::match("a\\?", "a?"));
  EXPECT_FALSE(g::match("a\\?", "ab"));
  EXPECT_TRUE(g::match("a\\\\b", "a\\b"));
  EXPECT_TRUE(g::match("\\x", "x"));  // escaping an ordinary character is that character
  EXPECT_TRUE(g::match("*\\*", "stars*"));
  EXPECT_FALSE(g::match("*\\*", "stars"));
}

TEST(CacheGlob, QuestionMarkTakesAWholeUtf8Character) {
  std::string key = "k:\xC3\xA9";  // "k:é", two bytes
  EXPECT_TRUE(g::match("k:?", key));
  EXPECT_FALSE(g::match("k:??", key));
  EXPECT_TRUE(g::match("k:??", key, /*utf8=*/false));  // single-byte encodings: bytes
  EXPECT_TRUE(g::match("*\xC3\xA9", "caf\xC3\xA9"));
  EXPECT_TRUE(g::match("?\xE2\x82\xAC?",
                       "a\xE2\x82\xAC"
                       "b"));  // "a€b"
}

TEST(CacheGlob, ValidateRejectsEmptyAndTrailingBackslash) {
  EXPECT_EQ(g::validate(""), g::Validity::kEmpty);
  EXPECT_EQ(g::validate("abc\\"), g::Validity::kTrailingBackslash);
  EXPECT_EQ(g::validate("abc\\\\"), g::Validity::kOk);
  EXPECT_EQ(g::validate("\\\\\\"), g::Validity::kTrailingBackslash);
  EXPECT_EQ(g::validate("a*?"), g::Validity::kOk);
}

TEST(CacheGlob, PathologicalPatternFinishesAndIsRight) {
  std::string key(5000, 'a');
  std::string pattern;
  for (int i = 0; i < 200; i++) pattern += "*a";
  pattern += "b";
  EXPECT_FALSE(g::match(pattern, key));
  key += "b";
  EXPECT_TRUE(g::match(pattern, key));
}

namespace {
// An independent reference: the textbook recursive definition, byte-wise (single-byte mode).
bool reference(std::string_view p, std::string_view k) {
  if (p.empty()) return k.empty();
  if (p[0] == '*') return reference(p.substr(1), k) || (!k.empty() && reference(p, k.substr(1)));
  if (k.empty()) return false;
  if (p[0] == '?') return reference(p.substr(1), k.substr(1));
  size_t lit = p[0] == '\\' && p.size() > 1 ? 1 : 0;
  return p[lit] == k[0] && reference(p.substr(lit + 1), k.substr(1));
}
}  // namespace

TEST(CacheGlob, AgreesWithTheRecursiveDefinitionOnRandomPatterns) {
  uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7FFF; };
  const char alphabet[] = {'a', 'b', '*', '?', '\\'};
  int checked = 0;
  for (int i = 0; i < 20000; i++) {
    std::string p, k;
    for (size_t n = next() % 9; n > 0; n--) p += alphabet[next() % 5];
    for (size_t n = next() % 10; n > 0; n--) k += "ab*?"[next() % 4];
    if (g::validate(p) != g::Validity::kOk) continue;
    ASSERT_EQ(g::match(p, k, false), reference(p, k)) << "pattern " << p << " key " << k;
    checked++;
  }
  EXPECT_GT(checked, 10000);
}

TEST(CacheGlob, CompiledMatcherIsReusableAcrossKeys) {
  g::Matcher m("user:*:profile", true);
  EXPECT_TRUE(m.match("user:42:profile"));
  EXPECT_FALSE(m.match("user:42:settings"));
  EXPECT_TRUE(m.match("user::profile"));
  // A hostile pattern of the documented maximum length against the longest key: one pass.
  std::string hostile;
  while (hostile.size() + 2 <= 4094) hostile += "*a";
  hostile += "b";
  g::Matcher h(hostile, true);
  EXPECT_FALSE(h.match(std::string(1024, 'a')));
  EXPECT_TRUE(g::Matcher("*a*a*b", true).match("xaxaxb"));
}
