// persist.cpp — the tracker's statistics file (see persist.hpp).
//
// The file is a StatHeader (format version, PostgreSQL major version, layout, CRC-32C) and the
// raw entries (plain data), their captured plans blanked unless azora_opt.save_plans is on. Loading
// checks the header, then every entry (persist_check.hpp), then the checksum; a file failing any
// check is logged with the reason and ignored as a whole: the entries already inserted are removed
// again, so nothing of it is ever used.
#include "tracker/persist.hpp"

#include <sys/stat.h>

#include "tracker/persist_check.hpp"
#include "tracker/settings.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {
namespace {

constexpr const char* kFile = "pg_stat/azora_opt.stat";
constexpr const char* kTempFile = "pg_stat/azora_opt.stat.tmp";

// The bytes saved for e: e itself, or (azora_opt.save_plans = off) a copy in scratch without the
// captured plan, whose source text and plan hold the call's constants.
const void* saved_image(Entry* e, char* scratch, Size size) {
  if (scratch == nullptr) return e;
  memcpy(scratch, e, size);
  auto* copy = reinterpret_cast<Entry*>(scratch);
  memset(&copy->plan, 0, sizeof copy->plan);
  char* area = entry_plan(copy);
  memset(area, 0, size - (area - scratch));
  return scratch;
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
  StatHeader h = expected_header();
  h.state = *shared;
  h.count = hash_get_num_entries(hash);
  pg_crc32c crc;
  INIT_CRC32C(crc);
  COMP_CRC32C(crc, &h, sizeof h);  // with crc = 0; the real value is written last
  bool ok = fwrite(&h, sizeof h, 1, file) == 1;
  HASH_SEQ_STATUS seq;
  hash_seq_init(&seq, hash);
  Size size = entry_size();
  char* scratch = nullptr;
  if (!save_plans) {
    // No error may be raised at exit: without memory for the copy, save nothing.
    scratch = static_cast<char*>(palloc_extended(size, MCXT_ALLOC_NO_OOM));
    if (scratch == nullptr) ok = false;
  }
  while (Entry* e = static_cast<Entry*>(hash_seq_search(&seq))) {
    const void* image = saved_image(e, scratch, size);
    if (ok && fwrite(image, size, 1, file) != 1) ok = false;
    COMP_CRC32C(crc, image, size);
  }
  if (scratch != nullptr) pfree(scratch);
  FIN_CRC32C(crc);
  h.crc = crc;
  if (ok) ok = fseek(file, 0, SEEK_SET) == 0 && fwrite(&h, sizeof h, 1, file) == 1;
  if (FreeFile(file) != 0) ok = false;
  if (!ok) {
    ereport(LOG, (errcode_for_file_access(),
                  errmsg("azora_opt: could not write \"%s\": %m", kTempFile)));
    unlink(kTempFile);
    return;
  }
  (void)durable_rename(kTempFile, kFile, LOG);
}

// Removes every entry: at start-up the table holds only what was loaded from the file.
void discard_loaded() {
  HASH_SEQ_STATUS seq;
  hash_seq_init(&seq, hash);
  while (Entry* e = static_cast<Entry*>(hash_seq_search(&seq)))
    hash_search(hash, &e->key, HASH_REMOVE, nullptr);
}

// Reads and checks the file, inserting its entries (at most azora_opt.max); false with the
// reason when any check fails (the caller then discards what was inserted).
bool read_entries(FILE* file, Reason* why, int64* loaded) {
  struct stat st;
  if (fstat(fileno(file), &st) != 0) {
    snprintf(why->text, sizeof why->text, "could not stat it: %m");
    return false;
  }
  StatHeader h;
  if (fread(&h, sizeof h, 1, file) != 1) {
    snprintf(why->text, sizeof why->text, "truncated: %lld bytes, shorter than its header",
             static_cast<long long>(st.st_size));
    return false;
  }
  if (!check_header(h, st.st_size, why)) return false;
  pg_crc32c crc;
  INIT_CRC32C(crc);
  StatHeader unsummed = h;
  unsummed.crc = 0;
  COMP_CRC32C(crc, &unsummed, sizeof unsummed);
  Size size = entry_size();
  // palloc'd: MAXALIGNed like the shared memory entries, so Entry fields can be read in place.
  auto* buffer = static_cast<char*>(palloc(size));
  auto* saved = reinterpret_cast<Entry*>(buffer);
  bool ok = false;
  int64 i = 0;
  for (; i < h.count; i++) {
    Reason entry_why;
    if (fread(buffer, size, 1, file) != 1) {
      snprintf(why->text, sizeof why->text, "truncated at entry %lld", static_cast<long long>(i));
      break;
    }
    COMP_CRC32C(crc, buffer, size);
    if (!check_entry(saved, &entry_why)) {
      snprintf(why->text, sizeof why->text, "entry %lld: %s", static_cast<long long>(i),
               entry_why.text);
      break;
    }
    if (*loaded >= max_entries) continue;  // azora_opt.max was lowered: keep checking the rest
    bool found = false;
    auto* e = static_cast<Entry*>(hash_search(hash, &saved->key, HASH_ENTER, &found));
    if (found) {
      snprintf(why->text, sizeof why->text, "entry %lld: duplicate key", static_cast<long long>(i));
      break;
    }
    memcpy(reinterpret_cast<char*>(e) + sizeof(Key), buffer + sizeof(Key), size - sizeof(Key));
    SpinLockInit(&e->mutex);
    (*loaded)++;
  }
  ok = i == h.count;
  pfree(buffer);
  if (!ok) return false;
  FIN_CRC32C(crc);
  if (!EQ_CRC32C(crc, h.crc)) {
    snprintf(why->text, sizeof why->text, "checksum mismatch (header %08X, contents %08X)", h.crc,
             crc);
    return false;
  }
  *shared = h.state;
  return true;
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
  if (file == nullptr) {
    if (errno != ENOENT) {
      ereport(LOG,
              (errcode_for_file_access(), errmsg("azora_opt: could not read \"%s\": %m", kFile)));
    }
    return;
  }
  Reason why;
  int64 loaded = 0;
  bool ok = read_entries(file, &why, &loaded);
  FreeFile(file);
  // Loaded or not, the file is gone: a crash must never resurrect stale figures, and a bad file
  // would only be rejected again.
  unlink(kFile);
  if (!ok) {
    discard_loaded();
    ereport(LOG, (errcode(ERRCODE_DATA_CORRUPTED),
                  errmsg("azora_opt: ignoring \"%s\": %s", kFile, why.text),
                  errdetail("The statistics start empty.")));
    return;
  }
  ereport(LOG, (errmsg("azora_opt: loaded %lld saved statement entries",
                       static_cast<long long>(loaded))));
}

}  // namespace azora::tracker
