// test_env.hpp — where the servers started by scripts/cluster.sh are, for the GoogleTest suites.
// A missing variable is a hard failure, never a skip: the suites must run against real servers.
#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace azora::test {

inline std::string require_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0')
    throw std::runtime_error(std::string(name) +
                             " is not set: run the tests through scripts/cluster.sh (make test)");
  return v;
}

inline std::string pg_conninfo() {
  return require_env("AZORA_PG_CONNINFO");
}
inline std::string pg_tcp_conninfo() {
  return require_env("AZORA_PG_TCP_CONNINFO");
}
inline std::string redis_host() {
  return require_env("AZORA_REDIS_HOST");
}
inline int redis_port() {
  return std::stoi(require_env("AZORA_REDIS_PORT"));
}

}  // namespace azora::test
