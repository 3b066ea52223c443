// literal_length_test.cpp — the tracker's scanner-free measure of a constant's token
// (extension/pure/literal_length.hpp): the forms it measures, with the lengths PostgreSQL 15's
// scanner gives them, and the forms it must leave to the scanner (-1).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "literal_length.hpp"

namespace {

// The length at the first occurrence of `at` in sql.
int length_at(const std::string& sql, const std::string& at, bool standard = true) {
  size_t start = sql.find(at);
  EXPECT_NE(start, std::string::npos) << at;
  return azora::literal::simple_length(sql.data(), static_cast<int>(sql.size()),
                                       static_cast<int>(start), standard);
}

}  // namespace

TEST(LiteralLength, Numbers) {
  EXPECT_EQ(length_at("WHERE aid = 12345", "12345"), 5);
  EXPECT_EQ(length_at("WHERE aid = 12345;", "12345"), 5);
  EXPECT_EQ(length_at("x = 1.5 AND", "1.5"), 3);
  EXPECT_EQ(length_at("x = 1. AND", "1."), 2);
  EXPECT_EQ(length_at("x = .5)", ".5"), 2);
  EXPECT_EQ(length_at("x = 1e10,", "1e10"), 4);
  EXPECT_EQ(length_at("x = 1.5E-3)", "1.5E-3"), 6);
  EXPECT_EQ(length_at("x = 2e+7", "2e+7"), 4);
  EXPECT_EQ(length_at("a + 1::int", "1::"), 1);
  EXPECT_EQ(length_at("LIMIT 10 OFFSET 20", "20"), 2);
}

TEST(LiteralLength, NegativeNumbers) {
  EXPECT_EQ(length_at("x = -42 AND", "-42"), 3);
  EXPECT_EQ(length_at("x = -.5", "-.5"), 3);
  EXPECT_EQ(length_at("x = -1.5e3)", "-1.5e3"), 6);
  // White space or a comment between the sign and the number: left to the scanner.
  EXPECT_EQ(length_at("x = - 42", "- 42"), -1);
  EXPECT_EQ(length_at("x = -", "-"), -1);
}

TEST(LiteralLength, Strings) {
  EXPECT_EQ(length_at("x = 'abc' AND", "'abc'"), 5);
  EXPECT_EQ(length_at("x = ''", "''"), 2);
  EXPECT_EQ(length_at("x = 'it''s'", "'it''s'"), 7);
  EXPECT_EQ(length_at("x = 'a\\'", "'a\\'"), 4);  // a backslash is an ordinary character
  EXPECT_EQ(length_at("x = '2024-01-01'::date", "'2024"), 12);
  EXPECT_EQ(length_at("x = 'a'\n  AND y = 1", "'a'"), 3);
  EXPECT_EQ(length_at("x IN ('a', 'b')", "'a'"), 3);
  EXPECT_EQ(length_at("x = 'caf\xc3\xa9'", "'caf"), 7);  // UTF-8 bytes inside
}

TEST(LiteralLength, LeftToTheScanner) {
  // Not standard-conforming: backslashes escape, as in E''.
  EXPECT_EQ(length_at("x = 'a\\'b'", "'a", false), -1);
  EXPECT_EQ(length_at("x = E'a\\nb'", "E'"), -1);
  EXPECT_EQ(length_at("x = U&'d\\0061t'", "U&"), -1);
  EXPECT_EQ(length_at("x = B'1010'", "B'"), -1);
  EXPECT_EQ(length_at("x = X'1F'", "X'"), -1);
  EXPECT_EQ(length_at("x = $$abc$$", "$$"), -1);
  EXPECT_EQ(length_at("x = interval '1 day'", "interval"), -1);
  EXPECT_EQ(length_at("x = true", "true"), -1);
  // scan.l joins a quote after white space holding a newline: 'a' 'b' on two lines is 'ab'.
  EXPECT_EQ(length_at("x = 'a'\n'b'", "'a'"), -1);
  EXPECT_EQ(length_at("x = 'a' -- note\n 'b'", "'a'"), -1);
  // An unterminated string, "1..", junk after a number, a second decimal point.
  EXPECT_EQ(length_at("x = 'abc", "'abc"), -1);
  EXPECT_EQ(length_at("a[1..2]", "1.."), -1);
  EXPECT_EQ(length_at("x = 1e", "1e"), -1);
  EXPECT_EQ(length_at("x = 1e+", "1e+"), -1);
  EXPECT_EQ(length_at("x = 12abc", "12abc"), -1);
  EXPECT_EQ(length_at("x = 1.5.3", "1.5.3"), -1);
  EXPECT_EQ(length_at("x = .", "."), -1);
}

TEST(LiteralLength, OutsideTheText) {
  const char* sql = "SELECT 1";
  int len = static_cast<int>(std::strlen(sql));
  EXPECT_EQ(azora::literal::simple_length(sql, len, -1, true), -1);
  EXPECT_EQ(azora::literal::simple_length(sql, len, len, true), -1);
  // Only the statement's bytes count: a number cut by len ends there.
  EXPECT_EQ(azora::literal::simple_length("SELECT 123", 8, 7, true), 1);
}
