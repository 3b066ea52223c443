// cache_arena.hpp — one partition of the result cache's storage, laid out in a caller-provided
// byte area: a hash index, entry slots, and fixed-size chunks that hold each entry's bytes.
//
// PostgreSQL-free and plain data only (test/unit/cache_arena_test.cpp): the extension formats one
// Arena per lock partition inside its shared-memory segment; the tests format it in a vector.
// Nothing in the area is a pointer, only indexes and offsets from the area's start, so the same
// bytes are valid at any address (every backend maps shared memory where it likes).
//
// Layout of an area of B bytes (Geometry::plan picks the counts so that it fits):
//   [ArenaHeader][bucket heads: uint32 x n_buckets][Slot x n_slots][chunk links: uint32 x n_chunks]
//   [chunk payloads: chunk_bytes x n_chunks]
// An entry is one Slot (hash, lengths, times, counters) and a chain of chunks holding its key
// bytes followed by its value bytes. Chunks are all the same size, so there is no external
// fragmentation at all: any free chunk serves any entry, an entry of any size up to the whole
// partition fits as soon as enough chunks are free, and freeing never leaves unusable holes. The
// price is internal waste: on average half a chunk per entry (at most chunk_bytes - 1), reported
// as bytes_reserved - bytes_stored.
//
// Full area. insert() makes room by first reclaiming every expired entry (one scan, skipped while
// the earliest expiry is still in the future), then by CLOCK: the hand sweeps slots, clearing the
// reference bit that every hit sets, and evicts the first entry found without it. An entry larger
// than the partition can ever hold is refused (kTooBig) without evicting anything.
//
// Concurrency is the caller's: every function that changes the arena needs the partition's lock
// exclusively. touch() may run under a shared lock: it updates only the hit count and reference
// bit, with atomic builtins, which readers tolerate being slightly behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace azora::cache {

inline constexpr uint32_t kNil = 0xFFFFFFFFu;
inline constexpr uint64_t kArenaMagic = 0x617a6f7261434131ull;  // "azoraCA1"

struct ArenaStats {
  uint64_t inserts;
  uint64_t evictions;    // live entries removed by CLOCK to make room
  uint64_t expirations;  // expired entries reclaimed (to make room, or found expired on lookup)
  uint64_t removals;     // entries removed by remove() (invalidation, replacement, flush)
  uint64_t too_big;      // inserts refused: larger than the partition
};

struct ArenaHeader {
  uint64_t magic;
  uint32_t chunk_bytes;
  uint32_t n_chunks;
  uint32_t n_slots;
  uint32_t n_buckets;  // a power of two
  uint32_t free_chunk_head;
  uint32_t free_chunks;
  uint32_t free_slot_head;
  uint32_t used_slots;
  uint32_t clock_hand;
  uint32_t pad;
  uint64_t bytes_stored;  // key + value bytes of the live entries
  int64_t next_expiry;    // no live entry expires before this (a lower bound); INT64_MAX if none
  uint64_t buckets_off, slots_off, links_off, chunks_off;
  ArenaStats stats;
};

struct Slot {
  uint64_t hash;
  int64_t created_at;  // caller's clock (the extension uses microseconds)
  int64_t expires_at;
  uint64_t hits;
  uint32_t key_len;
  uint32_t value_len;
  uint32_t first_chunk;
  uint32_t next;  // next slot in the bucket chain, or in the free list
  uint32_t n_chunks;
  uint8_t in_use;
  uint8_t referenced;  // CLOCK bit, set by touch()
  uint8_t pad[2];
};

static_assert(std::is_trivially_copyable_v<ArenaHeader> && std::is_standard_layout_v<ArenaHeader>);
static_assert(std::is_trivially_copyable_v<Slot> && std::is_standard_layout_v<Slot>);

// How an area of area_bytes is split. chunks_per_slot sets how many entry slots exist: one per
// chunks_per_slot chunks, i.e. slots run out first only when entries average less than that many
// chunks (then insert() evicts to free a slot, exactly as for chunks).
struct Geometry {
  uint32_t chunk_bytes;
  uint32_t n_chunks;
  uint32_t n_slots;
  uint32_t n_buckets;

  static uint64_t align8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

  uint64_t bytes() const {
    return align8(sizeof(ArenaHeader)) + align8(uint64_t{4} * n_buckets) +
           align8(uint64_t{sizeof(Slot)} * n_slots) + align8(uint64_t{4} * n_chunks) +
           uint64_t{chunk_bytes} * n_chunks;
  }

