// projection_test.cpp — field allow-list and libpq-quoted SELECT lists.
#include <gtest/gtest.h>

#include "azora/projection.hpp"
#include "test_env.hpp"

namespace {

using azora::Projection;
using V = std::vector<std::string>;

TEST(Projection, SelectsRequestedFieldsInRequestOrder) {
  Projection p({"id", "name", "email", "created_at"});
  EXPECT_EQ(p.select("email, id"), (V{"email", "id"}));
  EXPECT_EQ(p.select(" name ,name,id"), (V{"name", "id"}));  // duplicates dropped
  EXPECT_EQ(p.select(""), p.allowed());
  EXPECT_EQ(p.select(V{}), p.allowed());
  EXPECT_EQ(p.select(V{"created_at"}), (V{"created_at"}));
}

TEST(Projection, UnknownOrEmptyFieldIsAClearUsageError) {
  Projection p({"id", "name"});
  try {
    p.select("id,password_hash");
    FAIL() << "expected UsageError";
  } catch (const azora::UsageError& e) {
    EXPECT_STREQ(e.what(), "unknown field \"password_hash\" (allowed: id, name)");
  }
  EXPECT_THROW(p.select("id,,name"), azora::UsageError);
  EXPECT_THROW(p.select("id,"), azora::UsageError);
  EXPECT_THROW(p.select("ID"), azora::UsageError);  // names are exact, like quoted identifiers
  EXPECT_THROW(p.select(V{"name; DROP TABLE x"}), azora::UsageError);
}

TEST(Projection, BadAllowListsAreRejected) {
  EXPECT_THROW(Projection(V{}), azora::UsageError);
  EXPECT_THROW(Projection(V{"a", "a"}), azora::UsageError);
  EXPECT_THROW(Projection(V{""}), azora::UsageError);
}

TEST(Projection, SqlListQuotesEveryIdentifierAndTheServerAgrees) {
  azora::Connection conn(azora::test::pg_conninfo());
  const V cols = {"id", "we\"ird name", "Mixed"};
  const std::string list = Projection::sql_list(conn, cols);
  EXPECT_EQ(list, "\"id\", \"we\"\"ird name\", \"Mixed\"");
  conn.exec("CREATE TEMP TABLE proj_t(id int, \"we\"\"ird name\" text, \"Mixed\" int)");
  conn.exec("INSERT INTO proj_t VALUES (1, 'x', 2)");
  azora::Result r = conn.exec("SELECT " + list + " FROM proj_t");
  EXPECT_EQ(r.column_name(1), "we\"ird name");
  EXPECT_EQ(r.value(0, 2), "2");
  EXPECT_THROW(Projection::sql_list(conn, {}), azora::UsageError);
}

}  // namespace
