// store.cpp — the result cache's shared segment and every partition-locked operation on it
// (see store.hpp for the layout and the lock scheme).
#include "cache/store.hpp"

#include "boundary.hpp"
#include "cache/settings.hpp"
#include "pure/cache_arena.hpp"
#include "pure/glob.hpp"
#include "shmem.hpp"

namespace azora::cache {
namespace {

constexpr uint64_t kSharedMagic = 0x617a6f7261435348ull;  // "azoraCSH"
constexpr uint32_t kChunkBytes = 256;
constexpr uint32_t kChunksPerSlot = 2;  // one entry slot per 512 bytes of payload

// One cache line per partition, so hits in different partitions never write the same line.
struct alignas(64) PartitionCounters {
  uint64_t values[kCounterCount];
};

constexpr int kFillsPerPartition = 8;

// A fill in flight: the key's hash and the filling backend (pid 0 = free slot).
struct FillClaim {
  uint64_t hash;
  int32_t pid;
  int32_t pad;
};

// Guarded by the partition's lock; waiters sleep on cv.
struct PartitionFills {
  FillClaim claims[kFillsPerPartition];
  ConditionVariable cv;
};

struct Shared {
  uint64_t magic;
  uint64_t partition_bytes;  // size of each arena area (a multiple of 8)
  uint64_t arenas_off;       // from the start of Shared
  GenerationTable generations;
  uint8_t bump_is_ddl[kAllSlots];
  PartitionCounters counters[kPartitions];
  PartitionFills fills[kPartitions];
};
static_assert(std::is_trivially_copyable_v<Shared> && std::is_standard_layout_v<Shared>);

Shared* shared = nullptr;

uint64_t partition_bytes() {
  return (static_cast<uint64_t>(cache_size_kb) * 1024 / kPartitions) & ~uint64_t{7};
}

uint64_t arenas_off() {
  return (sizeof(Shared) + 63) & ~uint64_t{63};
}

int partition_of(uint64_t hash) {
  return static_cast<int>(hash >> 60);  // kPartitions == 16
}

void* arena_area(int p) {
  return reinterpret_cast<char*>(shared) + shared->arenas_off +
         static_cast<uint64_t>(p) * shared->partition_bytes;
}

Arena arena(int p) {
  return Arena(arena_area(p));
}

// Holds one partition lock; released by the destructor when C++ unwinds (a PostgreSQL error
// longjmp skipping it is covered by the transaction abort, which releases every LWLock).
class PartitionLock {
 public:
  PartitionLock(int p, LWLockMode mode)
      : lock_(shared_lock(static_cast<LockId>(static_cast<int>(LockId::kCacheFirst) + p))) {
    LWLockAcquire(lock_, mode);
  }
  ~PartitionLock() { LWLockRelease(lock_); }
  PartitionLock(const PartitionLock&) = delete;
  PartitionLock& operator=(const PartitionLock&) = delete;

