#!/usr/bin/env bash
# The extension: preloaded, created, and guarding its C++/PostgreSQL boundary
set -euo pipefail
source scripts/demo/lib.sh
say "server: $(psql -XAtc 'SELECT version()' | cut -d, -f1)"
say "shared_preload_libraries = $(psql -XAtc 'SHOW shared_preload_libraries')"
q -c 'CREATE EXTENSION azora_opt'
say "CREATE EXTENSION azora_opt -> azora_opt.version() = $(psql -XAtc 'SELECT azora_opt.version()')"
say "a C++ exception thrown inside the backend becomes an ordinary ERROR with a SQLSTATE,"
say "and the same backend (same pid) keeps serving the session:"
# psql exits 1 because of the (intended) error; the step goes on.
out=$(psql -X -At -v VERBOSITY=verbose -c "SELECT 'pid before: ' || pg_backend_pid()" \
  -c "SELECT azora_opt._selftest_raise('azora')" \
  -c "SELECT 'pid after:  ' || pg_backend_pid() || ', still answering'" 2>&1 || true)
echo "$out" | grep -vE '^(LOCATION|CONTEXT)' | sed 's/^/      /'
