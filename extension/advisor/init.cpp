// advisor/init.cpp — wires the advisor into the server at _PG_init (see advisor.hpp).
#include "advisor/advisor.hpp"

#include "advisor/what_if.hpp"
#include "advisor/workload.hpp"

namespace azora::advisor {

void init() {
  register_hooks();
}

}  // namespace azora::advisor
