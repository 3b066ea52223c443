// pqxx_adapter_test.cpp — libpqxx code running on pooled connections.
#include <gtest/gtest.h>
#include <unistd.h>

#include "azora/pool.hpp"
#include "azora/pqxx_adapter.hpp"
#include "test_env.hpp"

namespace {

// Per process: ctest may run several suites at once on the same cluster.
std::string rollback_table() {
  return "pqxx_rb_" + std::to_string(::getpid());
}

azora::PoolOptions one_connection() {
  azora::PoolOptions o;
  o.conninfo = azora::test::pg_conninfo();
  o.min_size = 1;
  o.max_size = 1;
  return o;
}

TEST(PqxxAdapter, WorkRunsOnTheLeasedConnectionAndCommits) {
  azora::Pool pool(one_connection());
  azora::Lease lease = pool.acquire();
  lease->exec("CREATE TEMP TABLE pqxx_t(id int, name text)");
  {
    azora::PqxxWork w(lease);
    pqxx::result pid = w->exec("SELECT pg_backend_pid()");
    EXPECT_EQ(pid[0][0].as<int>(), lease->backend_pid());  // the same session
    w->exec_params("INSERT INTO pqxx_t VALUES ($1, $2)", 1, "one");
    w->exec("INSERT INTO pqxx_t VALUES (2, " + w->quote("it's") + ")");
    w->commit();
  }
  EXPECT_EQ(lease->exec("SELECT count(*) FROM pqxx_t").value(0, 0), "2");
  EXPECT_TRUE(lease->is_open());  // the adapter did not close it
}

TEST(PqxxAdapter, UncommittedWorkRollsBackAndTheLeaseIsReusable) {
  azora::Pool pool(one_connection());
  {
    azora::Lease lease = pool.acquire();
    lease->exec("CREATE TABLE IF NOT EXISTS " + rollback_table() + "(x int)");
    lease->exec("TRUNCATE " + rollback_table());
    azora::PqxxWork w(lease, "named");
    w->exec("INSERT INTO " + rollback_table() + " VALUES (1)");
  }  // no commit
  azora::Lease lease = pool.acquire();
  EXPECT_EQ(lease->exec("SELECT count(*) FROM " + rollback_table()).value(0, 0), "0");
  EXPECT_EQ(lease->transaction_status(), PQTRANS_IDLE);
  lease->exec("DROP TABLE " + rollback_table());
  EXPECT_EQ(pool.stats().broken, 0u);
}

TEST(PqxxAdapter, SqlErrorsArePqxxErrorsWithSqlstate) {
  azora::Pool pool(one_connection());
  azora::Lease lease = pool.acquire();
  azora::PqxxConnection c(lease);
  pqxx::work w(c);
  try {
    w.exec("SELECT * FROM no_such_table_pqxx");
    FAIL();
  } catch (const pqxx::sql_error& e) {
    EXPECT_EQ(e.sqlstate(), "42P01");
  }
}

TEST(PqxxAdapter, PlainPqxxCodeTakesTheAdapterAsAConnectionBase) {
  azora::Pool pool(one_connection());
  azora::Lease lease = pool.acquire();
  azora::PqxxConnection c(lease);
  pqxx::connection_base& base = c;  // what existing pqxx functions take
  pqxx::nontransaction n(base);
  EXPECT_EQ(n.exec("SELECT 6 * 7")[0][0].as<int>(), 42);
  EXPECT_EQ(base.quote_name("we\"ird"), "\"we\"\"ird\"");
}

TEST(PqxxAdapter, ConnectionKilledUnderPqxxIsDroppedByThePool) {
  azora::Pool pool(one_connection());
  {
    azora::Lease lease = pool.acquire();
    azora::PqxxConnection c(lease);
    pqxx::nontransaction n(c);
    EXPECT_THROW(n.exec("SELECT pg_terminate_backend(pg_backend_pid())"), pqxx::broken_connection);
  }
  EXPECT_EQ(pool.stats().broken, 1u);
  azora::Lease fresh = pool.acquire();
  azora::PqxxWork w(fresh);
  EXPECT_EQ(w->exec("SELECT 1")[0][0].as<int>(), 1);
}

}  // namespace
