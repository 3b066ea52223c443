// hung_server_test.cpp — no PostgreSQL round trip of the library's housekeeping, nor a pipeline,
// blocks forever on a server that stopped answering: a backend frozen with SIGSTOP (its kernel
// still ACKs, so TCP alone notices nothing) must cost a bounded wait, then the connection is
// closed. Every stopped backend is resumed (SIGCONT) in teardown, even when a check failed.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstring>
#include <future>
#include <string>
#include <vector>

#include "azora/connection.hpp"
#include "azora/pipeline.hpp"
#include "azora/pool.hpp"
#include "test_env.hpp"

namespace {

using namespace std::chrono_literals;

// The bound within which every call under test must return. Before the deadlines existed these
// calls never returned; the test then resumes the backend so that they do, and fails.
constexpr auto kBound = 20s;

class HungServer : public ::testing::Test {
 protected:
  void TearDown() override {
    for (int pid : stopped_) ::kill(pid, SIGCONT);
  }
  void stop(int pid) {
    ASSERT_GT(pid, 0);
    stopped_.push_back(pid);
    ASSERT_EQ(::kill(pid, SIGSTOP), 0) << std::strerror(errno);
  }
  // Waits for f; when it did not finish within kBound, resumes the backends (so that it can)
  // and reports the failure.
  template <class Future>
  void expect_returns(Future& f, const char* what) {
    const bool done = f.wait_for(kBound) == std::future_status::ready;
    if (!done) {
      for (int pid : stopped_) ::kill(pid, SIGCONT);
      f.wait();
    }
    EXPECT_TRUE(done) << what << " blocked on the stopped backend";
  }
  std::vector<int> stopped_;
};

std::string conninfo_value(const azora::Connection& c, const char* keyword) {
  PQconninfoOption* opts = PQconninfo(c.native());
  std::string value = "<unset>";
  for (PQconninfoOption* o = opts; o && o->keyword; o++)
    if (std::strcmp(o->keyword, keyword) == 0 && o->val) value = o->val;
  PQconninfoFree(opts);
  return value;
}

TEST(TcpDefaults, KeepalivesAndUserTimeoutUnlessTheConninfoSaysOtherwise) {
  azora::Connection plain(azora::test::pg_tcp_conninfo());
  EXPECT_EQ(conninfo_value(plain, "tcp_user_timeout"), "30000");
  EXPECT_EQ(conninfo_value(plain, "keepalives"), "1");
  EXPECT_EQ(conninfo_value(plain, "keepalives_idle"), "30");
  azora::Connection own(azora::test::pg_tcp_conninfo() +
                        " tcp_user_timeout=1234 keepalives_idle=7");
  EXPECT_EQ(conninfo_value(own, "tcp_user_timeout"), "1234");
  EXPECT_EQ(conninfo_value(own, "keepalives_idle"), "7");
  EXPECT_EQ(own.exec("SELECT 1").value(0, 0), "1");
}

azora::PoolOptions one_connection() {
  azora::PoolOptions o;
  o.conninfo = azora::test::pg_conninfo();
  o.min_size = 0;
  o.max_size = 1;
  o.ping_after_idle = 0ms;  // always ping on lease
  o.housekeeping_timeout = 300ms;
  o.acquire_timeout = 5s;
  return o;
}

TEST_F(HungServer, PingOnLeaseGivesUpAndReplacesTheConnection) {
  azora::Pool pool(one_connection());
  int frozen = 0;
  {
    azora::Lease l = pool.acquire();
    frozen = l->backend_pid();
  }
  stop(frozen);
  auto f = std::async(std::launch::async, [&] {
    azora::Lease l = pool.acquire();
    return std::make_pair(l->backend_pid(), std::string(l->exec("SELECT 41 + 1").value(0, 0)));
  });
  expect_returns(f, "acquire()");
  const auto [pid, answer] = f.get();
  EXPECT_NE(pid, frozen);
  EXPECT_EQ(answer, "42");
  EXPECT_EQ(pool.stats().broken, 1u);
}

TEST_F(HungServer, RollbackOnReturnGivesUpAndDropsTheConnection) {
  azora::Pool pool(one_connection());
  azora::Lease l = pool.acquire();
  l->exec("BEGIN");
  stop(l->backend_pid());
  auto f = std::async(std::launch::async, [&] { l.release(); });
  expect_returns(f, "returning the lease");
  const azora::PoolStats s = pool.stats();
  EXPECT_EQ(s.total, 0u);
  EXPECT_EQ(s.broken, 1u);
}

TEST_F(HungServer, PipelineTimesOutAndClosesTheConnection) {
  azora::Connection conn(azora::test::pg_conninfo());
  stop(conn.backend_pid());
  auto f = std::async(std::launch::async, [&] {
    azora::Pipeline p(conn, azora::Pipeline::Sync::once, 300ms);
    p.add("SELECT 1");
    p.add("SELECT 2");
    p.run();
  });
  expect_returns(f, "Pipeline::run()");
  EXPECT_THROW(f.get(), azora::TimeoutError);
  EXPECT_FALSE(conn.is_open());
}

TEST_F(HungServer, PingAndExecWithinHaveDeadlines) {
  azora::Connection conn(azora::test::pg_conninfo());
  azora::Connection other(azora::test::pg_conninfo());
  stop(conn.backend_pid());
  auto ping = std::async(std::launch::async, [&] { return conn.ping(300ms); });
  expect_returns(ping, "ping()");
  EXPECT_FALSE(ping.get());
  EXPECT_FALSE(conn.is_open());
  stop(other.backend_pid());
  auto exec = std::async(std::launch::async, [&] { other.exec_within("SELECT 1", 300ms); });
  expect_returns(exec, "exec_within()");
  EXPECT_THROW(exec.get(), azora::TimeoutError);
}

TEST(Pipeline, RejectsANonPositiveTimeout) {
  azora::Connection conn(azora::test::pg_conninfo());
  EXPECT_THROW(azora::Pipeline(conn, azora::Pipeline::Sync::once, 0ms), azora::UsageError);
}

}  // namespace
