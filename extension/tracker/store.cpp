// store.cpp — the tracker's shared hash table: creation, counting, eviction, removal.
#include "tracker/store.hpp"

#include "pure/reservoir.hpp"
#include "shmem.hpp"
#include "tracker/long_text.hpp"
#include "tracker/normalize.hpp"
#include "tracker/persist.hpp"
#include "tracker/settings.hpp"

namespace azora::tracker {

SharedState* shared = nullptr;
HTAB* hash = nullptr;

namespace {

// Plan-capture counters live beside the shared state, guarded by their own spinlock.
struct CaptureState {
  slock_t mutex;
  CaptureCounters counters;
};
CaptureState* captures = nullptr;
LWLock* tracker_lock = nullptr;  // shared_lock(kTracker), looked up once per shmem start-up

// How many times entries were removed (evicted or reset) since start-up: incremented under the
// exclusive lock, read by the memo below. In shared memory, not saved.
struct Removals {
  pg_atomic_uint64 count;
};
Removals* removals = nullptr;

// Per-backend memo of the entry each statement last found or created, so that a statement this
// backend runs again skips hashing the key and probing the table (and, at parse time, the lock).
// A slot is valid while the removal count is unchanged: dynahash never moves an element, so until
// some entry is removed the remembered address is still the entry for that key, and a removal
// bumps the count under the exclusive lock, so reading an unchanged count under the shared lock
// proves the entry is still there. Direct-mapped on the query id (already a hash); a collision
// only costs the lookup it would have cost anyway.
struct Memo {
  Key key;
  Entry* entry;
  uint64 removals;
};
constexpr int kMemoSlots = 256;
Memo memo[kMemoSlots];

Memo& memo_slot(uint64 queryid, bool toplevel) {
  return memo[(queryid ^ static_cast<uint64>(toplevel)) & (kMemoSlots - 1)];
}
Memo& memo_slot(const Key& key) {
  return memo_slot(key.queryid, key.toplevel);
}

// The memo's entry for (userid, dbid, queryid, toplevel) if it is still valid (see Memo), else
// null. By fields, so that a caller with no Key at hand need not build one.
Entry* remembered(const Memo& m, Oid userid, Oid dbid, uint64 queryid, bool toplevel) {
  if (m.entry == nullptr || m.key.queryid != queryid || m.key.userid != userid ||
      m.key.dbid != dbid || m.key.toplevel != toplevel ||
      m.removals != pg_atomic_read_u64(&removals->count))
    return nullptr;
  return m.entry;
}
Entry* remembered(const Memo& m, const Key& key) {
  return remembered(m, key.userid, key.dbid, key.queryid, key.toplevel);
}

// Whether e's next call is a reservoir turn: -1 if not, else e's constants count. Unlocked
// reads of a counter and the schedule: at worst the prediction is wrong, and the call's turn
// passes (record() decides under the entry's spinlock).
int due_constants(const Entry* e) {
  reservoir::Schedule s{e->samples.next_call, e->samples.threshold};
  return reservoir::due(s, e->counters.calls + 1, samples_per_query) ? e->constants : -1;
}

constexpr const char* kTruncatedMarker = "...[truncated]";
constexpr double kEvictFraction = 0.05;  // share of entries evicted per round
constexpr int kEvictAtLeast = 10;        // ... but at least this many
constexpr double kUsageDecay = 0.99;     // per round, for entries that ran
constexpr double kNeverRunDecay = 0.50;  // per round, for entries only parsed: they go first

LWLock* lock() {
  return tracker_lock;
}

Size text_area() {
  return MAXALIGN(max_text_bytes);
}

int by_usage(const void* a, const void* b) {
  double ua = (*static_cast<Entry* const*>(a))->counters.usage;
  double ub = (*static_cast<Entry* const*>(b))->counters.usage;
  return (ua > ub) - (ua < ub);
}

// Evicts the least-used entries. Caller holds the lock exclusively.
void evict_least_used() {
  long count = hash_get_num_entries(hash);
  if (count == 0) return;
  auto* entries = static_cast<Entry**>(palloc(sizeof(Entry*) * count));
  HASH_SEQ_STATUS seq;
  hash_seq_init(&seq, hash);
  long n = 0;
  while (Entry* e = static_cast<Entry*>(hash_seq_search(&seq))) {
    entries[n++] = e;
    bool never_ran = e->counters.calls == 0;
    e->counters.usage *= never_ran ? kNeverRunDecay : kUsageDecay;
  }
  qsort(entries, n, sizeof(Entry*), by_usage);
  shared->median_usage = n > 0 ? entries[n / 2]->counters.usage : 1.0;
  long victims =
      Min(n, Max(static_cast<long>(n * kEvictFraction), static_cast<long>(kEvictAtLeast)));
  for (long i = 0; i < victims; i++) {
    long_text_free(entries[i]->long_text);
    hash_search(hash, &entries[i]->key, HASH_REMOVE, nullptr);
  }
  pfree(entries);
  pg_atomic_fetch_add_u64(&removals->count, 1);
  // Only this backend writes dealloc while holding the lock exclusively.
  shared->dealloc++;
}

// Finds or creates the entry. Caller holds the lock exclusively.
Entry* create_entry(const Key& key, const char* text, int len, bool never_ran, int constants,
                    int first_constant) {
  if (hash_get_num_entries(hash) >= max_entries) evict_least_used();
  bool found = false;
  auto* e = static_cast<Entry*>(hash_search(hash, &key, HASH_ENTER, &found));
  if (found) return e;  // another backend created it meanwhile
  memset(reinterpret_cast<char*>(e) + sizeof(Key), 0, entry_size() - sizeof(Key));
  SpinLockInit(&e->mutex);
  e->counters.usage = never_ran ? shared->median_usage : 1.0;
  e->counters.first_seen = GetCurrentStatementStartTimestamp();
  e->counters.last_seen = e->counters.first_seen;
  e->encoding = GetDatabaseEncoding();
  e->text_len = copy_clipped(entry_text(e), max_text_bytes, text, len, e->encoding);
  e->text_full_len = len;
  e->long_text = len >= max_text_bytes ? long_text_put(text, len) : InvalidDsaPointer;
  e->constants = constants;
  e->first_constant = first_constant;
  return e;
}

// The reservoir's random numbers: SplitMix64 per backend (a counter through a strong mixer, so
// that backends whose seeds differ in a few bits — consecutive pids, the same second — still
// draw unrelated streams from their first number on). Not for anything secret; drawn only at a
// reservoir turn. A standalone backend (postgres --single: bootstrap, tests, benchmarks) starts
// from a fixed seed instead, so that two runs of one statement list sample the same calls
// (tracking_instructions.sh); a setting would cost every transaction that runs SET one more
// variable in AtEOXact_GUC's loop.
uint64 random_state = 0;
uint64 next_random() {
  if (unlikely(random_state == 0)) {
    random_state = IsUnderPostmaster
                       ? (static_cast<uint64>(MyProcPid) << 32) ^ static_cast<uint64>(MyStartTime)
                       : UINT64CONST(1);
  }
  uint64 z = (random_state += UINT64CONST(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

// Filled once by init_bucket_table() (tracker::init, in _PG_init): bucket_of without a log().
histogram::BucketTable bucket_table;

// A uniform number in (0, 1) for the reservoir's schedule.
double uniform01() {
  return (static_cast<double>(next_random() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

// With e->mutex held: puts record[0, len) in the reservoir's slot, replacing the sample there,
// unless it does not fit the area (false: the reservoir keeps what it had).
bool put_sample(Entry* e, int slot, const char* record, int len) {
  SampleArea& a = e->samples;
  char* area = entry_sample_area(e);
  // Records lie back to back, each starting with its uint32 size: find the one replaced.
  int offset = 0;
  int old_len = 0;
  if (slot < a.count) {
    for (int i = 0; i < slot; i++) {
      uint32 size;
      memcpy(&size, area + offset, sizeof size);
      offset += static_cast<int>(size);
    }
    uint32 size;
    memcpy(&size, area + offset, sizeof size);
    old_len = static_cast<int>(size);
  }
  if (a.used - old_len + len > max_sample_bytes) return false;
  if (old_len > 0) {
    // Close the gap, then append: the order of samples carries no meaning.
    memmove(area + offset, area + offset + old_len, a.used - offset - old_len);
    a.used -= old_len;
    a.count--;
  }
  memcpy(area + a.used, record, len);
  a.used += len;
  a.count++;
  return true;
}

// With e->mutex held, after call n was counted: the reservoir's turn (reservoir.hpp). The offer
// is stored when the turn is this call's; a turn without a sample built (another backend's
// call was expected to take it, or the call's values could not be read) passes.
// Returns whether a sample was dropped.
bool sample_turn(Entry* e, int64 n, const SampleOffer& offer) {
  reservoir::Schedule s{e->samples.next_call, e->samples.threshold};
  int slot = reservoir::take(s, n, samples_per_query, uniform01);
  e->samples.next_call = s.next_call;
  e->samples.threshold = s.threshold;
  if (slot < 0 || (offer.record == nullptr && !offer.dropped)) return false;
  // Built from an unlocked read of another entry (this one was evicted meanwhile): not its.
  if (offer.constants != e->constants) return false;
  bool dropped = offer.dropped || !put_sample(e, slot, offer.record, offer.len);
  if (dropped) e->samples.dropped++;
  return dropped;
}

void count_call(Entry* e, Kind kind, const Call& call, TimestampTz now, bool* slowest,
                const SampleOffer* offer, bool* dropped) {
  // The bucket is found before the spinlock is taken.
  int bucket = kind == Kind::kPlan ? 0 : histogram::bucket_of(bucket_table, call.ms);
  SpinLockAcquire(&e->mutex);
  Counters& c = e->counters;
  if (kind == Kind::kPlan) {
    c.plans++;
    c.total_plan_ms += call.ms;
  } else {
    *slowest = c.calls == 0 || call.ms > c.max_exec_ms;
    ++c.calls;
    c.rows += call.rows;
    c.total_exec_ms += call.ms;
    if (c.calls == 1) {
      c.min_exec_ms = c.max_exec_ms = c.mean_exec_ms = call.ms;
    } else {
      double old_mean = c.mean_exec_ms;
      c.mean_exec_ms += (call.ms - old_mean) / c.calls;
      c.sum_var_exec_ms += (call.ms - old_mean) * (call.ms - c.mean_exec_ms);
      if (call.ms < c.min_exec_ms) c.min_exec_ms = call.ms;
      if (call.ms > c.max_exec_ms) c.max_exec_ms = call.ms;
    }
    if (call.ms > slow_threshold_ms) c.slow_calls++;
    histogram::add_to_bucket(c.exec_hist, bucket);
    c.usage += 1.0;
    if (const BufferUsage* b = call.buffers) {
      c.shared_blks_hit += b->shared_blks_hit;
      c.shared_blks_read += b->shared_blks_read;
      c.shared_blks_dirtied += b->shared_blks_dirtied;
      c.shared_blks_written += b->shared_blks_written;
      c.local_blks_hit += b->local_blks_hit;
      c.local_blks_read += b->local_blks_read;
      c.local_blks_dirtied += b->local_blks_dirtied;
      c.local_blks_written += b->local_blks_written;
      c.temp_blks_read += b->temp_blks_read;
      c.temp_blks_written += b->temp_blks_written;
    }
  }
  c.last_seen = now;
  // Most calls are not a reservoir turn: one comparison (the schedule's, reservoir.hpp).
  if (offer != nullptr && kind == Kind::kExec &&
      reservoir::acts({e->samples.next_call, e->samples.threshold}, c.calls, samples_per_query))
    *dropped = sample_turn(e, c.calls, *offer);
  SpinLockRelease(&e->mutex);
}

}  // namespace

void init_bucket_table() {
  histogram::init_table(bucket_table);
}

Key make_key(Oid userid, Oid dbid, uint64 queryid, bool toplevel) {
  Key key;
  memset(&key, 0, sizeof key);
  key.userid = userid;
  key.dbid = dbid;
  key.queryid = queryid;
  key.toplevel = toplevel;
  return key;
}

Size entry_size() {
  return MAXALIGN(sizeof(Entry)) + text_area() + MAXALIGN(max_plan_bytes) +
         MAXALIGN(max_sample_bytes);
}

char* entry_text(Entry* e) {
  return reinterpret_cast<char*>(e) + MAXALIGN(sizeof(Entry));
}

char* entry_plan(Entry* e) {
  return entry_text(e) + text_area();
}

char* entry_sample_area(Entry* e) {
  return entry_plan(e) + MAXALIGN(max_plan_bytes);
}

int copy_clipped(char* dst, int cap, const char* src, int len, int encoding) {
  if (len < cap) {
    memcpy(dst, src, len);
    dst[len] = '\0';
    return len;
  }
  int marker = static_cast<int>(strlen(kTruncatedMarker));
  int keep = pg_encoding_mbcliplen(encoding, src, len, cap - 1 - marker);
  memcpy(dst, src, keep);
  memcpy(dst + keep, kTruncatedMarker, marker + 1);
  return keep + marker;
}

bool record(const char* query, int location, int len, uint64 queryid, bool toplevel, Kind kind,
            const Call& call, JumbleState* jstate, const SampleOffer* offer, int* next_due) {
  if (!ready() || queryid == UINT64CONST(0) || query == nullptr) return false;
  Key key = make_key(GetUserId(), MyDatabaseId, queryid, toplevel);
  Memo& m = memo_slot(key);
  bool slowest = false;
  // The statement's start time is already known: no clock read on the hot path.
  TimestampTz now = GetCurrentStatementStartTimestamp();
  LWLockAcquire(lock(), LW_SHARED);
  Entry* e = remembered(m, key);
  if (e == nullptr) e = static_cast<Entry*>(hash_search(hash, &key, HASH_FIND, nullptr));
  if (e == nullptr) {
    LWLockRelease(lock());
    // Build the text without holding the lock: normalizing re-lexes the statement.
    const char* stmt = CleanQuerytext(query, &location, &len);
    const char* text = stmt;
    char* normalized = nullptr;
    int constants = 0;
    int first_constant = 0;
    if (jstate != nullptr && jstate->clocations_count > 0) {
      normalized = normalize_query(stmt, location, len, jstate, &len, &constants);
      first_constant = jstate->highest_extern_param_id;
      text = normalized;
    }
    LWLockAcquire(lock(), LW_EXCLUSIVE);
    e = create_entry(key, text, len, kind == Kind::kParse, constants, first_constant);
    if (normalized != nullptr) pfree(normalized);
  }
  bool dropped = false;
  if (kind != Kind::kParse) count_call(e, kind, call, now, &slowest, offer, &dropped);
  // Not remembered at parse time: the call is sampled if it can be (first calls are).
  if (next_due != nullptr) *next_due = e->constants;
  // Still under the lock, so the count read matches e (create_entry may have evicted).
  m.key = key;
  m.entry = e;
  m.removals = pg_atomic_read_u64(&removals->count);
  LWLockRelease(lock());
  if (dropped) {
    SpinLockAcquire(&captures->mutex);
    captures->counters.samples_dropped++;
    SpinLockRelease(&captures->mutex);
  }
  return slowest;
}

// At parse time the only job is to create a missing entry: one this backend knows needs no
// lock. (Read without the lock, the count may miss a removal under way; the entry is then
// created at the end of execution, as after a removal between parse and execution.)
bool known_at_parse(uint64 queryid, bool toplevel, int* next_due) {
  const Entry* e =
      remembered(memo_slot(queryid, toplevel), GetUserId(), MyDatabaseId, queryid, toplevel);
  if (e != nullptr && next_due != nullptr) *next_due = due_constants(e);
  return e != nullptr;
}

int sample_due(uint64 queryid, bool toplevel) {
  if (!ready()) return -1;
  Oid userid = GetUserId();
  // The memo's check without building a key first (this runs at every such call).
  int due = -1;
  if (known_at_parse(queryid, toplevel, &due)) return due;
  // Not remembered (a first call here, or entries were removed since): look it up; due.
  Key key = make_key(userid, MyDatabaseId, queryid, toplevel);
  int constants = 0;
  LWLockAcquire(lock(), LW_SHARED);
  auto* e = static_cast<Entry*>(hash_search(hash, &key, HASH_FIND, nullptr));
  if (e != nullptr) constants = e->constants;
  LWLockRelease(lock());
  return constants;
}

void store_plan(uint64 queryid, bool toplevel, double exec_ms, const char* source, int source_len,
                const char* plan, int plan_len) {
  if (!ready()) return;
  Key key = make_key(GetUserId(), MyDatabaseId, queryid, toplevel);
  // Clip into a local buffer first so the spinlock covers a plain memcpy only.
  int encoding = GetDatabaseEncoding();
  int cap = max_plan_bytes;
  auto* buffer = static_cast<char*>(palloc(cap));
  int s = copy_clipped(buffer, Max(cap / 4, 64), source, source_len, encoding);
  int p = copy_clipped(buffer + s + 1, cap - s - 1, plan, plan_len, encoding);
  TimestampTz now = GetCurrentStatementStartTimestamp();
  LWLockAcquire(lock(), LW_SHARED);
  auto* e = static_cast<Entry*>(hash_search(hash, &key, HASH_FIND, nullptr));
  if (e != nullptr) {
    SpinLockAcquire(&e->mutex);
    // A slower call may have finished meanwhile: then its plan wins.
    if (e->counters.max_exec_ms == exec_ms && exec_ms >= e->plan.exec_ms) {
      memcpy(entry_plan(e), buffer, s + 1 + p + 1);
      e->plan.source_len = s;
      e->plan.plan_len = p;
      e->plan.exec_ms = exec_ms;
      e->plan.captured_at = now;
    }
    SpinLockRelease(&e->mutex);
  }
  LWLockRelease(lock());
  pfree(buffer);
}

void with_entry(const Key& key, void (*visit)(Entry* e, void* arg), void* arg) {
  if (!ready()) return;
  LWLockAcquire(lock(), LW_SHARED);
  auto* e = static_cast<Entry*>(hash_search(hash, &key, HASH_FIND, nullptr));
  if (e != nullptr) visit(e, arg);
  LWLockRelease(lock());
}

char* copy_full_text(Entry* e) {
  // The text and the long text never change while the entry exists (the lock keeps it).
  if (e->text_full_len == e->text_len) return pnstrdup(entry_text(e), e->text_len);
  if (!DsaPointerIsValid(e->long_text)) return nullptr;
  return pnstrdup(long_text_get(e->long_text), e->text_full_len);
}

char* copy_sample_area(Entry* e, SampleArea* out) {
  auto* copy = static_cast<char*>(palloc(Max(max_sample_bytes, 1)));
  SpinLockAcquire(&e->mutex);
  *out = e->samples;
  memcpy(copy, entry_sample_area(e), out->used);
  SpinLockRelease(&e->mutex);
  return copy;
}

void count_capture(CaptureOutcome outcome) {
  if (captures == nullptr) return;
  SpinLockAcquire(&captures->mutex);
  switch (outcome) {
    case CaptureOutcome::kStored:
      captures->counters.stored++;
      break;
    case CaptureOutcome::kFailed:
      captures->counters.failed++;
      break;
    case CaptureOutcome::kSkipped:
      captures->counters.skipped++;
      break;
  }
  SpinLockRelease(&captures->mutex);
}

void for_each_entry(void (*visit)(Entry* e, void* arg), void* arg) {
  if (!ready()) return;
  LWLockAcquire(lock(), LW_SHARED);
  HASH_SEQ_STATUS seq;
  hash_seq_init(&seq, hash);
  while (Entry* e = static_cast<Entry*>(hash_seq_search(&seq))) visit(e, arg);
  LWLockRelease(lock());
}

void copy_counters(Entry* e, Counters* out) {
  SpinLockAcquire(&e->mutex);
  *out = e->counters;
  SpinLockRelease(&e->mutex);
}

void copy_summary(Entry* e, Summary* out) {
  SpinLockAcquire(&e->mutex);
  out->calls = e->counters.calls;
  out->rows = e->counters.rows;
  out->slow_calls = e->counters.slow_calls;
  out->total_exec_ms = e->counters.total_exec_ms;
  SpinLockRelease(&e->mutex);
}

void copy_plan(Entry* e, PlanInfo* out, char* area) {
  // The plan area is rewritten under the spinlock, so it is copied out under the spinlock too.
  SpinLockAcquire(&e->mutex);
  *out = e->plan;
  if (area != nullptr && (out->exec_ms > 0 || out->plan_len > 0))
    memcpy(area, entry_plan(e), out->source_len + 1 + out->plan_len + 1);
  SpinLockRelease(&e->mutex);
}

StoreInfo store_info() {
  StoreInfo info;
  memset(&info, 0, sizeof info);
  if (!ready()) return info;
  LWLockAcquire(lock(), LW_SHARED);
  info.entries = hash_get_num_entries(hash);
  info.state = *shared;
  LWLockRelease(lock());
  SpinLockAcquire(&captures->mutex);
  info.captures = captures->counters;
  SpinLockRelease(&captures->mutex);
  return info;
}

int64 remove_entries(const Filter& f) {
  bool all = f.any_user && f.any_db && f.any_query;
  if (!ready()) return 0;
  int64 removed = 0;
  LWLockAcquire(lock(), LW_EXCLUSIVE);
  HASH_SEQ_STATUS seq;
  hash_seq_init(&seq, hash);
  while (Entry* e = static_cast<Entry*>(hash_seq_search(&seq))) {
    if ((f.any_user || e->key.userid == f.userid) && (f.any_db || e->key.dbid == f.dbid) &&
        (f.any_query || e->key.queryid == f.queryid)) {
      // Removing the element just returned by hash_seq_search is allowed by dynahash.
      long_text_free(e->long_text);
      hash_search(hash, &e->key, HASH_REMOVE, nullptr);
      removed++;
    }
  }
  pg_atomic_fetch_add_u64(&removals->count, 1);
  if (all) {
    shared->dealloc = 0;
    shared->stats_reset = GetCurrentTimestamp();
  }
  LWLockRelease(lock());
  return removed;
}

Size shmem_size() {
  Size size = add_size(MAXALIGN(sizeof(SharedState)), MAXALIGN(sizeof(CaptureState)));
  size = add_size(size, long_text_shmem_size());
  size = add_size(size, MAXALIGN(sizeof(Removals)));
  return add_size(size, hash_estimate_size(max_entries, entry_size()));
}

void shmem_init() {
  bool found = false;
  shared =
      static_cast<SharedState*>(ShmemInitStruct("azora_opt tracker", sizeof(SharedState), &found));
  bool captures_found = false;
  captures = static_cast<CaptureState*>(
      ShmemInitStruct("azora_opt tracker captures", sizeof(CaptureState), &captures_found));
  bool removals_found = false;
  removals = static_cast<Removals*>(
      ShmemInitStruct("azora_opt tracker removals", sizeof(Removals), &removals_found));
  if (!removals_found) pg_atomic_init_u64(&removals->count, 0);
  if (!captures_found) {
    SpinLockInit(&captures->mutex);
    memset(&captures->counters, 0, sizeof captures->counters);
  }
  if (!found) {
    shared->dealloc = 0;
    shared->stats_reset = GetCurrentTimestamp();
    shared->median_usage = 1.0;
  }
  tracker_lock = shared_lock(LockId::kTracker);
  long_text_init();
  HASHCTL info;
  memset(&info, 0, sizeof info);
  info.keysize = sizeof(Key);
  info.entrysize = entry_size();
  hash = ShmemInitHash("azora_opt tracker hash", max_entries, max_entries, &info,
                       HASH_ELEM | HASH_BLOBS);
  if (!found) load_saved();
}

// Everything above lives in shared memory (and, but for CaptureState, in the saved file): plain
// data only, copied with memcpy.
namespace {
template <typename T>
constexpr bool kPlain = std::is_trivially_copyable_v<T>&& std::is_standard_layout_v<T>;
static_assert(kPlain<Key> && kPlain<Counters> && kPlain<PlanInfo> && kPlain<Entry> &&
              kPlain<SampleArea>);
static_assert(kPlain<SharedState> && kPlain<CaptureState> && kPlain<CaptureCounters>);
}  // namespace

}  // namespace azora::tracker
