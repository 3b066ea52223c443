// sql_classify_test.cpp — operation and table labels read from SQL text.
#include <gtest/gtest.h>

#include "azora/detail/sql_classify.hpp"

namespace {

using azora::classify_sql;

void expect(const char* sql, const char* operation, const char* table) {
  azora::SqlShape s = classify_sql(sql);
  EXPECT_EQ(s.operation, operation) << sql;
  EXPECT_EQ(s.table, table) << sql;
}

TEST(SqlClassify, TheFourDmlStatements) {
  expect("SELECT id, title FROM courses WHERE published ORDER BY id LIMIT 20", "select", "courses");
  expect("insert into transactions (user_id, amount) values ($1, $2)", "insert", "transactions");
  expect("UPDATE wallets SET balance = balance + $1 WHERE user_id = $2", "update", "wallets");
  expect("DELETE FROM jobs WHERE id = $1", "delete", "jobs");
}

TEST(SqlClassify, SchemasQuotesAndCase) {
  expect("select * from Public.Courses", "select", "public.courses");
  expect("SELECT * FROM \"Odd \"\"Name\"\"\" x", "select", "Odd \"Name\"");
  expect("SELECT * FROM ONLY parent", "select", "parent");
}

TEST(SqlClassify, CommentsLiteralsAndSubqueriesDoNotFoolIt) {
  expect("-- from decoy\n/* from /* nested */ decoy2 */ SELECT 'from x' AS f FROM real_t", "select",
         "real_t");
  expect("SELECT (SELECT max(id) FROM inner_t) FROM outer_t", "select", "outer_t");
  expect("SELECT $q$ from nope $q$, $1 FROM t1", "select", "t1");
  expect("(SELECT a FROM u1) UNION (SELECT a FROM u2)", "select", "u1");
}

TEST(SqlClassify, WithUsesTheOuterStatement) {
  expect("WITH recent AS (SELECT * FROM transactions) UPDATE wallets SET balance = 0", "update",
         "wallets");
  expect("WITH r AS (DELETE FROM old_jobs RETURNING *) INSERT INTO archive SELECT * FROM r",
         "insert", "archive");
}

TEST(SqlClassify, StatementsWithoutATable) {
  expect("SELECT 1", "select", "none");
  expect("BEGIN", "begin", "none");
  expect("SET statement_timeout = 1000", "set", "none");
  expect("", "unknown", "none");
  expect("   ;", "unknown", "none");
  expect("SELECT 'unterminated", "select", "none");
}

}  // namespace