  // The largest geometry that fits; n_chunks == 0 when the area is too small for anything.
  static Geometry plan(uint64_t area_bytes, uint32_t chunk_bytes, uint32_t chunks_per_slot) {
    Geometry g{chunk_bytes, 0, 0, 0};
    if (chunk_bytes == 0 || chunks_per_slot == 0) return g;
    // Per chunk: its payload, its link, its share of a slot and of (up to two) bucket heads.
    double per_chunk = chunk_bytes + 4.0 + (sizeof(Slot) + 8.0) / chunks_per_slot;
    uint64_t overhead = align8(sizeof(ArenaHeader)) + 32;
    if (area_bytes <= overhead) return g;
    uint64_t n = static_cast<uint64_t>((area_bytes - overhead) / per_chunk);
    if (n > 0x7FFFFFFFull) n = 0x7FFFFFFFull;
    for (; n > 0; n--) {
      g.n_chunks = static_cast<uint32_t>(n);
      g.n_slots = g.n_chunks / chunks_per_slot > 0 ? g.n_chunks / chunks_per_slot : 1;
      g.n_buckets = 1;
      while (g.n_buckets < g.n_slots) g.n_buckets <<= 1;
      if (g.bytes() <= area_bytes) return g;
    }
    return Geometry{chunk_bytes, 0, 0, 0};
  }
};

enum class InsertResult { kStored, kTooBig };

// A view of one formatted area. Cheap to construct (holds only the base address), so each
// backend builds one on the fly from the shared segment's address.
class Arena {
 public:
  explicit Arena(void* area) : base_(static_cast<unsigned char*>(area)) {}

  // Formats the area (all entries empty). The area must be 8-byte aligned and g.bytes() long.
  static void format(void* area, const Geometry& g) {
    auto* h = static_cast<ArenaHeader*>(area);
    std::memset(h, 0, sizeof *h);
    h->magic = kArenaMagic;
    h->chunk_bytes = g.chunk_bytes;
    h->n_chunks = g.n_chunks;
    h->n_slots = g.n_slots;
    h->n_buckets = g.n_buckets;
    h->buckets_off = Geometry::align8(sizeof(ArenaHeader));
    h->slots_off = h->buckets_off + Geometry::align8(uint64_t{4} * g.n_buckets);
    h->links_off = h->slots_off + Geometry::align8(uint64_t{sizeof(Slot)} * g.n_slots);
    h->chunks_off = h->links_off + Geometry::align8(uint64_t{4} * g.n_chunks);
    h->next_expiry = INT64_MAX;
    Arena a(area);
    for (uint32_t b = 0; b < g.n_buckets; b++) a.buckets()[b] = kNil;
    for (uint32_t s = 0; s < g.n_slots; s++) {
      Slot& slot = a.slot(s);
      std::memset(&slot, 0, sizeof slot);
      slot.next = s + 1 < g.n_slots ? s + 1 : kNil;
    }
    for (uint32_t c = 0; c < g.n_chunks; c++) a.links()[c] = c + 1 < g.n_chunks ? c + 1 : kNil;
    h->free_slot_head = g.n_slots > 0 ? 0 : kNil;
    h->free_chunk_head = g.n_chunks > 0 ? 0 : kNil;
    h->free_chunks = g.n_chunks;
  }

  ArenaHeader& header() const { return *reinterpret_cast<ArenaHeader*>(base_); }
  Slot& slot(uint32_t i) const { return reinterpret_cast<Slot*>(base_ + header().slots_off)[i]; }
  uint32_t chunks_for(uint64_t bytes) const {
    return static_cast<uint32_t>((bytes + header().chunk_bytes - 1) / header().chunk_bytes);
  }
  // Bytes the live entries occupy in whole chunks (bytes_stored plus the internal waste).
  uint64_t bytes_reserved() const {
    return uint64_t{header().n_chunks - header().free_chunks} * header().chunk_bytes;
  }
  uint64_t capacity_bytes() const { return uint64_t{header().n_chunks} * header().chunk_bytes; }

  // The slot holding exactly this key, or kNil. Does not look at expiry.
  uint32_t find(uint64_t hash, const void* key, uint32_t key_len) const {
    for (uint32_t s = buckets()[bucket_of(hash)]; s != kNil; s = slot(s).next) {
      const Slot& e = slot(s);
      if (e.hash == hash && e.key_len == key_len && equal_prefix(e, key, key_len)) return s;
    }
    return kNil;
  }

  // A hit: counts it and protects the entry from the next CLOCK pass. Safe under a shared lock.
  void touch(uint32_t s) const {
    Slot& e = slot(s);
    __atomic_fetch_add(&e.hits, 1, __ATOMIC_RELAXED);
    if (__atomic_load_n(&e.referenced, __ATOMIC_RELAXED) == 0)
      __atomic_store_n(&e.referenced, 1, __ATOMIC_RELAXED);
  }
  uint64_t hits(uint32_t s) const { return __atomic_load_n(&slot(s).hits, __ATOMIC_RELAXED); }

