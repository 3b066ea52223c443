// persist.cpp — the tracker's statistics file (see persist.hpp).
//
// The file is the raw entries (plain data) behind a header naming the layout they were written
// with; a file from another layout (other max_text_bytes, max_plan_bytes or build) is ignored
// with a LOG line rather than misread.
#include "tracker/persist.hpp"

#include "tracker/settings.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {
namespace {

constexpr const char* kFile = "pg_stat/azora_opt.stat";
constexpr const char* kTempFile = "pg_stat/azora_opt.stat.tmp";
constexpr uint32 kMagic = 0x417a5401;  // "AzT" v1

struct Header {
  uint32 magic;
  uint32 entry_struct_size;
  uint64 entry_size;
  uint32 buckets;
  int32 max_text_bytes;
  int32 max_plan_bytes;
  SharedState state;
  int64 count;
};

Header expected_header() {
  Header h;
  memset(&h, 0, sizeof h);
  h.magic = kMagic;
  h.entry_struct_size = sizeof(Entry);
  h.entry_size = entry_size();
  h.buckets = histogram::kBuckets;
  h.max_text_bytes = max_text_bytes;
  h.max_plan_bytes = max_plan_bytes;
  return h;
}

bool same_layout(const Header& a, const Header& b) {
  return a.magic == b.magic && a.entry_struct_size == b.entry_struct_size &&
         a.entry_size == b.entry_size && a.buckets == b.buckets &&
         a.max_text_bytes == b.max_text_bytes && a.max_plan_bytes == b.max_plan_bytes;
}

// on_shmem_exit callback in the postmaster: writes every entry. Runs without other backends,
// so no lock is needed; any failure only loses the statistics, never the shutdown.
void save_at_exit(int code, Datum) {
  if (code != 0 || !save || !ready()) return;
  FILE* file = AllocateFile(kTempFile, PG_BINARY_W);
  if (file == nullptr) {
    ereport(LOG, (errcode_for_file_access(),
                  errmsg("azora_opt: could not write \"%s\": %m", kTempFile)));
    return;
  }
  Header h = expected_header();
  h.state = *shared;
  h.count = hash_get_num_entries(hash);
  bool ok = fwrite(&h, sizeof h, 1, file) == 1;
  HASH_SEQ_STATUS seq;
  hash_seq_init(&seq, hash);
  Size size = entry_size();
  while (Entry* e = static_cast<Entry*>(hash_seq_search(&seq))) {
    if (ok && fwrite(e, size, 1, file) != 1) ok = false;
  }
  if (FreeFile(file) != 0) ok = false;
  if (!ok) {
    ereport(LOG, (errcode_for_file_access(),
                  errmsg("azora_opt: could not write \"%s\": %m", kTempFile)));
    unlink(kTempFile);
    return;
  }
  (void)durable_rename(kTempFile, kFile, LOG);
}

}  // namespace

void load_saved() {
  if (IsUnderPostmaster) return;  // EXEC_BACKEND children attach to what the postmaster loaded
  on_shmem_exit(save_at_exit, 0);
  if (!save) {
    unlink(kFile);
    return;
  }
  FILE* file = AllocateFile(kFile, PG_BINARY_R);
  if (file == nullptr) return;  // nothing saved
  Header h;
  Header want = expected_header();
  char* buffer = static_cast<char*>(palloc(entry_size()));
  int64 loaded = 0;
  if (fread(&h, sizeof h, 1, file) != 1 || !same_layout(h, want)) {
    ereport(LOG, (errmsg("azora_opt: ignoring \"%s\": written with another layout", kFile)));
  } else {
    *shared = h.state;
    for (int64 i = 0; i < h.count && loaded < max_entries; i++) {
      if (fread(buffer, entry_size(), 1, file) != 1) {
        ereport(LOG, (errmsg("azora_opt: \"%s\" is truncated", kFile)));
        break;
      }
      auto* saved = reinterpret_cast<Entry*>(buffer);
      bool found = false;
      auto* e = static_cast<Entry*>(hash_search(hash, &saved->key, HASH_ENTER, &found));
      if (found) continue;
      memcpy(reinterpret_cast<char*>(e) + sizeof(Key), buffer + sizeof(Key),
             entry_size() - sizeof(Key));
      SpinLockInit(&e->mutex);
      loaded++;
    }
  }
  pfree(buffer);
  FreeFile(file);
  unlink(kFile);
  ereport(LOG, (errmsg("azora_opt: loaded %lld saved statement entries",
                       static_cast<long long>(loaded))));
}

}  // namespace azora::tracker
