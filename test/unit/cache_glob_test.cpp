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
