#!/usr/bin/env bash
# The extension: preloaded, created, and guarding its C++/PostgreSQL boundary
set -euo pipefail
source scripts/demo/lib.sh
say "server: $(psql -XAtc 'SELECT version()' | cut -d, -f1)"
say "shared_preload_libraries = $(psql -XAtc 'SHOW shared_preload_libraries')"
q -c 'CREATE EXTENSION azora_opt'
say "CREATE EXTENSION azora_opt -> azora_opt.version() = $(psql -XAtc 'SELECT azora_opt.version()')"
say "a C++ exception thrown inside the backend becomes an ordinary ERROR with a SQLSTATE:"
psql -X -v VERBOSITY=verbose -c "SELECT azora_opt._selftest_raise('azora')" 2>&1 | sed -n '1,3s/^/      /p'
say "...and the same backend keeps serving: $(psql -XAtc "SELECT 'still alive'")"
