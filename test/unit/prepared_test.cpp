// prepared_test.cpp — Connection::exec_prepared: prepare once, reuse, survive DEALLOCATE ALL.
#include <gtest/gtest.h>

#include "azora/connection.hpp"
#include "test_env.hpp"

namespace {

int prepared_count(azora::Connection& c) {
  return std::stoi(std::string(c.exec("SELECT count(*) FROM pg_prepared_statements").value(0, 0)));
}

TEST(Prepared, PreparesOnceAndReuses) {
  azora::Connection c(azora::test::pg_conninfo());
  for (int i = 0; i < 3; i++)
    EXPECT_EQ(c.exec_prepared("SELECT $1::int * 10", {std::to_string(i)}).value(0, 0),
              std::to_string(i * 10));
  EXPECT_EQ(prepared_count(c), 1);
  EXPECT_EQ(c.exec_prepared("SELECT $1::text IS NULL", {std::nullopt}).value(0, 0), "t");
  EXPECT_EQ(prepared_count(c), 2);
}

TEST(Prepared, SurvivesDeallocateAll) {
  azora::Connection c(azora::test::pg_conninfo());
  c.exec_prepared("SELECT 1", {});
  c.exec("DEALLOCATE ALL");
  EXPECT_EQ(c.exec_prepared("SELECT 1", {}).value(0, 0), "1");
  EXPECT_EQ(prepared_count(c), 1);
}

TEST(Prepared, ErrorsKeepTheirSqlstateAndTheCacheIsBounded) {
  azora::Connection c(azora::test::pg_conninfo());
  try {
    c.exec_prepared("SELECT * FROM no_such_prepared_t", {});
    FAIL();
  } catch (const azora::SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "42P01");
  }
  try {
    c.exec_prepared("SELECT 1/$1::int", {"0"});
    FAIL();
  } catch (const azora::SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "22012");
  }
  for (std::size_t i = 0; i < azora::Connection::kMaxPrepared + 20; i++)
    c.exec_prepared("SELECT " + std::to_string(i), {});
  EXPECT_EQ(prepared_count(c), static_cast<int>(azora::Connection::kMaxPrepared));
}

TEST(Prepared, MovedConnectionKeepsItsStatements) {
  azora::Connection a(azora::test::pg_conninfo());
  a.exec_prepared("SELECT 7", {});
  azora::Connection b = std::move(a);
  EXPECT_EQ(b.exec_prepared("SELECT 7", {}).value(0, 0), "7");
  EXPECT_EQ(prepared_count(b), 1);
}

}  // namespace

namespace {

// Inside a transaction, a statement lost to DEALLOCATE ALL cannot be retried (the error aborted
// the transaction): the caller must see the real error, 26000, not the retry's 25P02.
TEST(Prepared, NoRetryInsideATransaction) {
  azora::Connection conn(azora::test::pg_conninfo());
  const std::string sql = "SELECT $1::int * 3";
  EXPECT_EQ(conn.exec_prepared(sql, {std::string("2")}).value(0, 0), "6");
  conn.exec("BEGIN");
  conn.exec("DEALLOCATE ALL");
  try {
    conn.exec_prepared(sql, {std::string("3")});
    ADD_FAILURE() << "a lost statement inside a transaction must fail";
  } catch (const azora::SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "26000") << e.what();
  }
  conn.exec("ROLLBACK");
  EXPECT_EQ(conn.exec_prepared(sql, {std::string("4")}).value(0, 0), "12");  // prepared anew
}

}  // namespace
