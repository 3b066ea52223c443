// server_cache_test.cpp — the client's ServerCache helper against the real extension (a cluster
// from scripts/cluster.sh): hit after miss, params as values, invalidation by key and by the
// Redis cache's key builders' patterns, a committed write seen, server errors as SqlError.
#include <gtest/gtest.h>

#include <string>

#include "azora/cache_keys.hpp"
#include "azora/connection.hpp"
#include "azora/error.hpp"
#include "azora/server_cache.hpp"
#include "azora/ttl_presets.hpp"
#include "test_env.hpp"

namespace {

class ServerCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_.exec("CREATE EXTENSION IF NOT EXISTS azora_opt");
    conn_.exec("DROP TABLE IF EXISTS sc_courses");
    conn_.exec("CREATE TABLE sc_courses (id int PRIMARY KEY, title text)");
    conn_.exec("INSERT INTO sc_courses VALUES (1, 'SQL'), (2, 'C++')");
    conn_.exec("SELECT azora_opt.cache_flush()");
  }
  void TearDown() override { conn_.exec("DROP TABLE IF EXISTS sc_courses"); }
  long stat(const char* column) {
    return std::stol(std::string(
        conn_.exec(std::string("SELECT ") + column + " FROM azora_opt.cache_stats()").value(0, 0)));
  }
  azora::Connection conn_{azora::test::pg_conninfo()};
};

}  // namespace

TEST_F(ServerCacheTest, MissThenHitWithParams) {
  azora::ServerCache cache(conn_);
  const std::string key = azora::keys::course(1);
  const std::string q = "SELECT id, title FROM sc_courses WHERE id = $1";
  long hits = stat("hits");
  EXPECT_EQ(cache.json(key, q, azora::ttl::kLong, {std::string("1")}),
            R"([{"id":1,"title":"SQL"}])");
  EXPECT_EQ(cache.json(key, q, azora::ttl::kLong, {std::string("1")}),
            R"([{"id":1,"title":"SQL"}])");
  EXPECT_EQ(stat("hits"), hits + 1);
  // A value that looks like SQL is only a value.
  EXPECT_EQ(cache.json("course:x", "SELECT $1::text AS t", std::chrono::seconds(0),
                       {std::string("'); DROP TABLE sc_courses; --")}),
            R"([{"t":"'); DROP TABLE sc_courses; --"}])");
  EXPECT_EQ(cache.json("course:none", "SELECT 1 AS one", std::chrono::seconds(0)),
            R"([{"one":1}])");
}

TEST_F(ServerCacheTest, CommittedWriteIsSeen) {
  azora::ServerCache cache(conn_);
  const std::string q = "SELECT count(*) AS n FROM sc_courses";
  EXPECT_EQ(cache.json("courses:count", q, azora::ttl::kLong), R"([{"n":2}])");
  conn_.exec("INSERT INTO sc_courses VALUES (3, 'Go')");
  EXPECT_EQ(cache.json("courses:count", q, azora::ttl::kLong), R"([{"n":3}])");
}

TEST_F(ServerCacheTest, InvalidateByKeyAndPattern) {
  azora::ServerCache cache(conn_);
  cache.json(azora::keys::course(1), "SELECT 1 AS a", azora::ttl::kLong);
  cache.json(azora::keys::course(2), "SELECT 2 AS a", azora::ttl::kLong);
  cache.json(azora::keys::wallet_balance(7), "SELECT 3 AS a", azora::ttl::kLong);
  EXPECT_TRUE(cache.invalidate(azora::keys::course(1)));
  EXPECT_FALSE(cache.invalidate(azora::keys::course(1)));
  EXPECT_EQ(cache.invalidate_pattern(azora::keys::all_courses()), 1);
  EXPECT_EQ(cache.invalidate_pattern("wallet:*"), 1);
}

TEST_F(ServerCacheTest, ServerErrorsAreSqlErrors) {
  azora::ServerCache cache(conn_);
  try {
    cache.json("w", "DELETE FROM sc_courses", azora::ttl::kShort);
    FAIL() << "a write was accepted";
  } catch (const azora::SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "0A000");
  }
  EXPECT_THROW(cache.invalidate_pattern(""), azora::SqlError);
  EXPECT_EQ(std::string(conn_.exec("SELECT count(*) FROM sc_courses").value(0, 0)), "2");
}
