// pool_test.cpp — Pool and Lease against the real throwaway PostgreSQL cluster.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "azora/pool.hpp"
#include "azora/query_timer.hpp"
#include "test_env.hpp"

namespace {

// Per process: ctest may run several suites at once on the same cluster.
std::string rollback_table() {
  return "pool_rollback_t_" + std::to_string(::getpid());
}

using namespace std::chrono_literals;
using azora::Connection;
using azora::Lease;
using azora::Pool;
using azora::PoolOptions;

PoolOptions options(std::size_t min, std::size_t max) {
  PoolOptions o;
  o.conninfo = azora::test::pg_conninfo();
  o.min_size = min;
  o.max_size = max;
  return o;
}

// Polls cond for up to 10 s (generous: the machine is shared); true when it became true.
template <class F>
bool eventually(F cond) {
  for (int i = 0; i < 1000; i++) {
    if (cond()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return cond();
}

// Kills a backend from another session and waits until it is gone.
void terminate_backend(int pid) {
  Connection admin(azora::test::pg_conninfo());
  admin.exec_params("SELECT pg_terminate_backend($1::int)", {std::to_string(pid)});
  ASSERT_TRUE(eventually([&] {
    return admin
               .exec_params("SELECT 1 FROM pg_stat_activity WHERE pid = $1::int",
                            {std::to_string(pid)})
               .rows() == 0;
  }));
}

TEST(Pool, OpensMinSizeUpFront) {
  Pool pool(options(5, 20));
  azora::PoolStats s = pool.stats();
  EXPECT_EQ(s.total, 5u);
  EXPECT_EQ(s.idle, 5u);
  EXPECT_EQ(s.active, 0u);
  EXPECT_EQ(s.acquired, 0u);
  EXPECT_EQ(pool.options().max_size, 20u);
}

// The seed guide's pool: at least 5 and at most 20 connections. Counted by the server (its
// backends with this pool's application_name), not read back from PoolOptions.
TEST(Pool, DefaultsFollowTheGuide) {
  const std::string app = "pool_defaults_" + std::to_string(::getpid());
  PoolOptions o;  // only the conninfo set: every size and timeout is the default
  o.conninfo = azora::test::pg_conninfo() + " application_name=" + app;
  Connection admin(azora::test::pg_conninfo());
  const auto backends = [&] {
    return std::stoi(std::string(
        admin
            .exec_params("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", {app})
            .value(0, 0)));
  };
  Pool pool(o);
  EXPECT_TRUE(eventually([&] { return backends() == 5; })) << backends();
  std::vector<Lease> leases;
  for (int i = 0; i < 20; i++) leases.push_back(pool.acquire());
  EXPECT_EQ(backends(), 20);
  EXPECT_THROW(pool.acquire(), azora::TimeoutError);  // the 21st waits, then gives up
  EXPECT_EQ(backends(), 20);
}

TEST(Pool, LeaseIsRaiiAndTheConnectionIsReused) {
  Pool pool(options(1, 2));
  int pid = 0;
  {
    Lease lease = pool.acquire();
    ASSERT_TRUE(lease);
    pid = lease->backend_pid();
    EXPECT_EQ(lease->exec("SELECT 1").value(0, 0), "1");
    EXPECT_EQ(pool.stats().active, 1u);
    EXPECT_EQ(pool.stats().idle, 0u);
  }
  EXPECT_EQ(pool.stats().active, 0u);
  EXPECT_EQ(pool.stats().idle, 1u);
  Lease again = pool.acquire();
  EXPECT_EQ(again->backend_pid(), pid);
  EXPECT_EQ(pool.stats().acquired, 2u);
  again.release();
  EXPECT_FALSE(again);
  EXPECT_THROW(again.connection(), azora::UsageError);
  EXPECT_EQ(pool.stats().idle, 1u);
}

TEST(Pool, MovedLeaseReturnsOnce) {
  Pool pool(options(1, 2));
  Lease a = pool.acquire();
  Lease b = std::move(a);
  EXPECT_FALSE(a);
  EXPECT_TRUE(b);
  Lease c = pool.acquire();
  b = std::move(c);  // b's first connection goes back
  EXPECT_EQ(pool.stats().active, 1u);
  b.release();
  EXPECT_EQ(pool.stats().active, 0u);
  EXPECT_EQ(pool.stats().total, 2u);
}

TEST(Pool, ExhaustionRaisesTimeoutErrorAfterTheWait) {
  PoolOptions o = options(1, 3);
  o.acquire_timeout = 200ms;
  o.name = "tiny";
  Pool pool(o);
  std::vector<Lease> held;
  for (int i = 0; i < 3; i++) held.push_back(pool.acquire());
  EXPECT_EQ(pool.stats().total, 3u);
  try {
    pool.acquire();
    FAIL() << "expected TimeoutError";
  } catch (const azora::TimeoutError& e) {
    EXPECT_NE(std::string(e.what()).find("pool tiny exhausted"), std::string::npos) << e.what();
  }
  EXPECT_THROW(pool.acquire(10ms), azora::TimeoutError);
  EXPECT_EQ(pool.stats().timeouts, 2u);
  held.pop_back();
  Lease ok = pool.acquire();
  EXPECT_TRUE(ok);
  EXPECT_EQ(pool.stats().total, 3u);
}

TEST(Pool, AWaiterGetsTheConnectionSomeoneReturns) {
  PoolOptions o = options(1, 1);
  o.acquire_timeout = 30s;
  Pool pool(o);
  Lease held = pool.acquire();
  const int pid = held->backend_pid();
  std::atomic<int> got{0};
  std::thread waiter([&] {
    Lease l = pool.acquire();
    got = l->backend_pid();
  });
  ASSERT_TRUE(eventually([&] { return pool.stats().waiting == 1; }));
  EXPECT_EQ(got.load(), 0);
  held.release();
  waiter.join();
  EXPECT_EQ(got.load(), pid);
  EXPECT_EQ(pool.stats().waiting, 0u);
}

TEST(Pool, TerminatedBackendIsDetectedOnLeaseAndReplaced) {
  PoolOptions o = options(1, 1);
  o.maintenance_interval = std::chrono::hours(1);  // only the lease-time check may find it
  Pool pool(o);
  int pid = 0;
  {
    Lease l = pool.acquire();
    pid = l->backend_pid();
  }
  terminate_backend(pid);
  Lease l = pool.acquire();
  EXPECT_NE(l->backend_pid(), pid);
  EXPECT_EQ(l->exec("SELECT 2").value(0, 0), "2");
  EXPECT_EQ(pool.stats().broken, 1u);
  EXPECT_EQ(pool.stats().total, 1u);
}

TEST(Pool, MaintenanceReplacesKilledIdleConnections) {
  PoolOptions o = options(3, 5);
  o.maintenance_interval = 20ms;
  Pool pool(o);
  std::vector<int> pids;
  {
    std::vector<Lease> all;
    for (int i = 0; i < 3; i++) all.push_back(pool.acquire());
    for (auto& l : all) pids.push_back(l->backend_pid());
  }
  for (int pid : pids) terminate_backend(pid);
  ASSERT_TRUE(eventually([&] { return pool.stats().broken == 3 && pool.stats().idle == 3; }))
      << "broken=" << pool.stats().broken << " idle=" << pool.stats().idle;
  std::vector<Lease> all;
  for (int i = 0; i < 3; i++) all.push_back(pool.acquire());
  for (auto& l : all) {
    EXPECT_EQ(std::count(pids.begin(), pids.end(), l->backend_pid()), 0);
    EXPECT_EQ(l->exec("SELECT 1").rows(), 1);
  }
}

TEST(Pool, ConnectionThatDiesWhileLeasedIsDropped) {
  Pool pool(options(1, 2));
  {
    Lease l = pool.acquire();
    try {
      l->exec("SELECT pg_terminate_backend(pg_backend_pid())");
      FAIL() << "expected ConnectionError";
    } catch (const azora::ConnectionError& e) {
      EXPECT_EQ(e.sqlstate(), "57P01");  // admin_shutdown, kept from the server
    }
  }
  EXPECT_EQ(pool.stats().broken, 1u);
  EXPECT_EQ(pool.stats().total, 0u);
  Lease l = pool.acquire();
  EXPECT_EQ(l->exec("SELECT 3").value(0, 0), "3");
}

TEST(Pool, OpenTransactionIsRolledBackOnReturn) {
  Pool pool(options(1, 1));
  {
    Lease l = pool.acquire();
    l->exec("CREATE TABLE IF NOT EXISTS " + rollback_table() + "(x int)");
    l->exec("TRUNCATE " + rollback_table());
    l->exec("BEGIN");
    l->exec("INSERT INTO " + rollback_table() + " VALUES (1)");
    EXPECT_EQ(l->transaction_status(), PQTRANS_INTRANS);
  }
  {
    Lease l = pool.acquire();
    EXPECT_EQ(l->transaction_status(), PQTRANS_IDLE);
    EXPECT_EQ(l->exec("SELECT count(*) FROM " + rollback_table()).value(0, 0), "0");
    l->exec("BEGIN");
    EXPECT_THROW(l->exec("SELECT 1/0"), azora::SqlError);
    EXPECT_EQ(l->transaction_status(), PQTRANS_INERROR);
  }
  Lease l = pool.acquire();
  EXPECT_EQ(l->transaction_status(), PQTRANS_IDLE);
  EXPECT_EQ(pool.stats().broken, 0u);
  l->exec("DROP TABLE " + rollback_table());
}

TEST(Pool, DiscardClosesInsteadOfReturning) {
  Pool pool(options(1, 2));
  Lease l = pool.acquire();
  const int pid = l->backend_pid();
  l.discard();
  EXPECT_EQ(pool.stats().total, 0u);
  EXPECT_EQ(pool.stats().broken, 0u);
  EXPECT_NE(pool.acquire()->backend_pid(), pid);
}

TEST(Pool, IdleConnectionsAboveMinAreClosedAfterIdleTimeout) {
  PoolOptions o = options(1, 4);
  o.idle_timeout = 50ms;
  o.maintenance_interval = 20ms;
  Pool pool(o);
  {
    std::vector<Lease> all;
    for (int i = 0; i < 4; i++) all.push_back(pool.acquire());
  }
  EXPECT_TRUE(eventually([&] { return pool.stats().total == 1; })) << pool.stats().total;
  EXPECT_EQ(pool.stats().idle, 1u);
}

TEST(Pool, ConnectionsOlderThanMaxLifetimeAreRetired) {
  PoolOptions o = options(1, 1);
  o.max_lifetime = 50ms;
  o.maintenance_interval = std::chrono::hours(1);
  Pool pool(o);
  const int first = pool.acquire()->backend_pid();
  std::this_thread::sleep_for(80ms);
  const int second = pool.acquire()->backend_pid();
  EXPECT_NE(first, second);
  EXPECT_EQ(pool.stats().broken, 0u);  // retired, not broken
}

TEST(Pool, OnConnectRunsForEveryNewConnection) {
  PoolOptions o = options(2, 2);
  std::atomic<int> calls{0};
  o.on_connect = [&](Connection& c) {
    c.exec("SET application_name = 'azora_pool_test'");
    calls++;
  };
  Pool pool(o);
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(pool.acquire()->exec("SHOW application_name").value(0, 0), "azora_pool_test");
}

TEST(Pool, UnreachableServerIsAConnectionError) {
  PoolOptions o;
  o.conninfo = "host=127.0.0.1 port=1 user=postgres dbname=postgres";
  EXPECT_THROW(Pool{o}, azora::ConnectionError);
  o.min_size = 0;
  Pool lazy(o);
  EXPECT_THROW(lazy.acquire(), azora::ConnectionError);
  EXPECT_EQ(lazy.stats().total, 0u);
  EXPECT_EQ(lazy.stats().active, 0u);
}

TEST(Pool, InconsistentOptionsAreAUsageError) {
  EXPECT_THROW(Pool{options(3, 2)}, azora::UsageError);
  EXPECT_THROW(Pool{options(0, 0)}, azora::UsageError);
}

TEST(Pool, LeaseMayOutliveThePool) {
  Lease l;
  {
    Pool pool(options(1, 1));
    l = pool.acquire();
  }
  EXPECT_EQ(l->exec("SELECT 4").value(0, 0), "4");
  l.release();  // closes the connection: the pool is gone
  EXPECT_FALSE(l);
}

TEST(Pool, ExportsStatsToTheMetricsRegistry) {
  azora::metrics::Registry reg;
  {
    PoolOptions o = options(2, 4);
    o.registry = &reg;
    o.name = "main";
    Pool pool(o);
    Lease l = pool.acquire();
    const std::string text = reg.expose();
    EXPECT_NE(text.find("azora_pool_connections{pool=\"main\",state=\"active\"} 1\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("azora_pool_connections{pool=\"main\",state=\"idle\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("azora_pool_size{pool=\"main\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("azora_pool_waiting_clients{pool=\"main\"} 0\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE azora_pool_acquired_total counter\n"
                        "azora_pool_acquired_total{pool=\"main\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("azora_pool_timeouts_total{pool=\"main\"} 0\n"), std::string::npos);
    EXPECT_NE(text.find("azora_pool_broken_total{pool=\"main\"} 0\n"), std::string::npos);
  }
  // The live series go with the pool; the recorded wait distribution stays (like counters).
  const std::string after = reg.expose();
  EXPECT_EQ(after.find("azora_pool_size{pool=\"main\"}"), std::string::npos);
  EXPECT_EQ(after.find("azora_pool_connections{pool=\"main\""), std::string::npos);
  EXPECT_EQ(after.find("azora_pool_max_wait_seconds{pool=\"main\"}"), std::string::npos);
  EXPECT_NE(after.find("azora_pool_acquire_wait_seconds_count{pool=\"main\"} 1"),
            std::string::npos);
}

TEST(Pool, ThreadsHammeringThePoolNeverShareAConnection) {
  PoolOptions o = options(2, 4);
  o.acquire_timeout = 30s;
  Pool pool(o);
  std::mutex mu;
  std::set<int> in_use;
  std::atomic<int> overlaps{0}, queries{0};
  constexpr int kThreads = 8, kIterations = 300;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIterations; i++) {
        Lease l = pool.acquire();
        const int pid = l->backend_pid();
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!in_use.insert(pid).second) overlaps++;
        }
        if ((i + t) % 10 == 0) {
          if (l->exec("SELECT " + std::to_string(i)).value(0, 0) == std::to_string(i)) queries++;
        }
        std::lock_guard<std::mutex> lock(mu);
        in_use.erase(pid);
      }
    });
  for (auto& th : threads) th.join();
  azora::PoolStats s = pool.stats();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(queries.load(), kThreads * kIterations / 10);
  EXPECT_EQ(s.acquired, static_cast<std::uint64_t>(kThreads * kIterations));
  EXPECT_EQ(s.active, 0u);
  EXPECT_LE(s.total, 4u);
  EXPECT_EQ(s.idle, s.total);
  EXPECT_EQ(s.timeouts, 0u);
  EXPECT_EQ(s.waiting, 0u);
}

TEST(Pool, TimesEveryQueryByOperationAndTable) {
  azora::metrics::Registry registry;
  azora::QueryTimerOptions topts;
  topts.registry = &registry;
  topts.slow_threshold = std::chrono::hours(1);
  azora::QueryTimer timer(topts);
  PoolOptions o = options(1, 2);
  o.timer = &timer;
  Pool pool(o);
  const std::string table = "pool_timed_t_" + std::to_string(::getpid());
  {
    Lease lease = pool.acquire();
    lease->exec("DROP TABLE IF EXISTS " + table);
    lease->exec("CREATE TABLE " + table + " (id int PRIMARY KEY)");
    lease->exec_params("INSERT INTO " + table + " VALUES ($1)", {std::string("1")});
    lease->exec_prepared("SELECT id FROM " + table + " WHERE id = $1", {std::string("1")});
    lease->exec_prepared("SELECT id FROM " + table + " WHERE id = $1", {std::string("2")});
    EXPECT_THROW(lease->exec_params("INSERT INTO " + table + " VALUES ($1)", {std::string("1")}),
                 azora::SqlError);
    // Timed explicitly under its own labels: counted once, not also by the pool's observer.
    timer.exec(*lease, "count", "courses_alias", "SELECT count(*) FROM " + table);
    lease->exec("DROP TABLE " + table);
  }
  auto count = [&](const std::string& op, const std::string& tbl) {
    return registry
        .histogram(azora::metrics::names::kQueryDuration, "",
                   azora::metrics::Histogram::latency_buckets(),
                   {{"operation", op}, {"table", tbl}})
        .count();
  };
  EXPECT_EQ(count("select", table), 2u);
  EXPECT_EQ(count("insert", table), 2u);  // the failed one is timed too
  EXPECT_EQ(count("create", "none"), 1u);
  EXPECT_EQ(count("count", "courses_alias"), 1u);
  EXPECT_EQ(count("select", "none"), 0u);
  const std::string text = registry.expose();
  EXPECT_NE(
      text.find("azora_db_query_errors_total{operation=\"insert\",sqlstate=\"23505\",table=\"" +
                table + "\"} 1"),
      std::string::npos)
      << text;
}

}  // namespace

// Fairness: callers are served in arrival order. A thread that gives a connection back and asks
// again at once must queue behind the one already waiting (without the line it takes the idle
// connection before the waiter has even woken up).
TEST(PoolFairness, ANewcomerDoesNotOvertakeAWaiter) {
  PoolOptions o = options(1, 1);
  o.acquire_timeout = 30s;
  Pool pool(o);
  Lease held = pool.acquire();
  std::atomic<bool> served{false};
  std::atomic<bool> tried{false};
  std::thread waiter([&] {
    Lease l = pool.acquire();
    served = true;
    // Keeps the connection until the newcomer has tried: its lease is then proof of overtaking.
    while (!tried) std::this_thread::sleep_for(1ms);
  });
  ASSERT_TRUE(eventually([&] { return pool.stats().waiting == 1; }));
  held.release();
  bool overtook = false;
  try {
    Lease again = pool.acquire(0ms);  // the waiter is first in line
    overtook = true;
  } catch (const azora::TimeoutError&) {
  }
  tried = true;
  waiter.join();
  EXPECT_FALSE(overtook);
  EXPECT_TRUE(served);
}

TEST(PoolFairness, WaitersAreServedFirstComeFirstServed) {
  PoolOptions o = options(1, 1);
  o.acquire_timeout = 30s;
  Pool pool(o);
  Lease held = pool.acquire();
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::thread> waiters;
  for (int i = 0; i < 4; i++) {
    waiters.emplace_back([&, i] {
      Lease l = pool.acquire();
      std::lock_guard<std::mutex> lk(mu);
      order.push_back(i);
    });
    // The next one starts only once this one waits: arrival order is 0, 1, 2, 3.
    ASSERT_TRUE(eventually([&] { return pool.stats().waiting == std::size_t(i) + 1; }));
  }
  held.release();
  for (auto& t : waiters) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

TEST(PoolFairness, WaitsAreMeasuredIntoAHistogramAndAMaximum) {
  azora::metrics::Registry registry;
  PoolOptions o = options(1, 1);
  o.acquire_timeout = 30s;
  o.name = "fair";
  o.registry = &registry;
  Pool pool(o);
  Lease held = pool.acquire();
  std::thread waiter([&] { Lease l = pool.acquire(); });
  ASSERT_TRUE(eventually([&] { return pool.stats().waiting == 1; }));
  std::this_thread::sleep_for(100ms);  // the waiter waits at least this long
  held.release();
  waiter.join();
  const azora::PoolStats s = pool.stats();
  EXPECT_GE(s.max_wait, 100ms);
  const std::string text = registry.expose();
  EXPECT_NE(text.find("azora_pool_acquire_wait_seconds_count{pool=\"fair\"} 2"), std::string::npos)
      << text;
  const std::string gauge = "azora_pool_max_wait_seconds{pool=\"fair\"} ";
  const std::size_t at = text.find(gauge);
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_GE(std::stod(text.substr(at + gauge.size())), 0.1);
}

// Session state set by one lease (a SET, a temp table, an advisory lock) must not reach the next
// one on the same backend when a reset query is configured.
// A pool of one connection (min_size min) returning it through reset_query.
PoolOptions resetting(std::size_t min, const char* reset_query) {
  PoolOptions o = options(min, 1);
  o.reset_query = reset_query;
  return o;
}

TEST(PoolReset, ResetQueryClearsSessionStateBetweenLeases) {
  Pool pool(resetting(1, "DISCARD ALL"));
  int pid = 0;
  {
    Lease l = pool.acquire();
    pid = l->backend_pid();
    l->exec("SET application_name = 'leaky'");
    l->exec("SET azora_test.tenant = '7'");
    l->exec("CREATE TEMP TABLE leak_t (x int)");
    l->exec("SELECT pg_advisory_lock(4242)");
    l->exec_prepared("SELECT $1::int + 1", {std::string("1")});
  }
  Lease l = pool.acquire();
  ASSERT_EQ(l->backend_pid(), pid);  // the same session, reset
  azora::Result r = l->exec(
      "SELECT current_setting('application_name'), current_setting('azora_test.tenant', true), "
      "to_regclass('pg_temp.leak_t') IS NULL, "
      "(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid())");
  EXPECT_EQ(r.value(0, 0), "");
  EXPECT_EQ(r.value(0, 1), "");
  EXPECT_EQ(r.value(0, 2), "t");
  EXPECT_EQ(r.value(0, 3), "0");
  // The statement cache was cleared with the session's statements: this prepares afresh, even
  // inside a transaction.
  l->exec("BEGIN");
  EXPECT_EQ(l->exec_prepared("SELECT $1::int + 1", {std::string("2")}).value(0, 0), "3");
  l->exec("COMMIT");
}

TEST(PoolReset, AFailingResetQueryClosesTheConnection) {
  Pool pool(resetting(0, "SELECT no_such_function()"));
  const int pid = pool.acquire()->backend_pid();  // the lease returns at the end of the line
  EXPECT_EQ(pool.stats().total, 0u);
  Lease l = pool.acquire();
  EXPECT_NE(l->backend_pid(), pid);
}
