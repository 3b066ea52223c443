// store.hpp — the tracker's shared hash table: one entry per (userid, dbid, queryid, toplevel).
//
// Layout. Entries are plain data in a ShmemInitHash table of azora_opt.max entries. Each entry
// is an Entry followed by three byte areas sized by GUCs at start-up: the statement text
// (azora_opt.max_text_bytes, written once when the entry is created; a longer text is kept
// complete in the long-text store, long_text.hpp, and clipped here), the slowest call's
// source text + EXPLAIN text (azora_opt.max_plan_bytes, rewritten when a call beats the max) and
// the parameter samples (azora_opt.max_sample_bytes, samples.hpp).
//
// Locking, as in pg_stat_statements: LockId::kTracker shared to find an entry and update its
// counters under the entry's spinlock; exclusive to create, evict or remove entries. No
// PostgreSQL call that can raise an error is made while a spinlock is held. This file (store.cpp)
// is the only one that takes these locks: the SQL functions and persistence read entries
// through for_each_entry() and the copy_* functions below.
#pragma once

#include "pure/histogram.hpp"
#include "pg.hpp"

namespace azora::tracker {

// Padding bytes are part of the hashed key: always build keys with make_key.
struct Key {
  Oid userid;
  Oid dbid;
  uint64 queryid;
  bool toplevel;
};

struct Counters {
  int64 calls;
  int64 rows;
  int64 slow_calls;
  int64 plans;
  double total_exec_ms;
  double min_exec_ms;
  double max_exec_ms;
  double mean_exec_ms;
  double sum_var_exec_ms;  // Welford's running sum of squared deviations
  double total_plan_ms;
  int64 shared_blks_hit;
  int64 shared_blks_read;
  int64 shared_blks_dirtied;
  int64 shared_blks_written;
  int64 local_blks_hit;
  int64 local_blks_read;
  int64 local_blks_dirtied;
  int64 local_blks_written;
  int64 temp_blks_read;
  int64 temp_blks_written;
  double usage;  // eviction weight: grows per call, decays at each eviction round
  TimestampTz first_seen;
  TimestampTz last_seen;
  histogram::Histogram exec_hist;
};

// The slowest call's plan; its texts live in the entry's plan area.
struct PlanInfo {
  double exec_ms;  // that call's execution time; 0 when no plan was captured
  TimestampTz captured_at;
  int source_len;  // source text first, then a NUL, then the EXPLAIN text
  int plan_len;
};

// The parameter samples' records (sample_record.hpp) fill `used` bytes of the sample area.
struct SampleArea {
  int32 count;    // records stored (at most azora_opt.samples_per_query)
  int32 used;     // bytes they fill
  int64 dropped;  // samples that did not fit the area (never stored truncated)
  // The reservoir's schedule (Li's algorithm L, store.cpp): the call number that next replaces
  // a sample (0: not drawn yet, e.g. after a restart) and the threshold it was drawn from.
  int64 next_call;
  double threshold;
};

// The text fields stay last (encoding, text_len right before the text area: the corrupt-file
// test finds them there).
struct Entry {
  Key key;  // the hash key: must stay first
  slock_t mutex;
  Counters counters;
  SampleArea samples;
  dsa_pointer long_text;  // the complete text when it does not fit the text area, else invalid
  int text_full_len;      // the complete text's length (> text_len when the area holds a clip)
  int constants;          // constants normalization turned into $k, k > first_constant
  int first_constant;     // the statement's own highest parameter number
  PlanInfo plan;
  int encoding;
  int text_len;
};

struct SharedState {
  int64 dealloc;  // eviction rounds since the last full reset
  TimestampTz stats_reset;
  double median_usage;  // given to entries created before their first call
};

// Plan-capture (and sample) counters since start-up (not saved): captures stored, captures that
// failed (and were rolled back without failing the statement), and captures skipped because
// PostgreSQL allows no subtransaction there (parallel mode).
struct CaptureCounters {
  int64 stored;
  int64 failed;
  int64 skipped;
  int64 samples_dropped;  // parameter samples that did not fit their entry's area
};
enum class CaptureOutcome { kStored, kFailed, kSkipped };

extern SharedState* shared;
extern HTAB* hash;

Key make_key(Oid userid, Oid dbid, uint64 queryid, bool toplevel);
char* entry_text(Entry* e);
char* entry_plan(Entry* e);
char* entry_sample_area(Entry* e);
Size entry_size();
// Whether the shared table is attached (inline: every hook asks).
inline bool ready() {
  return shared != nullptr && hash != nullptr;
}

// What the hooks report.
enum class Kind { kParse, kPlan, kExec };
struct Call {
  double ms = 0;
  uint64 rows = 0;
  const BufferUsage* buffers = nullptr;
};

// A call's parameter sample, built before the call is recorded when the reservoir is about to
// take it (sample_due), and stored by record() under the lock it holds anyway (samples.hpp).
struct SampleOffer {
  const char* record = nullptr;  // the sample record, or nullptr
  int len = 0;
  bool dropped = false;  // built but not storable (too big, a type not sampled): counted
  int constants = 0;     // the entry's constants count it was built for (from sample_due)
};

// Whether the statement's next call is (probably) one the reservoir takes, so that its sample
// is worth building: -1 if not, else the entry's constants count (see Entry). Read without the
// lock from this backend's memo of the entry: another backend's call may take the turn first,
// and then record() ignores the offer. For an entry this backend does not remember: due, its
// constants count looked up under the lock (0 if there is no entry yet).
int sample_due(uint64 queryid, bool toplevel);

// At parse: whether this backend remembers the statement's entry (then record(kParse) has
// nothing to do) and, if so, what sample_due() would say in *next_due. No lock, no lookup,
// plain code (called outside guarded() at every parse of a statement with constants).
bool known_at_parse(uint64 queryid, bool toplevel, int* next_due);

// Records one event for the statement at query[location, location+len) (PostgreSQL's statement
// bounds within a multi-statement string). kParse only creates the entry with the normalized
// text built from jstate (the parse hook asks known_at_parse() first). Returns true for kExec when
// this call is slower than every previous call, i.e. when its plan should be captured. With offer
// (kExec, sampling on): when the reservoir takes this call, stores the offered sample, or counts it
// as dropped. With next_due (kParse): what sample_due() would say for the call being parsed (no
// second lookup): -1 not due, else due and the entry's constants count.
bool record(const char* query, int location, int len, uint64 queryid, bool toplevel, Kind kind,
            const Call& call, JumbleState* jstate, const SampleOffer* offer = nullptr,
            int* next_due = nullptr);

// Calls visit(e, arg) with the tracker lock held in shared mode if the entry exists.
void with_entry(const Key& key, void (*visit)(Entry* e, void* arg), void* arg);
// With the tracker lock held (for_each_entry, with_entry): the entry's complete normalized text,
// palloc'd, or nullptr when it is incomplete (clipped and not in the long-text store).
char* copy_full_text(Entry* e);
// A consistent copy of the sample area (palloc'd, max_sample_bytes) and its header.
char* copy_sample_area(Entry* e, SampleArea* out);

// Stores the plan of the call that took exec_ms, unless a slower call has been seen meanwhile.
void store_plan(uint64 queryid, bool toplevel, double exec_ms, const char* source, int source_len,
                const char* plan, int plan_len);

// Counts one plan capture's outcome.
void count_capture(CaptureOutcome outcome);

// Calls visit(e, arg) for every entry while holding the tracker lock in shared mode. The entry's
// key and text never change while the lock is held; read its counters and plan with the copy_*
// functions. visit may raise an error: the lock is released with the transaction's abort.
void for_each_entry(void (*visit)(Entry* e, void* arg), void* arg);

// Consistent copies of one entry's mutable parts, taken under its spinlock.
void copy_counters(Entry* e, Counters* out);
// The counters without the 2 kB histogram: what a ranking pass needs.
struct Summary {
  int64 calls;
  int64 rows;
  int64 slow_calls;
  double total_exec_ms;
};
void copy_summary(Entry* e, Summary* out);
// The plan header and, if area is not null, the texts (area holds max_plan_bytes).
void copy_plan(Entry* e, PlanInfo* out, char* area);

// The table's size and shared state, read under the lock.
struct StoreInfo {
  int64 entries;
  SharedState state;
  CaptureCounters captures;
};
StoreInfo store_info();

// What reset() removes: a null argument matches every value.
struct Filter {
  bool any_user;
  Oid userid;
  bool any_db;
  Oid dbid;
  bool any_query;
  uint64 queryid;
};

// Removes the matching entries and returns how many; a full reset (all null) also clears
// dealloc and sets stats_reset.
int64 remove_entries(const Filter& filter);

// Copies text of at most len bytes into dst (capacity cap >= 64), truncating at a character
// boundary with a marker; returns the stored length.
int copy_clipped(char* dst, int cap, const char* src, int len, int encoding);

// Computes the histogram's bucket lookup table (per process; from tracker::init).
void init_bucket_table();

// Shared memory sizing and start-up (registered with azora::register_shmem_segment).
Size shmem_size();
void shmem_init();

}  // namespace azora::tracker
