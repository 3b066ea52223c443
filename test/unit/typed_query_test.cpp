// typed_query_test.cpp — typed parameters and field conversions against the real server: what
// Param sends is what PostgreSQL's input functions read (int, bigint, float8, numeric, bool,
// text, NULL), what the server sends back converts with as<T>(), and bad reads throw errors
// that name the column and the text.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "azora/azora.hpp"
#include "test_env.hpp"

namespace {

using azora::Connection;

TEST(TypedQuery, TypedParametersReachTheServerAsTheirTypes) {
  Connection db(azora::test::pg_conninfo());
  const std::optional<int> none;
  azora::Result r = db.exec_params(
      "SELECT $1::int + 1 AS i, $2::bigint AS big, $3::float8 AS d, $4::bool AS yes, "
      "$5::text AS t, $6::int IS NULL AS n1, $7::text IS NULL AS n2, $8::numeric AS num, "
      "$9::bool AS no",
      {41, std::int64_t{9007199254740993}, 0.1, true, "caf\xC3\xA9", none, nullptr, 2.5, false});
  ASSERT_EQ(r.rows(), 1);
  EXPECT_EQ(r[0][0].as<int>(), 42);
  EXPECT_EQ(r[0]["big"].as<std::int64_t>(), 9007199254740993);
  EXPECT_EQ(r[0]["d"].as<double>(), 0.1);
  EXPECT_TRUE(r[0]["yes"].as<bool>());
  EXPECT_EQ(r[0]["t"].as<std::string>(), "caf\xC3\xA9");
  EXPECT_TRUE(r[0]["n1"].as<bool>());
  EXPECT_TRUE(r[0]["n2"].as<bool>());
  EXPECT_EQ(r[0]["num"].as<double>(), 2.5);
  EXPECT_FALSE(r[0]["no"].as<bool>());
}

TEST(TypedQuery, DoublesSurviveTheServerRoundTripBitForBit) {
  Connection db(azora::test::pg_conninfo());
  for (double d : {0.1, 1.0 / 3.0, 1e-310, std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::denorm_min(), -123456.789e-200,
                   std::numeric_limits<double>::infinity()}) {
    azora::Result r = db.exec_params("SELECT $1::float8, $1::float8 = $2::float8", {d, d});
    EXPECT_EQ(r[0][0].as<double>(), d) << r[0][0].view();
    EXPECT_TRUE(r[0][1].as<bool>());
  }
  azora::Result nan = db.exec_params("SELECT $1::float8", {std::nan("")});
  EXPECT_TRUE(std::isnan(nan[0][0].as<double>()));
}

TEST(TypedQuery, NullsReadAsOptionalOrDefaultAndThrowOtherwise) {
  Connection db(azora::test::pg_conninfo());
  azora::Result r = db.exec("SELECT NULL::int AS price, 7 AS qty");
  EXPECT_EQ(r[0]["price"].as<std::optional<int>>(), std::nullopt);
  EXPECT_EQ(r[0]["price"].get<int>(), std::nullopt);
  EXPECT_EQ(r[0]["price"].as<int>(-1), -1);
  EXPECT_EQ(r[0]["qty"].as<int>(-1), 7);
  EXPECT_EQ(r[0]["qty"].get<int>(), 7);
  try {
    r[0]["price"].as<int>();
    FAIL() << "expected UnexpectedNull";
  } catch (const azora::UnexpectedNull& e) {
    EXPECT_STREQ(e.what(),
                 "column \"price\", row 0: NULL cannot be read as int; read it as "
                 "std::optional<int> or with a default, as<int>(fallback)");
  }
}

TEST(TypedQuery, BadConversionsNameTheColumnAndTheText) {
  Connection db(azora::test::pg_conninfo());
  azora::Result r = db.exec("SELECT 'abc'::text AS title, 3000000000::bigint AS big, 1.5 AS ratio");
  try {
    r[0]["title"].as<int>();
    FAIL() << "expected ConversionError";
  } catch (const azora::ConversionError& e) {
    EXPECT_STREQ(e.what(),
                 "cannot convert \"abc\" to int (column \"title\", row 0): not an integer");
  }
  EXPECT_THROW(r[0]["big"].as<int>(), azora::ConversionError);  // out of int's range
  EXPECT_EQ(r[0]["big"].as<long long>(), 3000000000LL);
  EXPECT_THROW(r[0]["ratio"].as<int>(), azora::ConversionError);
  EXPECT_THROW(r[0]["title"].as<bool>(), azora::ConversionError);
  EXPECT_THROW(r[0]["missing"], azora::UsageError);
  EXPECT_THROW(r[1], azora::UsageError);
  EXPECT_THROW(r[0][3], azora::UsageError);
}

TEST(TypedQuery, RowsIterateLikeLibpqxx) {
  Connection db(azora::test::pg_conninfo());
  azora::Result r = db.exec_prepared(
      "SELECT g AS n, g % 2 = 0 AS even FROM generate_series(1, $1::int) AS g", {4});
  int sum = 0, evens = 0;
  for (azora::Row row : r) {
    sum += row["n"].as<int>();
    evens += row[1].as<bool>() ? 1 : 0;
  }
  EXPECT_EQ(sum, 10);
  EXPECT_EQ(evens, 2);
  EXPECT_FALSE(r.empty());
  EXPECT_EQ(r.size(), 4);
}

}  // namespace
