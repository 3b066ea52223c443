// utf8_test.cpp — UTF-8 validation and boundary-safe truncation, including invalid input.
#include <gtest/gtest.h>

#include <string>

#include "azora/detail/utf8.hpp"

namespace {

namespace utf8 = azora::utf8;

TEST(Utf8, SequenceLengthsOfWellFormedCharacters) {
  EXPECT_EQ(utf8::sequence_length("a"), 1u);
  EXPECT_EQ(utf8::sequence_length("\xC3\xA9"), 2u);          // é
  EXPECT_EQ(utf8::sequence_length("\xE2\x82\xAC"), 3u);      // €
  EXPECT_EQ(utf8::sequence_length("\xF0\x9F\x98\x80"), 4u);  // 😀
}

TEST(Utf8, RejectsMalformedSequences) {
  EXPECT_EQ(utf8::sequence_length("\x80"), 0u);              // stray continuation
  EXPECT_EQ(utf8::sequence_length("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(utf8::sequence_length("\xE0\x80\xAF"), 0u);      // overlong
  EXPECT_EQ(utf8::sequence_length("\xED\xA0\x80"), 0u);      // surrogate D800
  EXPECT_EQ(utf8::sequence_length("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(utf8::sequence_length("\xE2\x82"), 0u);          // cut short
  EXPECT_EQ(utf8::sequence_length("\xFF"), 0u);
  EXPECT_EQ(utf8::sequence_length(""), 0u);
  EXPECT_TRUE(utf8::is_valid("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(utf8::is_valid("abc\xE2\x82"));
  EXPECT_FALSE(utf8::is_valid("\xC3("));
}

TEST(Utf8, TruncationNeverSplitsACharacter) {
  const std::string s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € 😀 = 1+2+3+4 bytes
  EXPECT_EQ(utf8::truncate(s, 0), "");
  EXPECT_EQ(utf8::truncate(s, 1), "a");
  EXPECT_EQ(utf8::truncate(s, 2), "a");  // é would be split
  EXPECT_EQ(utf8::truncate(s, 3), "a\xC3\xA9");
  EXPECT_EQ(utf8::truncate(s, 5), "a\xC3\xA9");
  EXPECT_EQ(utf8::truncate(s, 6), "a\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(utf8::truncate(s, 9), "a\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(utf8::truncate(s, 10), s);
  EXPECT_EQ(utf8::truncate(s, 1000), s);
  // Every cut of a valid string is valid.
  for (std::size_t n = 0; n <= s.size(); n++) EXPECT_TRUE(utf8::is_valid(utf8::truncate(s, n)));
}

TEST(Utf8, TruncationOfInvalidInputStaysWithinTheLimit) {
  const std::string bad = "\xFF\xFE\x80\xC3";  // all invalid bytes, the last one cut short
  for (std::size_t n = 0; n <= bad.size(); n++) EXPECT_EQ(utf8::truncate_length(bad, n), n);
  const std::string mixed = "\x80\xC3\xA9";  // invalid byte then é
  EXPECT_EQ(utf8::truncate(mixed, 2), "\x80");
  EXPECT_EQ(utf8::truncate(mixed, 3), mixed);
}

TEST(Utf8, SanitizeReplacesInvalidBytes) {
  EXPECT_EQ(utf8::sanitize("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(utf8::sanitize("a\xFF"
                           "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_TRUE(utf8::is_valid(utf8::sanitize("\xE2\x82\xF0\x9F\xC0\xAF")));
}

}  // namespace
