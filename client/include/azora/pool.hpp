// pool.hpp — Pool: a thread-safe pool of libpq connections handing out RAII Leases.
//
// Owns the connections, their lifecycle (open up to max_size on demand, keep min_size, close
// the ones idle past idle_timeout or older than max_lifetime), the health check on lease (a dead
// backend, e.g. one killed by pg_terminate_backend, is detected and replaced), the wait with a
// timeout when all are in use (callers served first come, first served), the reset of session
// state on return, and pgbouncer-style statistics. All members are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "azora/lease.hpp"
#include "azora/metrics.hpp"

namespace azora {

class QueryTimer;

struct PoolOptions {
  // libpq conninfo or URI; may list several hosts ("host=a,b port=5432,5433").
  std::string conninfo;
  // Overrides the conninfo's target_session_attrs when not empty ("read-write", "primary",
  // "standby", "prefer-standby", ...): how libpq picks among several hosts.
  std::string target_session_attrs;
  std::size_t min_size = 5;   // opened by the constructor and kept open
  std::size_t max_size = 20;  // never more connections than this
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);  // above min_size
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(2);
  std::chrono::milliseconds max_lifetime = std::chrono::minutes(30);  // then retired
  // How long acquire() waits for a free connection when max_size are in use.
  std::chrono::milliseconds acquire_timeout = std::chrono::seconds(2);
  // Health check on lease: always the free no-round-trip check (Connection::idle_check); a
  // connection idle for longer than this also gets a ping round trip first.
  bool health_check = true;
  std::chrono::milliseconds ping_after_idle = std::chrono::seconds(10);
  // Deadline of each housekeeping round trip (the ping on lease, the ROLLBACK on return): a
  // connection whose server does not answer in time (hung backend, half-open TCP) is closed
  // and counted as broken instead of blocking the caller forever.
  std::chrono::milliseconds housekeeping_timeout = Connection::kHousekeepingTimeout;
  // Run on every connection given back (after the ROLLBACK of an open transaction), like
  // pgbouncer's server_reset_query, so session state cannot leak from one lease to the next:
  // "DISCARD ALL" drops SET values, temp tables, advisory locks, LISTENs and prepared
  // statements. Empty (default): nothing is run. A reset that fails or passes
  // housekeeping_timeout closes the connection. The connection's statement cache is cleared
  // after it (the server may have dropped the statements).
  std::string reset_query;
  // How often the background thread prunes and refills the pool and checks idle connections.
  std::chrono::milliseconds maintenance_interval = std::chrono::seconds(1);
  // Run on each new connection (e.g. SET statement_timeout); an exception discards it.
  std::function<void(Connection&)> on_connect;
  // Name used in errors and as the metrics' pool label; must be unique per registry.
  std::string name = "default";
  // When set, the pool exports its stats as azora_pool_* series into this registry.
  metrics::Registry* registry = nullptr;
  // When set, every statement run through exec/exec_params/exec_prepared on a pooled
  // connection is timed into it, labelled by the operation and table read from its SQL
  // (classify_sql). The timer must outlive the pool. (Statements sent through the libpqxx
  // adapter or a Pipeline are not seen: time those with QueryTimer::time.)
  QueryTimer* timer = nullptr;
};

// A snapshot, like pgbouncer's SHOW POOLS. total = active + idle (+ connections being opened).
struct PoolStats {
  std::size_t total = 0;       // open connections, in use or not
  std::size_t active = 0;      // leased out
  std::size_t idle = 0;        // ready in the pool
  std::size_t waiting = 0;     // acquire() calls blocked right now
  std::uint64_t acquired = 0;  // leases handed out since start
  std::uint64_t timeouts = 0;  // acquire() calls that gave up (TimeoutError)
  std::uint64_t broken = 0;    // connections found dead (health check, return) and dropped
  // The longest acquire() so far, from the call to the connection in hand (waiting in line,
  // health check, connecting). Each one is also observed into azora_pool_acquire_wait_seconds.
  std::chrono::nanoseconds max_wait{0};
};

class Pool {
 public:
  // Opens min_size connections; throws ConnectionError/TimeoutError when the server is not
  // reachable, UsageError on inconsistent options.
  explicit Pool(PoolOptions options);
  // Closes idle connections; leases still out close theirs when returned.
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A healthy connection, waiting up to options.acquire_timeout (or `timeout`) for one to be
  // free. TimeoutError on exhaustion, ConnectionError when a new one cannot be opened.
  // Waiting callers are served in arrival order: a caller arriving just as a connection comes
  // back queues behind those already waiting.
  Lease acquire();
  Lease acquire(std::chrono::milliseconds timeout);

  PoolStats stats() const;
  const PoolOptions& options() const noexcept;

 private:
  std::shared_ptr<detail::PoolState> state_;
  std::vector<metrics::Subscription> exported_;
  std::thread maintenance_;
};

}  // namespace azora
