// shmem.hpp — azora_opt's shared memory: segment registration and the named LWLocks.
//
// Each feature registers a segment in _PG_init (a size function and an init function); the
// PG15 shmem_request_hook asks the postmaster for the sum, and shmem_startup_hook lets each
// feature ShmemInitStruct its own plain-data struct. Shared memory holds plain data only: no
// pointers into process memory, no C++ objects with constructors or destructors.
//
// Lock order. A backend that needs several azora_opt locks takes them in the order of LockId and
// releases them in reverse; no azora_opt lock is held while calling out to user code or waiting
// on a PostgreSQL heavyweight lock. The result cache's partition locks are never nested: a backend
// holds at most one of them, and never together with kTracker (cache/store.hpp).
#pragma once

#include "pg.hpp"

namespace azora {

enum class LockId : int {
  kTracker = 0,  // the query-statistics hash table (tracker/)
  kCacheFirst,   // result cache partition 0 (cache/store.hpp); partition i is kCacheFirst + i
  kCacheLast = kCacheFirst + 15,  // result cache partition 15
  kCount
};

using ShmemSizeFn = Size (*)();
using ShmemInitFn = void (*)();

// Registers a feature's segment; call from _PG_init only (before shared memory is requested).
void register_shmem_segment(ShmemSizeFn size, ShmemInitFn init);
// Installs the request/startup hooks; call once from _PG_init after all registrations.
void install_shmem_hooks();
// The LWLock for id; valid in any backend after shared memory start-up.
LWLock* shared_lock(LockId id);
// Whether shared memory is attached (false in a backend where azora_opt is not preloaded).
bool shmem_ready();

}  // namespace azora
