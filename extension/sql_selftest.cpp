// sql_selftest.cpp — functions that exercise the C++/PostgreSQL boundary from SQL.
//
// azora_opt._selftest_raise(kind) throws on purpose so the regression suite can prove that each
// kind of failure becomes a proper ERROR with the right SQLSTATE, that C++ destructors run while a
// PostgreSQL error travels through C++ frames, and that the backend keeps working afterwards.
// Both functions are revoked from PUBLIC.
#include "boundary.hpp"

namespace {

// Destructor runs of Unwinder in this backend: proves RAII cleanup happened on each error path.
int64 unwound = 0;

struct Unwinder {
  std::string owned = std::string(64, 'x');  // a real heap resource to release
  ~Unwinder() { unwound++; }
};

void raise_kind(const std::string& kind) {
  Unwinder guard;
  if (kind == "cxx") throw std::runtime_error("selftest: a std::runtime_error from C++");
  if (kind == "azora")
    throw azora::Error(ERRCODE_INVALID_PARAMETER_VALUE, "selftest: an azora::Error",
                       "This hint travels with the error.", "And so does this detail.");
  if (kind == "bad_alloc") throw std::bad_alloc();
  if (kind == "pg") {
    // A PostgreSQL error raised below a C++ frame that owns `guard`.
    azora::pg_call([] { return DirectFunctionCall2(int4div, Int32GetDatum(1), Int32GetDatum(0)); });
  }
  if (kind == "none") return;
  throw azora::Error(ERRCODE_INVALID_PARAMETER_VALUE, "unknown selftest kind \"" + kind + "\"",
                     "Use one of: cxx, azora, bad_alloc, pg, none.");
}

}  // namespace

AZORA_SQL_FUNCTION(azora_selftest_raise) {
  // Copy the argument before creating C++ objects: text_to_cstring may raise its own error.
  const char* kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
  raise_kind(kind);
  PG_RETURN_VOID();
}

AZORA_SQL_FUNCTION(azora_selftest_unwound) {
  PG_RETURN_INT64(unwound);
}