  // Copies len bytes of the entry's key+value byte string, starting at offset, into dst.
  void read(uint32_t s, uint64_t offset, void* dst, uint64_t len) const {
    const Slot& e = slot(s);
    uint32_t cb = header().chunk_bytes;
    uint32_t c = e.first_chunk;
    for (uint64_t skip = offset / cb; skip > 0; skip--) c = links()[c];
    uint64_t in = offset % cb;
    auto* out = static_cast<unsigned char*>(dst);
    while (len > 0) {
      uint64_t n = cb - in < len ? cb - in : len;
      std::memcpy(out, chunk(c) + in, n);
      out += n;
      len -= n;
      in = 0;
      c = links()[c];
    }
  }
  void read_key(uint32_t s, void* dst) const { read(s, 0, dst, slot(s).key_len); }
  void read_value(uint32_t s, void* dst) const { read(s, slot(s).key_len, dst, slot(s).value_len); }

  // Stores key -> value, replacing an entry with the same key, evicting as needed (see the
  // header comment). expires_at <= now is allowed (the entry is reclaimed first).
  InsertResult insert(uint64_t hash, const void* key, uint32_t key_len, const void* value,
                      uint32_t value_len, int64_t now, int64_t expires_at) {
    ArenaHeader& h = header();
    uint32_t need = chunks_for(uint64_t{key_len} + value_len);
    if (need == 0) need = 1;
    uint32_t old = find(hash, key, key_len);
    if (old != kNil) remove(old);
    if (need > h.n_chunks || h.n_slots == 0) {
      h.stats.too_big++;
      return InsertResult::kTooBig;
    }
    if (h.free_chunks < need || h.free_slot_head == kNil) reclaim_expired(now);
    while (h.free_chunks < need || h.free_slot_head == kNil) evict_one();
    uint32_t s = h.free_slot_head;
    Slot& e = slot(s);
    h.free_slot_head = e.next;
    h.used_slots++;
    e.hash = hash;
    e.created_at = now;
    e.expires_at = expires_at;
    e.hits = 0;
    e.key_len = key_len;
    e.value_len = value_len;
    e.n_chunks = need;
    e.in_use = 1;
    e.referenced = 0;
    e.first_chunk = take_chunks(need);
    write(e, 0, key, key_len);
    write(e, key_len, value, value_len);
    uint32_t b = bucket_of(hash);
    e.next = buckets()[b];
    buckets()[b] = s;
    h.bytes_stored += uint64_t{key_len} + value_len;
    if (expires_at < h.next_expiry) h.next_expiry = expires_at;
    h.stats.inserts++;
    return InsertResult::kStored;
  }

  // Removes a live entry and frees its slot and chunks.
  void remove(uint32_t s) {
    header().stats.removals++;
    unlink(s);
  }
  // Removes an entry found expired (counted as an expiration, not a removal).
  void expire(uint32_t s) {
    header().stats.expirations++;
    unlink(s);
  }

  // Calls f(slot_index) for every live entry; f may remove() that entry (and only that one).
  template <typename F>
  void for_each(F&& f) {
    for (uint32_t s = 0; s < header().n_slots; s++)
      if (slot(s).in_use) f(s);
  }

  // Removes every expired entry; returns how many.
  uint32_t reclaim_expired(int64_t now) {
    ArenaHeader& h = header();
    if (now < h.next_expiry) return 0;
    uint32_t n = 0;
    int64_t earliest = INT64_MAX;
    for (uint32_t s = 0; s < h.n_slots; s++) {
      Slot& e = slot(s);
      if (!e.in_use) continue;
      if (e.expires_at <= now) {
        expire(s);
        n++;
      } else if (e.expires_at < earliest) {
        earliest = e.expires_at;
      }
    }
    h.next_expiry = earliest;
    return n;
  }

  // Checks the structure (tests, and a debugging aid): every chunk is either free or in exactly
  // one live entry's chain, counts and byte totals agree, every live slot is in its bucket.
  bool consistent() const;

 private:
  uint32_t* buckets() const { return reinterpret_cast<uint32_t*>(base_ + header().buckets_off); }
  uint32_t* links() const { return reinterpret_cast<uint32_t*>(base_ + header().links_off); }
  unsigned char* chunk(uint32_t c) const {
    return base_ + header().chunks_off + uint64_t{c} * header().chunk_bytes;
  }
  uint32_t bucket_of(uint64_t hash) const {
    // The high bits: callers' hashes may vary little in the low bits.
    return static_cast<uint32_t>((hash ^ (hash >> 32)) & (header().n_buckets - 1));
  }

