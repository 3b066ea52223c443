// routing.cpp — read/write pools over one multi-host conninfo (see routing.hpp).
#include "azora/routing.hpp"

namespace azora {

PoolOptions ReadWritePools::with(PoolOptions o, std::string attrs, const char* suffix) {
  o.target_session_attrs = std::move(attrs);
  o.name += suffix;
  return o;
}

ReadWritePools::ReadWritePools(const PoolOptions& options, std::string write_attrs,
                               std::string read_attrs)
    : writer_(with(options, std::move(write_attrs), "_write")),
      reader_(with(options, std::move(read_attrs), "_read")) {}

}  // namespace azora
