// sample_record.hpp — the byte format of one parameter sample in an entry's sample area, its
// builder and its checked reader. The area is shared memory (and, with azora_opt.save_plans, the
// statistics file), so the reader trusts no length: every record is checked against the bytes
// that hold it before any field is used.
//
// A record is byte-packed and read with memcpy (no alignment): a RecordHeader, then (extended
// only) nvalues type OIDs, the search_path and its NUL, the call's statement text and its NUL
// (source_len >= 0 only), then nvalues values, each an int32 length (-1: SQL NULL) and that many
// bytes and a NUL. Simple-protocol records hold the literal tokens of the call's constants as
// values (no types); extended ones the bind values as their types' text output.
#pragma once

#include "pg.hpp"

namespace azora::tracker {

struct RecordHeader {
  uint32 size;  // the whole record, header included
  uint8 extended;
  uint8 reserved[3];
  int32 nvalues;
  int32 search_path_len;
  int32 source_len;  // -1: no statement text of its own (the entry's text applies)
  TimestampTz captured_at;
};

// A record read by read_record; pointers into the record's bytes.
struct RecordView {
  bool extended;
  int nvalues;
  TimestampTz captured_at;
  const char* types;  // nvalues Oids, unaligned (extended), else nullptr
  const char* search_path;
  const char* source;  // nullptr when source_len was -1
  const char* values;  // the first value's length field
  int size;
};

// A palloc'd record; values[i] nullptr is SQL NULL; types nullptr for simple protocol;
// value_lens nullptr when the values are NUL-terminated, else their lengths (values then need
// not be terminated: tokens within the statement). *len is its size (nullptr and INT_MAX when
// it would be larger than any sample area).
char* build_record(bool extended, TimestampTz captured_at, const char* search_path,
                   const char* source, int source_len, int nvalues, const Oid* types,
                   const char* const* values, const int* value_lens, int* len);

// Reads the record at p, which has avail bytes left in its area; false when it does not fit or
// is malformed (text not valid in encoding, not NUL-terminated, negative counts).
bool read_record(const char* p, int avail, int encoding, RecordView* out);

// The i-th type of a view.
Oid record_type(const RecordView& v, int i);
// Walks a view's values: start with cursor = v.values; sets *value (nullptr for NULL) and *len.
const char* next_value(const char* cursor, const char** value, int* len);

// Whether an area of `used` bytes holds exactly `count` valid records.
bool check_records(const char* area, int used, int count, int encoding);

}  // namespace azora::tracker
