// persist_check.hpp — the statistics file's header and the checks that run on every byte read
// from it before anything is used: the file is written by us, but it sits in $PGDATA where a
// disk error, an editor, a restore from another server or a half-written copy can change it, and
// shared memory must never receive an entry whose lengths or encodings would make a later read
// run off its area. persist.cpp ignores the whole file when any check fails.
#pragma once

#include "tracker/store.hpp"

namespace azora::tracker {

constexpr uint32 kStatMagic = 0x417a5446;    // "AzTF"
constexpr uint32 kStatMagicV1 = 0x417a5401;  // format 1: no version field, no checksum
constexpr uint32 kStatFormatVersion = 4;     // 3: samples, long texts; 4: sample schedule

// The file starts with this header, then `count` entries of entry_size() bytes each (Entry, text
// area, plan area, sample area: the shared memory image), then long_text_bytes of long texts. The
// first four fields keep their place in every format version (test/sh/tracking_corrupt_file.sh
// patches them); no implicit padding, so the checksum covers only bytes we set.
struct StatHeader {
  uint32 magic;
  uint32 format_version;
  uint32 pg_major;           // PG_VERSION_NUM / 100 of the server that wrote the file
  pg_crc32c crc;             // CRC-32C of this header (with crc = 0) and every entry
  uint32 entry_struct_size;  // sizeof(Entry)
  uint32 buckets;            // histogram::kBuckets
  uint64 entry_size;  // entry_size(): depends on max_text_bytes, max_plan_bytes, max_sample_bytes
  int32 max_text_bytes;
  int32 max_plan_bytes;
  int64 count;             // entries that follow
  uint64 long_text_bytes;  // bytes of complete texts after the entries
  int32 max_sample_bytes;
  int32 reserved;
  SharedState state;
};
static_assert(std::is_trivially_copyable_v<StatHeader> && std::is_standard_layout_v<StatHeader>,
              "the file header is written and read as raw bytes");
static_assert(sizeof(StatHeader) == 64 + sizeof(SharedState), "the header has no padding");

// Why a check failed, for the LOG line.
struct Reason {
  char text[256];
};

// The header this server writes (state, count and crc left zero).
StatHeader expected_header();

// Whether a file of file_size bytes with header h can be read by this server.
bool check_header(const StatHeader& h, int64 file_size, Reason* why);

// Whether e (an entry image of entry_size() bytes, as read from the file) is one this server
// could have written: a sane key, text and plan texts within their areas, NUL-terminated and
// valid in a valid server encoding, finite non-negative counters consistent with the histogram,
// sample records that fill exactly their area's used bytes.
bool check_entry(Entry* e, Reason* why);

}  // namespace azora::tracker
