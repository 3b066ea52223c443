// store.hpp — the result cache's shared-memory segment: 16 storage partitions, the per-relation
// generation words and the counters; every lock the cache takes is taken in store.cpp.
//
// Layout (one segment, registered with azora::register_shmem_segment):
//   [Shared: magic, geometry, GenerationTable, per-partition Counters][arena 0]...[arena 15]
// Each arena (pure/cache_arena.hpp) is formatted in azora_opt.cache_size / 16 bytes. A key goes
// to partition (hash >> 60) of the 64-bit hash of its arena key (database OID + key text).
//
// Locks. Partition i is guarded by LWLock LockId::kCacheFirst + i: shared for a lookup (find, copy
// the value out, touch), exclusive for a store, a removal or a scan. A backend holds at most one
// partition lock at a time and never together with kTracker, so the cache adds no lock-order
// edge; no lock is held while a query runs, while encoding or decoding, or while checking
// privileges. The generation words and the counters are atomics, read and updated without lock.
// Hits on keys in different partitions share nothing but counters of different cache lines;
// hits on one key share its partition lock in shared mode.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pg.hpp"
#include "pure/cache_entry.hpp"
#include "pure/cache_generations.hpp"
#include "pure/glob.hpp"

namespace azora::cache {

inline constexpr int kPartitions = 16;

// Counters kept per partition (summed by stats()).
enum Counter : int {
  kHits,
  kMisses,
  kStores,
  kInvalidatedExplicit,
  kInvalidatedPattern,
  kInvalidatedWrite,
  kInvalidatedDdl,
  kBypassed,     // run uncached: own writes, REPEATABLE READ/SERIALIZABLE, standby
  kUncacheable,  // run uncached: volatile, temp/foreign/system table, RLS, too big
  kStoreRaced,   // not stored: a source changed between the fill's start and its store
  kFillWaits,    // misses that waited for another backend's fill of the same key
  kCounterCount
};

struct Totals {
  uint64_t counters[kCounterCount];
  uint64_t entries;
  uint64_t bytes_stored;    // key + value bytes of the live entries
  uint64_t bytes_reserved;  // the whole chunks they occupy
  uint64_t bytes_capacity;  // all chunks of all partitions
  uint64_t evictions;
  uint64_t expirations;
  uint64_t entry_limit;  // largest key + value one partition can hold
};

struct EntryInfo {
  std::string key;
  uint64_t bytes;
  int64_t created_at;
  int64_t expires_at;
  uint64_t hits;
  uint32_t filler_role;  // the role whose call stored it
  std::vector<uint32_t> sources;
};

namespace detail {
// The shared generation table, set when the shared memory is attached (store.cpp): read
// inline, as every write of every transaction asks for it.
extern GenerationTable* generation_table;
extern uint8_t* bump_is_ddl;  // one per slot, beside it
}  // namespace detail

// Whether the cache is configured (cache_size > 0) and its shared memory attached.
inline bool ready() {
  return detail::generation_table != nullptr;
}
// Throws azora::Error 55000 with a hint when !ready().
void require_ready();

inline GenerationTable& generations() {
  return *detail::generation_table;
}
// Remembers why a slot's generation is being bumped, so the invalidation it causes is counted as
// kInvalidatedDdl or kInvalidatedWrite.
inline void set_bump_reason(uint32_t gen_slot, bool ddl) {
  __atomic_store_n(&detail::bump_is_ddl[gen_slot], ddl ? 1 : 0, __ATOMIC_RELAXED);
}
void count(uint64_t key_hash, Counter c);

uint64_t key_hash(std::string_view arena_key);

// Copies the value of the live entry under arena_key into *value; false if absent or expired (an
// expired entry is reclaimed here, under the exclusive lock, and counted as an expiration).
bool lookup(std::string_view arena_key, uint64_t hash, int64_t now, std::string* value);

enum class StoreOutcome { kStored, kRaced, kTooBig };
// Stores the entry unless a source's generation word changed since the fill read it (a write
// committed or is committing since) or was read while a writer was committing. This check only
// saves space: a hit compares the words again, and that comparison is what keeps stale results
// from being served (pure/cache_generations.hpp).
StoreOutcome store(std::string_view arena_key, uint64_t hash, const std::string& value,
                   const std::vector<Source>& sources, int64_t now, int64_t expires_at);

// Removes the entry (only if only_role stored it, unless only_role is 0); true if removed.
bool remove(std::string_view arena_key, uint64_t hash, uint32_t only_role = 0);
// Removes the entry if one of its sources' generation words changed (counted as a write
// invalidation); true if removed.
bool remove_if_stale(std::string_view arena_key, uint64_t hash);
// Removes this database's entries whose key text matches the compiled glob and, unless only_role
// is 0, that only_role stored. Scans in batches, checking for interrupts between them.
uint64_t remove_matching(uint32_t dbid, const glob::Matcher& pattern, uint32_t only_role);
// Removes every entry of every database.
uint64_t flush();

// Stampede protection. A backend that misses claims the key's fill; others that miss the same
// key meanwhile wait (bounded) for it and then look again. A claim is dropped by release_fill(),
// and by a before_shmem_exit callback if the backend dies mid-fill (pg_terminate_backend), so
// a claim never outlives its backend. Each partition tracks kFillsPerPartition claims; beyond
// that a miss simply runs unprotected.
enum class Claim {
  kClaimed,  // this backend fills the key now; release_fill() when done
  kBusy,     // another backend fills it: wait_for_fill(), then look again
  kOwn,      // this backend's own fill of the key is running (a cached query that calls
             // cached_json on its own key): run uncached, never wait on oneself
};
Claim claim_fill(uint64_t hash);
void release_fill(uint64_t hash);
// Waits until no claim on hash is left or timeout_ms passed; true if it ended in time.
bool wait_for_fill(uint64_t hash, int timeout_ms);

Totals totals();
// This database's entries (key text, sizes, times, hits, source relations); unless only_role is
// 0, only those only_role stored (other roles' values are never copied out).
std::vector<EntryInfo> entries(uint32_t dbid, uint32_t only_role);

// Shared memory sizing and start-up (registered by init()).
Size shmem_size();
void shmem_init();

}  // namespace azora::cache
