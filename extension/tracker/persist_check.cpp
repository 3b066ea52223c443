// persist_check.cpp — validating the statistics file (see persist_check.hpp). Runs in the
// postmaster at start-up: nothing here may raise a PostgreSQL error or allocate.
#include "tracker/persist_check.hpp"

#include "tracker/sample_record.hpp"
#include "tracker/settings.hpp"

namespace azora::tracker {
namespace {

constexpr uint32 kPgMajor = PG_VERSION_NUM / 100;

bool fail(Reason* why, const char* format, ...) pg_attribute_printf(2, 3);

bool fail(Reason* why, const char* format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(why->text, sizeof why->text, format, args);
  va_end(args);
  return false;
}

bool is_non_negative_number(double v) {
  return std::isfinite(v) && v >= 0;
}

bool check_key(const Key& key, Reason* why) {
  // Read the bool's byte as a byte: a corrupt value other than 0/1 must not be loaded as a bool.
  unsigned char toplevel = 0;
  memcpy(&toplevel, reinterpret_cast<const char*>(&key) + offsetof(Key, toplevel), 1);
  if (toplevel > 1) return fail(why, "toplevel flag is %u", toplevel);
  if (key.userid == InvalidOid || key.dbid == InvalidOid || key.queryid == 0)
    return fail(why, "user, database or query id is zero");
  // Keys are hashed as raw bytes (padding included): a key make_key would not build could never
  // be found again.
  Key rebuilt = make_key(key.userid, key.dbid, key.queryid, toplevel == 1);
  if (memcmp(&rebuilt, &key, sizeof key) != 0) return fail(why, "key padding is not zero");
  return true;
}

bool check_counters(const Counters& c, Reason* why) {
  const struct {
    const char* name;
    int64 value;
  } counts[] = {
      {"calls", c.calls},
      {"rows", c.rows},
      {"slow_calls", c.slow_calls},
      {"plans", c.plans},
      {"shared_blks_hit", c.shared_blks_hit},
      {"shared_blks_read", c.shared_blks_read},
      {"shared_blks_dirtied", c.shared_blks_dirtied},
      {"shared_blks_written", c.shared_blks_written},
      {"local_blks_hit", c.local_blks_hit},
      {"local_blks_read", c.local_blks_read},
      {"local_blks_dirtied", c.local_blks_dirtied},
      {"local_blks_written", c.local_blks_written},
      {"temp_blks_read", c.temp_blks_read},
      {"temp_blks_written", c.temp_blks_written},
  };
  for (const auto& count : counts) {
    if (count.value < 0) {
      return fail(why, "counter %s is negative (" INT64_FORMAT ")", count.name, count.value);
    }
  }
  const struct {
    const char* name;
    double value;
  } times[] = {
      {"total_exec_ms", c.total_exec_ms},
      {"min_exec_ms", c.min_exec_ms},
      {"max_exec_ms", c.max_exec_ms},
      {"mean_exec_ms", c.mean_exec_ms},
      {"sum_var_exec_ms", c.sum_var_exec_ms},
      {"total_plan_ms", c.total_plan_ms},
      {"usage", c.usage},
  };
  for (const auto& time : times) {
    if (!is_non_negative_number(time.value))
      return fail(why, "counter %s is negative or not a number (%g)", time.name, time.value);
  }
  if (c.slow_calls > c.calls)
    return fail(why, "slow_calls " INT64_FORMAT " exceeds calls " INT64_FORMAT, c.slow_calls,
                c.calls);
  // Every call adds one to exactly one bucket, unless that bucket saturated.
  bool saturated = false;
  for (uint32 count : c.exec_hist.counts) saturated |= count == UINT32_MAX;
  uint64 in_histogram = histogram::total(c.exec_hist);
  uint64 calls = static_cast<uint64>(c.calls);
  if (saturated ? in_histogram > calls : in_histogram != calls) {
    return fail(why, "the histogram holds " UINT64_FORMAT " calls, calls is " INT64_FORMAT,
                in_histogram, c.calls);
  }
  return true;
}

// A text of len bytes at s, followed by its NUL, valid in encoding.
bool valid_text(const char* s, int len, int encoding) {
  return s[len] == '\0' && pg_verify_mbstr(encoding, s, len, true);
}

bool check_texts(Entry* e, Reason* why) {
  if (!PG_VALID_BE_ENCODING(e->encoding))
    return fail(why, "encoding %d is not a server encoding", e->encoding);
  const char* encoding = pg_encoding_to_char(e->encoding);
  // copy_clipped stores at most max_text_bytes - 1 bytes and a NUL.
  if (e->text_len < 0 || e->text_len >= max_text_bytes)
    return fail(why, "text length %d outside 0..%d", e->text_len, max_text_bytes - 1);
  if (!valid_text(entry_text(e), e->text_len, e->encoding))
    return fail(why, "text is not valid %s or not NUL-terminated", encoding);
  // The plan area: source text, NUL, EXPLAIN text, NUL (both empty when nothing was captured).
  const PlanInfo& p = e->plan;
  if (!is_non_negative_number(p.exec_ms)) return fail(why, "plan time is not a valid number");
  if (p.source_len < 0 || p.plan_len < 0 ||
      static_cast<int64>(p.source_len) + 1 + p.plan_len + 1 > max_plan_bytes) {
    return fail(why, "plan text lengths %d and %d do not fit the plan area of %d bytes",
                p.source_len, p.plan_len, max_plan_bytes);
  }
  const char* source = entry_plan(e);
  if (!valid_text(source, p.source_len, e->encoding) ||
      !valid_text(source + p.source_len + 1, p.plan_len, e->encoding)) {
    return fail(why, "plan texts are not valid %s or not NUL-terminated", encoding);
  }
  // The complete text: in the text area, or (clipped there) following the entries, or lost.
  if (e->long_text > 1)
    return fail(why, "long text marker is %llu", (unsigned long long)e->long_text);
  if (e->text_full_len < e->text_len || e->text_full_len > static_cast<int>(MaxAllocSize / 2) ||
      (e->text_full_len != e->text_len && e->text_full_len < max_text_bytes) ||
      (e->long_text == 1 && e->text_full_len == e->text_len)) {
    return fail(why, "complete text length %d does not match text length %d", e->text_full_len,
                e->text_len);
  }
  if (e->constants < 0 || e->first_constant < 0 || e->constants > 65535 ||
      e->first_constant > 65535)
    return fail(why, "constant numbers %d, %d out of range", e->constants, e->first_constant);
  return true;
}

bool check_samples(Entry* e, Reason* why) {
  const SampleArea& a = e->samples;
  if (a.count < 0 || a.count > 64 || a.used < 0 || a.used > max_sample_bytes || a.dropped < 0)
    return fail(why, "sample area of %d records, %d bytes, out of range", a.count, a.used);
  if (!check_records(entry_sample_area(e), a.used, a.count, e->encoding))
    return fail(why, "sample records do not fill their %d bytes exactly", a.used);
  return true;
}

}  // namespace

StatHeader expected_header() {
  StatHeader h;
  memset(&h, 0, sizeof h);
  h.magic = kStatMagic;
  h.format_version = kStatFormatVersion;
  h.pg_major = kPgMajor;
  h.entry_struct_size = sizeof(Entry);
  h.buckets = histogram::kBuckets;
  h.entry_size = entry_size();
  h.max_text_bytes = max_text_bytes;
  h.max_plan_bytes = max_plan_bytes;
  h.max_sample_bytes = max_sample_bytes;
  return h;
}

bool check_header(const StatHeader& h, int64 file_size, Reason* why) {
  StatHeader want = expected_header();
  if (h.magic == kStatMagicV1)
    return fail(why, "format version 1, this build reads version %u", kStatFormatVersion);
  if (h.magic != kStatMagic)
    return fail(why, "not an azora_opt statistics file (magic number %08X)", h.magic);
  if (h.format_version != kStatFormatVersion) {
    return fail(why, "format version %u, this build reads version %u", h.format_version,
                kStatFormatVersion);
  }
  if (h.pg_major != kPgMajor) {
    return fail(why, "written by PostgreSQL %u (PG_VERSION_NUM / 100), this server is %u",
                h.pg_major, kPgMajor);
  }
  if (h.entry_struct_size != want.entry_struct_size || h.entry_size != want.entry_size ||
      h.buckets != want.buckets || h.max_text_bytes != want.max_text_bytes ||
      h.max_plan_bytes != want.max_plan_bytes || h.max_sample_bytes != want.max_sample_bytes) {
    return fail(why,
                "written with another layout (max_text_bytes %d, max_plan_bytes %d, "
                "max_sample_bytes %d, entry %u/" UINT64_FORMAT
                " bytes; this server: %d, %d, %d, %u/" UINT64_FORMAT ")",
                h.max_text_bytes, h.max_plan_bytes, h.max_sample_bytes, h.entry_struct_size,
                h.entry_size, want.max_text_bytes, want.max_plan_bytes, want.max_sample_bytes,
                want.entry_struct_size, want.entry_size);
  }
  int64 body = file_size - static_cast<int64>(sizeof h);
  int64 size = static_cast<int64>(want.entry_size);
  if (h.count < 0 || h.long_text_bytes > static_cast<uint64>(Max(body, 0)) ||
      (body - static_cast<int64>(h.long_text_bytes)) % size != 0 ||
      (body - static_cast<int64>(h.long_text_bytes)) / size != h.count) {
    return fail(why,
                "file size " INT64_FORMAT " does not match its header (" INT64_FORMAT
                " entries of " INT64_FORMAT " bytes after " INT64_FORMAT ", then " UINT64_FORMAT
                " bytes of long texts)",
                file_size, h.count, size, static_cast<int64>(sizeof h), h.long_text_bytes);
  }
  if (h.state.dealloc < 0 || !is_non_negative_number(h.state.median_usage))
    return fail(why, "invalid dealloc or median usage in the header");
  return true;
}

bool check_entry(Entry* e, Reason* why) {
  return check_key(e->key, why) && check_counters(e->counters, why) && check_texts(e, why) &&
         check_samples(e, why);
}

}  // namespace azora::tracker
