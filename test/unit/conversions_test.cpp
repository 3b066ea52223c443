// conversions_test.cpp — azora::Param and azora::from_text without a server: the text each C++
// value becomes, that doubles survive the round trip exactly, and the errors of bad reads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "azora/conversions.hpp"

namespace {

using azora::ConversionError;
using azora::from_text;
using azora::Param;

TEST(Conversions, ParamsBecomePostgresText) {
  const std::vector<Param> p = {42,
                                -7L,
                                std::uint64_t{18446744073709551615u},
                                true,
                                false,
                                1.5,
                                "text",
                                std::string("s"),
                                std::string_view("v"),
                                std::nullopt,
                                nullptr,
                                std::optional<int>(),
                                std::optional<int>(3),
                                static_cast<const char*>(nullptr),
                                std::int16_t{-32768}};
  EXPECT_EQ(p[0], "42");
  EXPECT_EQ(p[1], "-7");
  EXPECT_EQ(p[2], "18446744073709551615");
  EXPECT_EQ(p[3], "true");
  EXPECT_EQ(p[4], "false");
  EXPECT_EQ(p[5], "1.5");
  EXPECT_EQ(p[6], "text");
  EXPECT_EQ(p[7], "s");
  EXPECT_EQ(p[8], "v");
  EXPECT_EQ(p[9], std::nullopt);
  EXPECT_EQ(p[10], std::nullopt);
  EXPECT_EQ(p[11], std::nullopt);
  EXPECT_EQ(p[12], "3");
  EXPECT_EQ(p[13], std::nullopt);
  EXPECT_EQ(p[14], "-32768");
  // 0 is also a null pointer constant: it must still be the integer zero, not NULL.
  EXPECT_EQ(Param(0), "0");
  EXPECT_EQ(std::vector<Param>({0})[0], "0");
}

TEST(Conversions, NonFiniteDoublesUsePostgresSpelling) {
  EXPECT_EQ(Param(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(Param(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(Param(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_TRUE(std::isnan(from_text<double>("NaN")));
  EXPECT_EQ(from_text<double>("Infinity"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(from_text<double>("-Infinity"), -std::numeric_limits<double>::infinity());
}

TEST(Conversions, DoublesRoundTripExactlyInShortestForm) {
  EXPECT_EQ(Param(0.1), "0.1");  // shortest form, not 0.1000000000000000055511151231257827
  EXPECT_EQ(Param(1e300), "1e+300");
  EXPECT_EQ(Param(-0.0), "-0");
  std::mt19937_64 gen(16);
  for (int i = 0; i < 100000; i++) {
    std::uint64_t bits = gen();
    double d;
    static_assert(sizeof d == sizeof bits);
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    const Param p(d);
    const double back = from_text<double>(*p);
    ASSERT_EQ(std::memcmp(&back, &d, sizeof d), 0) << *p;
  }
  EXPECT_EQ(from_text<double>(*Param(std::numeric_limits<double>::denorm_min())),
            std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(from_text<double>(*Param(std::numeric_limits<double>::max())),
            std::numeric_limits<double>::max());
}

TEST(Conversions, IntegersReadStrictlyAndWithinRange) {
  EXPECT_EQ(from_text<int>("42"), 42);
  EXPECT_EQ(from_text<int>(" -42 "), -42);  // int4in accepts surrounding blanks
  EXPECT_EQ(from_text<int>("+5"), 5);
  EXPECT_EQ(from_text<long long>("-9223372036854775808"), std::numeric_limits<long long>::min());
  EXPECT_EQ(from_text<std::int16_t>("-32768"), -32768);
  EXPECT_THROW(from_text<std::int16_t>("32768"), ConversionError);
  EXPECT_THROW(from_text<int>("2147483648"), ConversionError);
  EXPECT_THROW(from_text<unsigned>("-1"), ConversionError);
  EXPECT_THROW(from_text<int>("4.2"), ConversionError);
  EXPECT_THROW(from_text<int>("42abc"), ConversionError);
  EXPECT_THROW(from_text<int>(""), ConversionError);
  EXPECT_THROW(from_text<int>("+-4"), ConversionError);
  EXPECT_THROW(from_text<int>("0x10"), ConversionError);
}

TEST(Conversions, BooleansReadAsBoolinDoes) {
  for (const char* t : {"t", "true", "TRUE", "y", "yes", "on", "1", " t "})
    EXPECT_TRUE(from_text<bool>(t)) << t;
  for (const char* f : {"f", "false", "False", "n", "no", "off", "0"})
    EXPECT_FALSE(from_text<bool>(f)) << f;
  EXPECT_THROW(from_text<bool>("2"), ConversionError);
  EXPECT_THROW(from_text<bool>("maybe"), ConversionError);
  EXPECT_THROW(from_text<bool>(""), ConversionError);
}

TEST(Conversions, FloatsAndStrings) {
  EXPECT_EQ(from_text<double>("1.5e-3"), 1.5e-3);
  EXPECT_EQ(from_text<float>("0.25"), 0.25f);
  EXPECT_THROW(from_text<float>("1e300"), ConversionError);  // out of float's range
  EXPECT_THROW(from_text<double>("1e400"), ConversionError);
  EXPECT_THROW(from_text<double>("1.5x"), ConversionError);
  EXPECT_THROW(from_text<double>(""), ConversionError);
  EXPECT_EQ(from_text<std::string>("héllo"), "héllo");
  EXPECT_EQ(from_text<std::string_view>("abc"), "abc");
}

TEST(Conversions, ErrorsNameTheTextTheTypeAndWhere) {
  try {
    from_text<int>("12abc", "column \"price\", row 3");
    FAIL() << "expected ConversionError";
  } catch (const ConversionError& e) {
    EXPECT_STREQ(e.what(),
                 "cannot convert \"12abc\" to int (column \"price\", row 3): not an integer");
  }
  try {
    from_text<short>("99999");
    FAIL() << "expected ConversionError";
  } catch (const ConversionError& e) {
    EXPECT_STREQ(e.what(), "cannot convert \"99999\" to short: out of range");
  }
}

}  // namespace