  bool equal_prefix(const Slot& e, const void* key, uint32_t len) const {
    uint32_t cb = header().chunk_bytes;
    uint32_t c = e.first_chunk;
    auto* k = static_cast<const unsigned char*>(key);
    while (len > 0) {
      uint32_t n = cb < len ? cb : len;
      if (std::memcmp(chunk(c), k, n) != 0) return false;
      k += n;
      len -= n;
      c = links()[c];
    }
    return true;
  }

  void write(const Slot& e, uint64_t offset, const void* src, uint64_t len) {
    uint32_t cb = header().chunk_bytes;
    uint32_t c = e.first_chunk;
    for (uint64_t skip = offset / cb; skip > 0; skip--) c = links()[c];
    uint64_t in = offset % cb;
    auto* from = static_cast<const unsigned char*>(src);
    while (len > 0) {
      uint64_t n = cb - in < len ? cb - in : len;
      std::memcpy(chunk(c) + in, from, n);
      from += n;
      len -= n;
      in = 0;
      c = links()[c];
    }
  }

  // Pops n chunks off the free list as one chain (the free list is already linked).
  uint32_t take_chunks(uint32_t n) {
    ArenaHeader& h = header();
    uint32_t first = h.free_chunk_head;
    uint32_t last = first;
    for (uint32_t i = 1; i < n; i++) last = links()[last];
    h.free_chunk_head = links()[last];
    links()[last] = kNil;
    h.free_chunks -= n;
    return first;
  }

  void unlink(uint32_t s) {
    ArenaHeader& h = header();
    Slot& e = slot(s);
    uint32_t* p = &buckets()[bucket_of(e.hash)];
    while (*p != s) p = &slot(*p).next;
    *p = e.next;
    // Give the chain back to the free list in one splice.
    uint32_t last = e.first_chunk;
    while (links()[last] != kNil) last = links()[last];
    links()[last] = h.free_chunk_head;
    h.free_chunk_head = e.first_chunk;
    h.free_chunks += e.n_chunks;
    h.bytes_stored -= uint64_t{e.key_len} + e.value_len;
    e.in_use = 0;
    e.next = h.free_slot_head;
    h.free_slot_head = s;
    h.used_slots--;
  }

  // CLOCK: one victim. Terminates within two sweeps: the first clears every reference bit.
  void evict_one() {
    ArenaHeader& h = header();
    for (;;) {
      uint32_t s = h.clock_hand;
      h.clock_hand = s + 1 < h.n_slots ? s + 1 : 0;
      Slot& e = slot(s);
      if (!e.in_use) continue;
      if (e.referenced) {
        e.referenced = 0;
        continue;
      }
      h.stats.evictions++;
      unlink(s);
      return;
    }
  }

  unsigned char* base_;
};

inline bool Arena::consistent() const {
  const ArenaHeader& h = header();
  if (h.magic != kArenaMagic) return false;
  // Mark chunk ownership: 0 = unseen, 1 = free, 2 = in an entry.
  unsigned char* seen = new unsigned char[h.n_chunks]();
  bool ok = true;
  uint32_t free_count = 0;
  for (uint32_t c = h.free_chunk_head; c != kNil && ok; c = links()[c]) {
    if (c >= h.n_chunks || seen[c])
      ok = false;
    else
      seen[c] = 1, free_count++;
  }
  ok = ok && free_count == h.free_chunks;
  uint64_t stored = 0;
  uint32_t used = 0;
  for (uint32_t s = 0; s < h.n_slots && ok; s++) {
    const Slot& e = slot(s);
    if (!e.in_use) continue;
    used++;
    stored += uint64_t{e.key_len} + e.value_len;
    uint32_t n = 0;
    for (uint32_t c = e.first_chunk; c != kNil && ok; c = links()[c], n++) {
      if (c >= h.n_chunks || seen[c])
        ok = false;
      else
        seen[c] = 2;
    }
    ok = ok && n == e.n_chunks &&
         n == (chunks_for(uint64_t{e.key_len} + e.value_len) > 0
                   ? chunks_for(uint64_t{e.key_len} + e.value_len)
                   : 1);
    bool in_bucket = false;
    for (uint32_t t = buckets()[bucket_of(e.hash)]; t != kNil; t = slot(t).next)
      if (t == s) in_bucket = true;
    ok = ok && in_bucket;
  }
  for (uint32_t c = 0; c < h.n_chunks && ok; c++) ok = seen[c] != 0;
  delete[] seen;
  return ok && used == h.used_slots && stored == h.bytes_stored;
}

}  // namespace azora::cache
