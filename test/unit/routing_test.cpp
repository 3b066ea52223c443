// routing_test.cpp — multi-host routing against a REAL streaming standby.
//
// Under `scripts/cluster.sh --standby` it uses that standby (AZORA_STANDBY_CONNINFO); under a
// plain cluster (ctest, make test) it starts its own replica of the running primary with
// scripts/standby.sh in the cluster's temp dir and stops it at the end. Never skipped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include "azora/routing.hpp"
#include "test_env.hpp"

namespace {

// Per process: ctest may run several suites at once on the same cluster.
std::string routing_table() {
  return "routing_t_" + std::to_string(::getpid());
}

using namespace std::chrono_literals;

std::string repo_root() {
  std::string f = __FILE__;  // <root>/test/unit/routing_test.cpp
  return f.substr(0, f.rfind("/test/unit/"));
}

class Routing : public ::testing::Test {
 protected:
  // A failure here must fail every test (gtest would report a failed SetUpTestSuite as
  // skipped tests), so it is recorded and asserted in SetUp().
  static void SetUpTestSuite() {
    try {
      find_or_start_standby();
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  void SetUp() override { ASSERT_EQ(setup_error_, "") << "no standby"; }

  static void find_or_start_standby() {
    if (const char* sb = std::getenv("AZORA_STANDBY_CONNINFO"); sb != nullptr && *sb != '\0') {
      standby_ = sb;
      multihost_ = azora::test::require_env("AZORA_PG_MULTIHOST_CONNINFO");
      return;
    }
    const std::string tmp = azora::test::require_env("AZORA_TMP");
    own_dir_ = tmp + "/standby-routing-test-" + std::to_string(::getpid());
    const std::string cmd = repo_root() + "/scripts/standby.sh start " + own_dir_;
    FILE* out = ::popen(cmd.c_str(), "r");
    if (out == nullptr) throw std::runtime_error("cannot run " + cmd);
    char buf[64] = {};
    const bool got = std::fgets(buf, sizeof buf, out) != nullptr;
    if (::pclose(out) != 0 || !got || std::atoi(buf) <= 0)
      throw std::runtime_error(cmd + " failed (its stderr is above)");
    const std::string port = std::to_string(std::atoi(buf));
    const std::string host = azora::test::require_env("PGHOST");
    const std::string primary_port = azora::test::require_env("PGPORT");
    standby_ = "host=" + host + " port=" + port + " user=postgres dbname=postgres";
    multihost_ = "host=" + host + "," + host + " port=" + port + "," + primary_port +
                 " user=postgres dbname=postgres";
  }
  static void TearDownTestSuite() {
    if (!own_dir_.empty()) {
      EXPECT_EQ(std::system((repo_root() + "/scripts/standby.sh stop " + own_dir_).c_str()), 0);
    }
  }

  static azora::PoolOptions options(const std::string& conninfo) {
    azora::PoolOptions o;
    o.conninfo = conninfo;
    o.min_size = 1;
    o.max_size = 3;
    return o;
  }

  static bool in_recovery(azora::Lease& l) {
    return l->exec("SELECT pg_is_in_recovery()").value(0, 0) == "t";
  }

  static inline std::string standby_, multihost_, own_dir_, setup_error_;
};

TEST_F(Routing, TheStandbyIsAStandby) {
  azora::Connection c(standby_);
  EXPECT_EQ(c.exec("SELECT pg_is_in_recovery()").value(0, 0), "t");
}

TEST_F(Routing, WritesGoToThePrimaryAndReadsToTheStandby) {
  // The standby is listed first: routing is by role, not by position.
  azora::ReadWritePools pools(options(multihost_));
  azora::Lease w = pools.write();
  azora::Lease r = pools.read();
  EXPECT_FALSE(in_recovery(w));
  EXPECT_TRUE(in_recovery(r));
  EXPECT_NE(w->port(), r->port());
  w->exec("CREATE TABLE IF NOT EXISTS " + routing_table() + "(x int)");
  w->exec("INSERT INTO " + routing_table() + " VALUES (42)");
  // Replication is asynchronous: the standby sees the row shortly.
  bool replicated = false;
  for (int i = 0; i < 500 && !replicated; i++) {
    replicated =
        r->exec("SELECT count(*) FROM pg_class WHERE relname = '" + routing_table() + "'")
                .value(0, 0) == "1" &&
        r->exec("SELECT count(*) FROM " + routing_table() + " WHERE x = 42").value(0, 0) != "0";
    if (!replicated) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(replicated);
  w->exec("DROP TABLE " + routing_table());
}

TEST_F(Routing, AWriteOnAReadLeaseFailsAsReadOnly) {
  azora::ReadWritePools pools(options(multihost_));
  azora::Lease r = pools.read();
  try {
    r->exec("CREATE TABLE routing_ro(x int)");
    FAIL() << "a standby accepted a write";
  } catch (const azora::SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "25006");  // read_only_sql_transaction
  }
  EXPECT_TRUE(r->is_open());
}

TEST_F(Routing, PreferStandbyFallsBackToThePrimary) {
  // No standby in this host list (a dead port and the primary): reads still work.
  const std::string host = azora::test::require_env("PGHOST");
  const std::string conninfo = "host=127.0.0.1," + host + " port=1," +
                               azora::test::require_env("PGPORT") +
                               " user=postgres dbname=postgres";
  azora::ReadWritePools pools(options(conninfo));
  azora::Lease r = pools.read();
  EXPECT_FALSE(in_recovery(r));
}

TEST_F(Routing, NoWritableHostIsAConnectionError) {
  azora::PoolOptions o = options(standby_);
  o.target_session_attrs = "read-write";
  EXPECT_THROW(azora::Pool{o}, azora::ConnectionError);
}

TEST_F(Routing, ReadPoolReplacesAKilledStandbyBackend) {
  azora::ReadWritePools pools(options(multihost_));
  int pid = 0;
  {
    azora::Lease r = pools.read();
    pid = r->backend_pid();
  }
  azora::Connection admin(standby_);
  admin.exec_params("SELECT pg_terminate_backend($1::int)", {std::to_string(pid)});
  for (int i = 0; i < 500; i++) {
    if (admin
            .exec_params("SELECT 1 FROM pg_stat_activity WHERE pid = $1::int",
                         {std::to_string(pid)})
            .rows() == 0)
      break;
    std::this_thread::sleep_for(10ms);
  }
  azora::Lease r = pools.read();
  EXPECT_NE(r->backend_pid(), pid);
  EXPECT_TRUE(in_recovery(r));
  EXPECT_GE(pools.reader().stats().broken, 1u);
}

}  // namespace
