// persist.cpp — the tracker's statistics file (see persist.hpp).
//
// The file is a StatHeader (format version, PostgreSQL major version, layout, CRC-32C), the
// raw entries (plain data), their captured plans and parameter samples blanked unless
// azora_opt.save_plans is on, then the complete texts of the entries whose text was too long for
// their text area (each with its NUL, in entry order; the entry's long_text field says 1 for
// "one follows", as a pointer into the long-text store means nothing in another run). Loading
// checks the header, then every entry (persist_check.hpp), then the checksum; a file failing any
// check is logged with the reason and ignored as a whole: the entries already inserted are removed
// again, so nothing of it is ever used.
#include "tracker/persist.hpp"

#include <sys/stat.h>

#include "tracker/long_text.hpp"
#include "tracker/persist_check.hpp"
#include "tracker/settings.hpp"
#include "tracker/store.hpp"

namespace azora::tracker {
namespace {

constexpr const char* kFile = "pg_stat/azora_opt.stat";
constexpr const char* kTempFile = "pg_stat/azora_opt.stat.tmp";

// The bytes saved for e, in scratch: its long-text pointer replaced by 1 when its text follows
// the entries, and (azora_opt.save_plans = off) without the captured plan and the parameter
// samples, which hold the calls' constants.
const void* saved_image(Entry* e, char* scratch, Size size) {
  memcpy(scratch, e, size);
  auto* copy = reinterpret_cast<Entry*>(scratch);
  copy->long_text = DsaPointerIsValid(e->long_text) ? 1 : 0;
  if (!save_plans) {
    memset(&copy->plan, 0, sizeof copy->plan);
    memset(&copy->samples, 0, sizeof copy->samples);
    char* area = entry_plan(copy);
    memset(area, 0, size - (area - scratch));
  }
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
  HASH_SEQ_STATUS seq;
  hash_seq_init(&seq, hash);
  while (Entry* e = static_cast<Entry*>(hash_seq_search(&seq)))
    if (DsaPointerIsValid(e->long_text))
      h.long_text_bytes += static_cast<uint64>(e->text_full_len) + 1;
  COMP_CRC32C(crc, &h, sizeof h);  // with crc = 0; the real value is written last
  bool ok = fwrite(&h, sizeof h, 1, file) == 1;
  hash_seq_init(&seq, hash);
  Size size = entry_size();
  // No error may be raised at exit: without memory for the copy, save nothing.
  char* scratch = static_cast<char*>(palloc_extended(size, MCXT_ALLOC_NO_OOM));
  if (scratch == nullptr) ok = false;
  while (Entry* e = static_cast<Entry*>(hash_seq_search(&seq))) {
    if (scratch == nullptr) {
      hash_seq_term(&seq);
      break;
    }
    const void* image = saved_image(e, scratch, size);
    if (ok && fwrite(image, size, 1, file) != 1) ok = false;
    COMP_CRC32C(crc, image, size);
  }
  if (scratch != nullptr) pfree(scratch);
  // The long texts, in the same order (nothing changed the table meanwhile).
  hash_seq_init(&seq, hash);
  while (Entry* e = static_cast<Entry*>(hash_seq_search(&seq))) {
    if (!DsaPointerIsValid(e->long_text)) continue;
    const char* text = long_text_get(e->long_text);
    Size bytes = static_cast<Size>(e->text_full_len) + 1;
    if (ok && fwrite(text, bytes, 1, file) != 1) ok = false;
    COMP_CRC32C(crc, text, bytes);
  }
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
  while (Entry* e = static_cast<Entry*>(hash_seq_search(&seq))) {
    long_text_free(e->long_text);
    hash_search(hash, &e->key, HASH_REMOVE, nullptr);
  }
}

// Reads the long texts that follow the entries: one for each entry whose image said so, in file
// order (owners[i]: the loaded entry, or null if it was not loaded, azora_opt.max being lower).
bool read_long_texts(FILE* file, Entry** owners, int* lengths, int64 n, uint64 declared,
                     int encoding_of_null, pg_crc32c* crc, Reason* why) {
  uint64 total = 0;
  for (int64 i = 0; i < n; i++) {
    Size bytes = static_cast<Size>(lengths[i]) + 1;
    total += bytes;
    if (total > declared) {
      snprintf(why->text, sizeof why->text, "long texts exceed the %llu bytes in the header",
               static_cast<unsigned long long>(declared));
      return false;
    }
    auto* buffer = static_cast<char*>(palloc(bytes));
    if (fread(buffer, bytes, 1, file) != 1) {
      pfree(buffer);
      snprintf(why->text, sizeof why->text, "truncated at long text %lld",
               static_cast<long long>(i));
      return false;
    }
    COMP_CRC32C(*crc, buffer, bytes);
    Entry* e = owners[i];
    int encoding = e != nullptr ? e->encoding : encoding_of_null;
    if (buffer[bytes - 1] != '\0' || !pg_verify_mbstr(encoding, buffer, lengths[i], true)) {
      pfree(buffer);
      snprintf(why->text, sizeof why->text, "long text %lld is not valid or not NUL-terminated",
               static_cast<long long>(i));
      return false;
    }
    // Kept clipped (and marked incomplete) if the store is now smaller.
    if (e != nullptr) e->long_text = long_text_put(buffer, lengths[i]);
    pfree(buffer);
  }
  if (total != declared) {
    snprintf(why->text, sizeof why->text, "long texts fill %llu bytes, the header says %llu",
             static_cast<unsigned long long>(total), static_cast<unsigned long long>(declared));
    return false;
  }
  return true;
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
  // The entries whose long text follows: bounded by the file's size (checked in the header).
  auto** owners = static_cast<Entry**>(palloc(sizeof(Entry*) * Max(h.count, 1)));
  auto* lengths = static_cast<int*>(palloc(sizeof(int) * Max(h.count, 1)));
  int64 long_texts = 0;
  int last_encoding = GetDatabaseEncoding();
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
    bool has_long_text = saved->long_text == 1;
    last_encoding = saved->encoding;
    if (has_long_text) {
      owners[long_texts] = nullptr;
      lengths[long_texts++] = saved->text_full_len;
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
    e->long_text = InvalidDsaPointer;
    // The reservoir's schedule is drawn again (at the rate of its call count), not trusted.
    e->samples.next_call = 0;
    e->samples.threshold = 1.0;
    if (has_long_text) owners[long_texts - 1] = e;
    (*loaded)++;
  }
  ok = i == h.count;
  pfree(buffer);
  if (ok)
    ok = read_long_texts(file, owners, lengths, long_texts, h.long_text_bytes, last_encoding, &crc,
                         why);
  pfree(owners);
  pfree(lengths);
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
