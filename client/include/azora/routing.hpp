// routing.hpp — ReadWritePools: one multi-host conninfo, writes to the primary, reads to a
// standby, for the scale-out path.
//
// Two Pools over the same host list, told apart by libpq's target_session_attrs: the write pool
// uses "read-write" (whichever host accepts writes: the primary, even after a failover moves
// it), the read pool "prefer-standby" (a standby when one is up, else the primary, so reads keep
// working when every standby is down). A read connection opened on the primary while the
// standbys were down stays there until it is recycled (max_lifetime, idle_timeout).
// Reads on a standby may lag the primary (asynchronous replication): read your own writes from
// write(). Thread-safe like Pool.
#pragma once

#include "azora/pool.hpp"

namespace azora {

class ReadWritePools {
 public:
  // options.conninfo lists the hosts ("host=a,b,c port=5432,5432,5432 ..."); options.name
  // becomes NAME_write / NAME_read in errors and metrics. Sizes apply to each pool.
  explicit ReadWritePools(const PoolOptions& options, std::string write_attrs = "read-write",
                          std::string read_attrs = "prefer-standby");

  Lease write() { return writer_.acquire(); }
  Lease read() { return reader_.acquire(); }
  Pool& writer() noexcept { return writer_; }
  Pool& reader() noexcept { return reader_; }

 private:
  static PoolOptions with(PoolOptions o, std::string attrs, const char* suffix);
  Pool writer_;
  Pool reader_;
};

}  // namespace azora
