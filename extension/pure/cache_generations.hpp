// cache_generations.hpp — per-relation generation G[r] and committing count C[r], the counters
// that make the result cache transactional (docs/extension/cache.md, "Consistency";
// /work/shared/design/cache-consistency.md describes the races they close).
//
// PostgreSQL-free and plain data (test/unit/cache_generations_test.cpp). A relation (database
// OID, relation OID) hashes to one of kGenSlots words; two relations sharing a word only cost
// extra invalidations, never a stale hit. Each word packs both counters so that one atomic load
// reads a consistent pair, with no lock:
//   bits 0..15  C: writers of the relation between their PRE_COMMIT and their COMMIT/ABORT
//   bits 16..63 G: bumped at PRE_COMMIT and again at COMMIT/ABORT, never decreases
// A writer's two updates are single atomic adds ((1 << 16) + 1 and (1 << 16) - 1), so C never
// goes negative as long as every begin_commit() is paired with one end_commit().
//
// The protocol (R1/R2 in the design note):
//   fill:  w0 = load(r) for each source before the snapshot is taken; store only if
//          committing(w0) == 0 and load(r) == w0 for every source at store time.
//   hit:   serve only if load(r) equals the word stored with the entry for every source.
// A word equal to w0 (with C == 0) means no writer of r passed PRE_COMMIT since w0 was read, so
// every commit visible now was visible to the snapshot taken after reading w0.
#pragma once

#include <cstdint>
#include <type_traits>

namespace azora::cache {

inline constexpr uint32_t kGenSlots = 8192;  // relation words: 64 KiB of shared memory
// Schema epochs, words of their own after the relation words (so no busy table shares one): one
// per database (hashed into kEpochSlots - 1 words) moved by every committed utility statement
// that can change name resolution, structure, privileges, policies, rules, types or functions
// in it, and one for the objects all databases share (roles and their memberships, databases,
// tablespaces). Every entry depends on its database's epoch and on the shared one.
inline constexpr uint32_t kEpochSlots = 64;
inline constexpr uint32_t kAllSlots = kGenSlots + kEpochSlots;
inline constexpr uint64_t kCommittingMask = 0xFFFF;
inline constexpr uint64_t kGenerationUnit = uint64_t{1} << 16;

struct GenerationTable {
  uint64_t words[kAllSlots];
};
static_assert(std::is_trivially_copyable_v<GenerationTable> &&
              std::is_standard_layout_v<GenerationTable>);

inline uint32_t gen_slot(uint32_t dbid, uint32_t relid) {
  // A 64-bit mix (splitmix64's finaliser) so consecutive OIDs spread over the table.
  uint64_t x = (uint64_t{dbid} << 32) | relid;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return static_cast<uint32_t>(x % kGenSlots);
}

inline uint32_t epoch_slot(uint32_t dbid) {
  return kGenSlots + dbid % (kEpochSlots - 1);
}
inline constexpr uint32_t kSharedEpochSlot = kAllSlots - 1;

inline uint64_t gen_load(const GenerationTable& t, uint32_t slot) {
  return __atomic_load_n(&t.words[slot], __ATOMIC_SEQ_CST);
}
inline uint64_t committing(uint64_t word) {
  return word & kCommittingMask;
}
inline uint64_t generation(uint64_t word) {
  return word >> 16;
}

// PRE_COMMIT (or PRE_PREPARE) of a transaction that wrote the relation: C++ and G++.
inline void gen_begin_commit(GenerationTable& t, uint32_t slot) {
  __atomic_fetch_add(&t.words[slot], kGenerationUnit + 1, __ATOMIC_SEQ_CST);
}
// COMMIT or ABORT after a begin_commit(): G++ and C--.
inline void gen_end_commit(GenerationTable& t, uint32_t slot) {
  __atomic_fetch_add(&t.words[slot], kGenerationUnit - 1, __ATOMIC_SEQ_CST);
}
// A change that needs no committing window (e.g. an explicit bump): G++ only.
inline void gen_bump(GenerationTable& t, uint32_t slot) {
  __atomic_fetch_add(&t.words[slot], kGenerationUnit, __ATOMIC_SEQ_CST);
}

// The protocol's two rules, for one source; the extension applies them to every source of an
// entry (store.cpp at store time, sql_cached.cpp at a hit) and the unit tests call these same
// functions.
// A fill that read w0 before its snapshot may store its result: no writer was committing when
// w0 was read, and none passed PRE_COMMIT since.
inline bool may_store(const GenerationTable& t, uint32_t slot, uint64_t w0) {
  return committing(w0) == 0 && gen_load(t, slot) == w0;
}
// An entry whose source word was stored may be served: no writer passed PRE_COMMIT since.
inline bool may_serve(const GenerationTable& t, uint32_t slot, uint64_t stored) {
  return gen_load(t, slot) == stored;
}

}  // namespace azora::cache