 private:
  LWLock* lock_;
};

uint32_t find(const Arena& a, std::string_view key, uint64_t hash) {
  return a.find(hash, key.data(), static_cast<uint32_t>(key.size()));
}

std::string read_value(const Arena& a, uint32_t s) {
  std::string value(a.slot(s).value_len, '\0');
  a.read_value(s, value.data());
  return value;
}

std::string read_key(const Arena& a, uint32_t s) {
  std::string key(a.slot(s).key_len, '\0');
  a.read_key(s, key.data());
  return key;
}

uint32_t filler_role_of(const Arena& a, uint32_t s) {
  uint32_t role = 0;
  if (a.slot(s).value_len >= kFillerRoleOffset + sizeof role)
    a.read(s, a.slot(s).key_len + kFillerRoleOffset, &role, sizeof role);
  return role;
}

bool claimed(int p, uint64_t hash) {
  for (const FillClaim& c : shared->fills[p].claims)
    if (c.pid != 0 && c.hash == hash) return true;
  return false;
}

// before_shmem_exit: drop this backend's claims (it may die mid-fill) and wake their waiters.
void drop_own_claims(int, Datum) {
  if (shared == nullptr) return;
  for (int p = 0; p < kPartitions; p++) {
    bool dropped = false;
    LWLock* lock = shared_lock(static_cast<LockId>(static_cast<int>(LockId::kCacheFirst) + p));
    LWLockAcquire(lock, LW_EXCLUSIVE);
    for (FillClaim& c : shared->fills[p].claims) {
      if (c.pid == MyProcPid) {
        c.pid = 0;
        dropped = true;
      }
    }
    LWLockRelease(lock);
    if (dropped) ConditionVariableBroadcast(&shared->fills[p].cv);
  }
}

bool words_unchanged(const std::vector<Source>& sources) {
  for (const Source& src : sources)
    if (!may_store(shared->generations, src.gen_slot, src.word)) return false;
  return true;
}

}  // namespace

GenerationTable* detail::generation_table = nullptr;
uint8_t* detail::bump_is_ddl = nullptr;

void require_ready() {
  if (ready()) return;
  if (cache_size_kb == 0) {
    throw Error(
        ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
        "the azora_opt result cache is disabled (azora_opt.cache_size = 0)",
        "Set azora_opt.cache_size (e.g. '64MB') in postgresql.conf and restart the server.");
  }
  throw Error(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
              "azora_opt must be loaded via shared_preload_libraries",
              "Add 'azora_opt' to shared_preload_libraries and restart the server.");
}

void count(uint64_t hash, Counter c) {
  __atomic_fetch_add(&shared->counters[partition_of(hash)].values[c], 1, __ATOMIC_RELAXED);
}

uint64_t key_hash(std::string_view arena_key) {
  return DatumGetUInt64(
      hash_bytes_extended(reinterpret_cast<const unsigned char*>(arena_key.data()),
                          static_cast<int>(arena_key.size()), 0));
}

bool lookup(std::string_view key, uint64_t hash, int64_t now, std::string* value) {
  int p = partition_of(hash);
  Arena a = arena(p);
  {
    PartitionLock lock(p, LW_SHARED);
    uint32_t s = find(a, key, hash);
    if (s == kNil) return false;
    if (a.slot(s).expires_at > now) {
      *value = read_value(a, s);
      a.touch(s);
      return true;
    }
  }
  // Expired: reclaim it now rather than at the next full-area pass.
  PartitionLock lock(p, LW_EXCLUSIVE);
  uint32_t s = find(a, key, hash);
  if (s != kNil && a.slot(s).expires_at <= now) a.expire(s);
  return false;
}

StoreOutcome store(std::string_view key, uint64_t hash, const std::string& value,
                   const std::vector<Source>& sources, int64_t now, int64_t expires_at) {
  if (!words_unchanged(sources)) return StoreOutcome::kRaced;
  int p = partition_of(hash);
  Arena a = arena(p);
  PartitionLock lock(p, LW_EXCLUSIVE);
  InsertResult r = a.insert(hash, key.data(), static_cast<uint32_t>(key.size()), value.data(),
                            static_cast<uint32_t>(value.size()), now, expires_at);
  return r == InsertResult::kStored ? StoreOutcome::kStored : StoreOutcome::kTooBig;
}

// Removes the entry of key if pred(arena, slot) says so; true if removed.
template <typename Pred>
bool remove_entry_if(std::string_view key, uint64_t hash, Pred&& pred) {
  int p = partition_of(hash);
  Arena a = arena(p);
  PartitionLock lock(p, LW_EXCLUSIVE);
  uint32_t s = find(a, key, hash);
  if (s == kNil || !pred(a, s)) return false;
  a.remove(s);
  return true;
}

bool remove(std::string_view key, uint64_t hash, uint32_t only_role) {
  return remove_entry_if(key, hash, [&](const Arena& a, uint32_t s) {
    return only_role == 0 || filler_role_of(a, s) == only_role;
  });
}

bool remove_if_stale(std::string_view key, uint64_t hash) {
  bool ddl = false;
  bool removed = remove_entry_if(key, hash, [&](const Arena& a, uint32_t s) {
    std::string value = read_value(a, s);
    EntryView e;
    if (!decode(value.data(), value.size(), &e)) return true;  // unreadable: drop it
    bool stale = false;
    for (const Source& src : e.sources) {
      if (gen_load(shared->generations, src.gen_slot) == src.word) continue;
      stale = true;
      if (__atomic_load_n(&shared->bump_is_ddl[src.gen_slot], __ATOMIC_RELAXED)) ddl = true;
    }
    return stale;
  });
  if (removed) count(hash, ddl ? kInvalidatedDdl : kInvalidatedWrite);
  return removed;
}

namespace {

// Scans every slot of every partition in batches of kScanBatch slots under the partition's
// lock, releasing it and checking for interrupts (cancel, statement_timeout) between batches:
// a scan of a large cache never stalls the cache's other users for long, and can be stopped.
// f(arena, slot) runs for each live slot with the lock held in mode.
constexpr uint32_t kScanBatch = 256;
template <typename F>
void scan_in_batches(LWLockMode mode, F&& f) {
  for (int p = 0; p < kPartitions; p++) {
    Arena a = arena(p);
    for (uint32_t from = 0;;) {
      bool done;
      {
        PartitionLock lock(p, mode);
        uint32_t n = a.header().n_slots;
        uint32_t to = n - from > kScanBatch ? from + kScanBatch : n;
        for (; from < to; from++)
          if (a.slot(from).in_use) f(a, from);
        done = from >= n;
      }
      pg_call([] { CHECK_FOR_INTERRUPTS(); });
      if (done) break;
    }
  }
}

// Removes the entries that satisfy pred(arena, slot); returns how many.
template <typename Pred>
uint64_t remove_all_if(Pred&& pred) {
  uint64_t removed = 0;
  scan_in_batches(LW_EXCLUSIVE, [&](Arena& a, uint32_t s) {
    if (!pred(a, s)) return;
    a.remove(s);
    removed++;
  });
  return removed;
}

}  // namespace

uint64_t remove_matching(uint32_t dbid, const glob::Matcher& pattern, uint32_t only_role) {
  return remove_all_if([&](const Arena& a, uint32_t s) {
    if (only_role != 0 && filler_role_of(a, s) != only_role) return false;
    std::string key = read_key(a, s);
    return key_dbid(key) == dbid && pattern.match(key_text(key));
  });
}

uint64_t flush() {
  return remove_all_if([](const Arena&, uint32_t) { return true; });
}

Claim claim_fill(uint64_t hash) {
  static bool exit_callback = false;
  if (!exit_callback) {
    before_shmem_exit(drop_own_claims, 0);
    exit_callback = true;
  }
  int p = partition_of(hash);
  PartitionLock lock(p, LW_EXCLUSIVE);
  for (const FillClaim& c : shared->fills[p].claims)
    if (c.pid != 0 && c.hash == hash) return c.pid == MyProcPid ? Claim::kOwn : Claim::kBusy;
  for (FillClaim& c : shared->fills[p].claims) {
    if (c.pid == 0) {
      c.hash = hash;
      c.pid = MyProcPid;
      return Claim::kClaimed;
    }
  }
  return Claim::kClaimed;  // no free claim slot: fill unprotected rather than wait for nothing
}

void release_fill(uint64_t hash) {
  int p = partition_of(hash);
  {
    PartitionLock lock(p, LW_EXCLUSIVE);
    for (FillClaim& c : shared->fills[p].claims)
      if (c.pid == MyProcPid && c.hash == hash) c.pid = 0;
  }
  ConditionVariableBroadcast(&shared->fills[p].cv);
}

bool wait_for_fill(uint64_t hash, int timeout_ms) {
  int p = partition_of(hash);
  ConditionVariable* cv = &shared->fills[p].cv;
  TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms);
  // Prepared before the check, so a release between the check and the sleep still wakes us.
  pg_call([&] { ConditionVariablePrepareToSleep(cv); });
  bool done = false;
  for (;;) {
    {
      PartitionLock lock(p, LW_SHARED);
      done = !claimed(p, hash);
    }
    if (done) break;
    long left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
    if (left <= 0) break;
    // The sleep checks for interrupts: a cancel arrives as a PgError, and the transaction's
    // abort cancels the sleep.
    pg_call([&] { ConditionVariableTimedSleep(cv, left, PG_WAIT_EXTENSION); });
  }
  ConditionVariableCancelSleep();
  return done;
}

