// shmem.cpp — shared memory requests and start-up for all azora_opt features (see shmem.hpp).
#include "shmem.hpp"

namespace azora {
namespace {

constexpr int kMaxSegments = 8;
constexpr const char* kTrancheName = "azora_opt";

struct Segment {
  ShmemSizeFn size;
  ShmemInitFn init;
};

Segment segments[kMaxSegments];
int segment_count = 0;
LWLockPadded* locks = nullptr;

shmem_request_hook_type prev_shmem_request_hook = nullptr;
shmem_startup_hook_type prev_shmem_startup_hook = nullptr;

void request_shmem() {
  if (prev_shmem_request_hook != nullptr) prev_shmem_request_hook();
  Size total = 0;
  for (int i = 0; i < segment_count; i++) total = add_size(total, segments[i].size());
  RequestAddinShmemSpace(total);
  RequestNamedLWLockTranche(kTrancheName, static_cast<int>(LockId::kCount));
}

void startup_shmem() {
  if (prev_shmem_startup_hook != nullptr) prev_shmem_startup_hook();
  // Like pg_stat_statements: AddinShmemInitLock serialises the first initialisation.
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  locks = GetNamedLWLockTranche(kTrancheName);
  for (int i = 0; i < segment_count; i++) segments[i].init();
  LWLockRelease(AddinShmemInitLock);
}

}  // namespace

void register_shmem_segment(ShmemSizeFn size, ShmemInitFn init) {
  if (segment_count == kMaxSegments) elog(ERROR, "azora_opt: too many shared memory segments");
  segments[segment_count++] = Segment{size, init};
}

void install_shmem_hooks() {
  prev_shmem_request_hook = shmem_request_hook;
  shmem_request_hook = request_shmem;
  prev_shmem_startup_hook = shmem_startup_hook;
  shmem_startup_hook = startup_shmem;
}

LWLock* shared_lock(LockId id) {
  // Every object must agree on LockId: an object compiled against an older enum (a stale build)
  // would index past the tranche and share another lock's memory. Refuse instead.
  int i = static_cast<int>(id);
  if (i < 0 || i >= static_cast<int>(LockId::kCount))
    elog(ERROR, "azora_opt: lock %d is outside the %d requested (inconsistent build)", i,
         static_cast<int>(LockId::kCount));
  return &locks[i].lock;
}

bool shmem_ready() {
  return locks != nullptr;
}

}  // namespace azora
