// pg.hpp — the one place azora_opt includes PostgreSQL's headers.
//
// Every extension source includes this header instead of any PostgreSQL header, so the C/C++
// boundary is in one place: the headers sit inside extern "C", and the C++ standard headers come
// first because PostgreSQL's port.h redefines printf/snprintf and friends as macros.
#pragma once

#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

// s_lock.h and atomics use the C `register` keyword, which C++17 removed; some inline
// functions in ilist.h and bufpage.h leave parameters unused. Both only inside these headers.
#define register
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "postgres.h"

#include "access/hash.h"
#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/xact.h"
#include "access/twophase.h"
#include "catalog/pg_authid.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_type.h"
#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "executor/instrument.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/planner.h"
#include "parser/analyze.h"
#include "parser/parse_param.h"
#include "parser/parsetree.h"
#include "parser/scanner.h"
#include "pgstat.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/queryjumble.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
}
#pragma GCC diagnostic pop
#undef register

// fcinfo is [[maybe_unused]]: functions without arguments never read it.
// PG_FUNCTION_INFO_V1 declares its symbols without a language linkage; in C++ they must be
// extern "C" or the fmgr cannot find them. Use this for every SQL-callable function.
#define AZORA_SQL_FUNCTION(name) \
  extern "C" {                   \
  PG_FUNCTION_INFO_V1(name);     \
  }                              \
  extern "C" Datum name([[maybe_unused]] FunctionCallInfo fcinfo)
