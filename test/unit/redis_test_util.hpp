// redis_test_util.hpp — helpers for the Redis suites: options pointing at the cluster.sh Redis
// with a per-test key prefix, an admin connection, and killing/stopping/restarting the real
// redis-server process (its pid is in the pidfile named by $AZORA_REDIS_CONF).
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "azora/redis_cache.hpp"
#include "azora/redis_connection.hpp"
#include "test_env.hpp"

namespace azora::test {

inline RedisEndpoint redis_endpoint() {
  RedisEndpoint ep;
  ep.host = redis_host();
  ep.port = redis_port();
  ep.connect_timeout = std::chrono::milliseconds(500);
  ep.command_timeout = std::chrono::milliseconds(2000);
  return ep;
}

// Options for a cache private to the running test: its own key prefix and no global metrics.
inline RedisCacheOptions cache_options() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  RedisCacheOptions o;
  o.host = redis_host();
  o.port = redis_port();
  o.key_prefix = std::string("test:") + info->test_suite_name() + "." + info->name() + ":";
  o.metrics = nullptr;
  o.connect_timeout = std::chrono::milliseconds(200);
  o.command_timeout = std::chrono::milliseconds(200);
  o.backoff_min = std::chrono::milliseconds(10);
  o.backoff_max = std::chrono::milliseconds(100);
  return o;
}

inline bool redis_answers() {
  try {
    RedisConnection c(redis_endpoint());
    return c.command({"PING"}).str() == "PONG";
  } catch (const RedisError&) {
    return false;
  }
}

inline pid_t redis_pid() {
  std::ifstream conf(require_env("AZORA_REDIS_CONF"));
  std::string line;
  while (std::getline(conf, line)) {
    if (line.rfind("pidfile ", 0) == 0) {
      std::ifstream pidfile(line.substr(8));
      pid_t pid = 0;
      if (pidfile >> pid && pid > 0) return pid;
    }
  }
  throw std::runtime_error("no redis pid in the pidfile named by AZORA_REDIS_CONF");
}

// Waits (up to 10 s) until pred() holds; returns whether it did.
template <class Pred>
bool eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

// SIGKILL, like a crash; returns once the port refuses connections (a killed daemon may linger
// as an unreaped zombie, so the pid is no proof).
inline void kill_redis() {
  ASSERT_EQ(::kill(redis_pid(), SIGKILL), 0);
  ASSERT_TRUE(eventually([] { return !redis_answers(); })) << "redis still answers";
}

inline void restart_redis() {
  const std::string cmd = "redis-server '" + require_env("AZORA_REDIS_CONF") + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);  // daemonizes
  ASSERT_TRUE(eventually(redis_answers)) << "redis did not come back";
}

}  // namespace azora::test
