// pqxx_adapter.cpp — libpqxx over a borrowed PGconn (see pqxx_adapter.hpp).
#include "azora/pqxx_adapter.hpp"

namespace azora {

namespace detail {
AdoptedConnectionPolicy::handle AdoptedConnectionPolicy::do_startconnect(handle orig) {
  if (orig != nullptr) return orig;
  if (handed_out_) throw pqxx::broken_connection("pooled connection was lost; lease another");
  handed_out_ = true;
  return conn_;
}
}  // namespace detail

// connection_base only stores a reference to the policy here; init() (which uses it) runs
// after policy_ is constructed — the same pattern as pqxx::basic_connection_base.
PqxxConnection::PqxxConnection(Connection& conn)
    : pqxx::connection_base(policy_), policy_(conn.native()) {
  if (!conn.is_open()) throw ConnectionError("cannot adapt a closed connection", "08003");
  init();
}

PqxxConnection::~PqxxConnection() {
  close();
}

PqxxWork::PqxxWork(Lease& lease, const std::string& name)
    : conn_(std::make_unique<PqxxConnection>(lease)),
      work_(name.empty() ? std::make_unique<pqxx::work>(*conn_)
                         : std::make_unique<pqxx::work>(*conn_, name)) {}

}  // namespace azora
