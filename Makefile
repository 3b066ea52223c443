# Makefile — builds the azora_opt extension with PGXS, and drives the project's main jobs:
#   make demo   the whole story on a throwaway cluster (installs what is missing first)
#   make test   every test on a throwaway cluster, ending with "N passed, N failed"
#   make bench  the benchmarks (figures go to docs/benchmarks.md)
#   make client          the client library and the azora-opt CLI (CMake in build/; quick path)
#   make client-all      the same plus the GoogleTest suites and benchmarks
#   make install            the extension (into PostgreSQL's directories) and the client (below)
#   make install-extension  the extension alone (PGXS's install; what the scripts use)
#   make install-client     the library, headers, CMake/pkg-config files and azora-opt into
#                           AZORA_PREFIX (default /usr/local), building the quick path first
#   DESTDIR=DIR stages any of them under DIR; make install-all is make install
# The client library, CLI, unit tests and benchmarks are built by CMake (CMakeLists.txt).

# One job per core unless the caller chose (-jN, or -j1 for serial output): PGXS's rules are
# parallel-safe (PostgreSQL itself builds with -j). A sub-make (install-extension's) shares its
# parent's jobs.
ifeq (0,$(MAKELEVEL))
ifeq (,$(filter -j%,$(MAKEFLAGS)))
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif
endif

PG_CONFIG ?= /usr/lib/postgresql/15/bin/pg_config

MODULE_big  = azora_opt
MODULEDIR   = extension
EXT_SOURCES = $(sort $(wildcard extension/*.cpp extension/*/*.cpp))
OBJS        = $(EXT_SOURCES:.cpp=.o)
DATA        = extension/azora_opt.control $(wildcard extension/azora_opt--*.sql)

PG_CPPFLAGS = -I$(CURDIR)/extension
# -MMD -MP: each object also depends on the headers it includes (editing a header rebuilds).
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Werror -fno-omit-frame-pointer -MMD -MP
SHLIB_LINK  = -lstdc++

# pg_regress tests: one file per feature in sql/, expected output in expected/.
EXTRA_CLEAN = $(OBJS:.o=.d)

REGRESS     = version upgrade boundary tracking_basic tracking_api tracking_security tracking_robustness tracking_samples cache_api cache_invalidation cache_safety advisor_hypo advisor_accuracy advisor_advise advisor_reports advisor_like_prefix advisor_sort_order advisor_notices advisor_partitioned advisor_roles advisor_samples advisor_writes advisor_or_arms advisor_memo
# Isolation specs (concurrency) in test/isolation/specs, expected output in test/isolation/expected.
ISOLATION   = tracking_concurrency cache_consistency cache_catalog cache_temp_ddl
ISOLATION_OPTS = --inputdir=test/isolation

# No LLVM bitcode: the JIT inlining of C++ code buys nothing here and needs clang's C++ headers.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
all:
	@echo "PostgreSQL's server headers are missing: run scripts/install-deps.sh (make demo and make test do)."
	@exit 1
endif

-include $(OBJS:.o=.d)

.PHONY: deps client client-all install-extension install-client install-all demo test bench format format-check
deps:
	scripts/install-deps.sh

client:
	@scripts/build.sh client

client-all:
	@scripts/build.sh client-all

# `make install` installs both parts: PGXS's install (the extension) with install-client as one
# more prerequisite. PGXS's recipe is attached to `install` itself, so the extension alone is
# that same install in a sub-make told to leave the client out (scripts install the extension
# with sudo or into a private server copy with DESTDIR, where building the client would be slow
# and root-owned).
ifndef AZORA_EXTENSION_ONLY
install: install-client
endif
install-extension:
	$(MAKE) install AZORA_EXTENSION_ONLY=1

# install-client builds first, except as root over an existing build (`make client && sudo make
# install`: root only copies, and leaves no root-owned objects in build/).
AZORA_PREFIX ?= /usr/local
install-client:
	@if [ "$$(id -u)" -ne 0 ] || [ ! -f build/CMakeCache.txt ]; then scripts/build.sh client; fi
	DESTDIR="$(DESTDIR)" cmake --install build --prefix "$(AZORA_PREFIX)"

install-all: install

demo:
	scripts/demo.sh

test:
	scripts/test.sh

bench:
	scripts/bench.sh

FORMAT_FILES = $(shell git ls-files '*.cpp' '*.hpp' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_FILES)

format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)