Totals totals() {
  Totals t;
  memset(&t, 0, sizeof t);
  for (int p = 0; p < kPartitions; p++) {
    for (int c = 0; c < kCounterCount; c++)
      t.counters[c] += __atomic_load_n(&shared->counters[p].values[c], __ATOMIC_RELAXED);
    Arena a = arena(p);
    PartitionLock lock(p, LW_SHARED);
    const ArenaHeader& h = a.header();
    t.entries += h.used_slots;
    t.bytes_stored += h.bytes_stored;
    t.bytes_reserved += a.bytes_reserved();
    t.bytes_capacity += a.capacity_bytes();
    t.evictions += h.stats.evictions;
    t.expirations += h.stats.expirations;
    t.entry_limit = a.capacity_bytes();
  }
  return t;
}

std::vector<EntryInfo> entries(uint32_t dbid, uint32_t only_role) {
  std::vector<EntryInfo> out;
  scan_in_batches(LW_SHARED, [&](const Arena& a, uint32_t s) {
    // The role first (4 bytes): another role's entry is never copied out.
    uint32_t role = filler_role_of(a, s);
    if (only_role != 0 && role != only_role) return;
    std::string key = read_key(a, s);
    if (key_dbid(key) != dbid) return;
    const Slot& slot = a.slot(s);
    EntryInfo info;
    info.key = std::string(key_text(key));
    info.bytes = uint64_t{slot.key_len} + slot.value_len;
    info.created_at = slot.created_at;
    info.expires_at = slot.expires_at;
    info.hits = a.hits(s);
    info.filler_role = role;
    std::string value = read_value(a, s);
    EntryView e;
    if (decode(value.data(), value.size(), &e)) {
      for (const Source& src : e.sources)
        if (src.relid != 0) info.sources.push_back(src.relid);  // 0: the schema epochs
    }
    out.push_back(std::move(info));
  });
  return out;
}

Size shmem_size() {
  return add_size(arenas_off(), mul_size(partition_bytes(), kPartitions));
}

void shmem_init() {
  bool found = false;
  shared = static_cast<Shared*>(ShmemInitStruct("azora_opt result cache", shmem_size(), &found));
  detail::generation_table = &shared->generations;
  detail::bump_is_ddl = shared->bump_is_ddl;
  if (found) return;
  memset(shared, 0, sizeof(Shared));
  shared->magic = kSharedMagic;
  shared->partition_bytes = partition_bytes();
  shared->arenas_off = arenas_off();
  for (int p = 0; p < kPartitions; p++) ConditionVariableInit(&shared->fills[p].cv);
  Geometry g = Geometry::plan(shared->partition_bytes, kChunkBytes, kChunksPerSlot);
  for (int p = 0; p < kPartitions; p++) Arena::format(arena_area(p), g);
}

}  // namespace azora::cache
