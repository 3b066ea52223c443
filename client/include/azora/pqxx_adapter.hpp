// pqxx_adapter.hpp — lets libpqxx code run on a pooled connection without rewriting it.
//
// PqxxConnection is a pqxx::connection_base over the PGconn of an azora::Connection (e.g. a
// pool Lease's): pqxx::work, exec_params, quote_name, pqxx::sql_error ... all work as usual, but
// the connection belongs to the azora::Connection — destroying the adapter leaves it open, and
// the lease then goes back to the pool. PqxxWork bundles adapter + pqxx::work for the common
// case. Not thread-safe (one thread per lease, like libpqxx itself).
// Prepared statements made through pqxx live in the server session, i.e. they stay with the
// pooled connection: prepare them idempotently or DEALLOCATE them.
#pragma once

#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "azora/connection.hpp"
#include "azora/lease.hpp"

namespace azora {

namespace detail {
// A libpqxx connection policy that adopts an existing PGconn and never closes it.
class AdoptedConnectionPolicy : public pqxx::connectionpolicy {
 public:
  explicit AdoptedConnectionPolicy(PGconn* conn) : pqxx::connectionpolicy(""), conn_(conn) {}
  // Hands out the adopted handle once: after libpqxx drops it (it found it broken) there is no
  // reconnecting behind the pool's back.
  handle do_startconnect(handle orig) override;
  handle do_completeconnect(handle orig) override { return orig; }
  handle do_dropconnect(handle) noexcept override { return nullptr; }
  handle do_disconnect(handle) noexcept override { return nullptr; }
  bool is_ready(handle h) const noexcept override { return h != nullptr; }

 private:
  PGconn* conn_;
  bool handed_out_ = false;
};
}  // namespace detail

class PqxxConnection : public pqxx::connection_base {
 public:
  // conn must stay open and outlive the adapter.
  explicit PqxxConnection(Connection& conn);
  explicit PqxxConnection(Lease& lease) : PqxxConnection(lease.connection()) {}
  ~PqxxConnection();
  PqxxConnection(const PqxxConnection&) = delete;
  PqxxConnection& operator=(const PqxxConnection&) = delete;

 private:
  detail::AdoptedConnectionPolicy policy_;
};

// A pqxx::work on a lease: `PqxxWork w(lease); w->exec_params(...); w->commit();`. Destroyed
// without commit(), it rolls back (libpqxx's rule).
class PqxxWork {
 public:
  explicit PqxxWork(Lease& lease, const std::string& name = "");
  pqxx::work& operator*() noexcept { return *work_; }
  pqxx::work* operator->() noexcept { return work_.get(); }
  pqxx::connection_base& connection() noexcept { return *conn_; }

 private:
  // Declared in this order so the transaction is destroyed before its connection.
  std::unique_ptr<PqxxConnection> conn_;
  std::unique_ptr<pqxx::work> work_;
};

}  // namespace azora
