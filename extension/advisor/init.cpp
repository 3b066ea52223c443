// advisor/init.cpp — wires the advisor into the server at _PG_init (see advisor.hpp): its
// settings (azora_opt.advisor_*, before module.cpp reserves the prefix) and its hooks.
#include "advisor/advisor.hpp"

#include "advisor/what_if.hpp"
#include "advisor/workload.hpp"

namespace azora::advisor {

void init() {
  define_settings();
  register_hooks();
}

}  // namespace azora::advisor
