// sample_record.cpp — building and reading sample records (see sample_record.hpp). Nothing here
// raises an error but build_record's palloc: the reader runs in the postmaster too.
#include "tracker/sample_record.hpp"

namespace azora::tracker {
namespace {

bool text_at(const char* p, const char* end, int len, int encoding) {
  return len >= 0 && end - p > len && p[len] == '\0' && pg_verify_mbstr(encoding, p, len, true);
}

}  // namespace

char* build_record(bool extended, TimestampTz captured_at, const char* search_path,
                   const char* source, int source_len, int nvalues, const Oid* types,
                   const char* const* values, const int* value_lens, int* len) {
  int path_len = static_cast<int>(strlen(search_path));
  int64 size = static_cast<int64>(sizeof(RecordHeader)) + path_len + 1;
  if (extended) size += static_cast<int64>(sizeof(Oid)) * nvalues;
  if (source != nullptr) size += source_len + 1;
  auto value_len = [&](int i) {
    return value_lens != nullptr ? value_lens[i] : static_cast<int>(strlen(values[i]));
  };
  for (int i = 0; i < nvalues; i++)
    size += sizeof(int32) + (values[i] != nullptr ? value_len(i) + 1 : 0);
  if (size > static_cast<int64>(MaxAllocSize / 2)) {
    *len = INT_MAX;  // far beyond any sample area: the caller drops it
    return nullptr;
  }
  auto* out = static_cast<char*>(palloc(size));
  RecordHeader h;
  memset(&h, 0, sizeof h);
  h.size = static_cast<uint32>(size);
  h.extended = extended ? 1 : 0;
  h.nvalues = nvalues;
  h.search_path_len = path_len;
  h.source_len = source != nullptr ? source_len : -1;
  h.captured_at = captured_at;
  char* p = out;
  memcpy(p, &h, sizeof h);
  p += sizeof h;
  if (extended) {
    memcpy(p, types, sizeof(Oid) * nvalues);
    p += sizeof(Oid) * nvalues;
  }
  memcpy(p, search_path, path_len + 1);
  p += path_len + 1;
  if (source != nullptr) {
    memcpy(p, source, source_len);
    p[source_len] = '\0';
    p += source_len + 1;
  }
  for (int i = 0; i < nvalues && p < out + size; i++) {
    int32 vlen = values[i] != nullptr ? value_len(i) : -1;
    memcpy(p, &vlen, sizeof vlen);
    p += sizeof vlen;
    if (vlen >= 0) {
      memcpy(p, values[i], vlen);
      p[vlen] = '\0';
      p += vlen + 1;
    }
  }
  *len = static_cast<int>(size);
  return out;
}

bool read_record(const char* p, int avail, int encoding, RecordView* out) {
  RecordHeader h;
  if (avail < static_cast<int>(sizeof h)) return false;
  memcpy(&h, p, sizeof h);
  if (h.size < sizeof h || h.size > static_cast<uint32>(avail) || h.extended > 1 || h.nvalues < 0 ||
      h.search_path_len < 0 || h.source_len < -1)
    return false;
  const char* end = p + h.size;
  const char* q = p + sizeof h;
  out->extended = h.extended == 1;
  out->nvalues = h.nvalues;
  out->captured_at = h.captured_at;
  out->size = static_cast<int>(h.size);
  out->types = nullptr;
  if (out->extended) {
    if ((end - q) / static_cast<int64>(sizeof(Oid)) < h.nvalues) return false;
    out->types = q;
    q += sizeof(Oid) * h.nvalues;
  }
  if (!text_at(q, end, h.search_path_len, encoding)) return false;
  out->search_path = q;
  q += h.search_path_len + 1;
  out->source = nullptr;
  if (h.source_len >= 0) {
    if (!text_at(q, end, h.source_len, encoding)) return false;
    out->source = q;
    q += h.source_len + 1;
  }
  out->values = q;
  for (int i = 0; i < h.nvalues; i++) {
    int32 vlen;
    if (end - q < static_cast<int64>(sizeof vlen)) return false;
    memcpy(&vlen, q, sizeof vlen);
    q += sizeof vlen;
    if (vlen == -1) continue;
    if (!text_at(q, end, vlen, encoding)) return false;
    q += vlen + 1;
  }
  return q == end;
}

Oid record_type(const RecordView& v, int i) {
  Oid type;
  memcpy(&type, v.types + sizeof(Oid) * i, sizeof type);
  return type;
}

const char* next_value(const char* cursor, const char** value, int* len) {
  int32 vlen;
  memcpy(&vlen, cursor, sizeof vlen);
  cursor += sizeof vlen;
  *len = vlen;
  if (vlen < 0) {
    *value = nullptr;
    return cursor;
  }
  *value = cursor;
  return cursor + vlen + 1;
}

bool check_records(const char* area, int used, int count, int encoding) {
  int offset = 0;
  for (int i = 0; i < count; i++) {
    RecordView v;
    if (!read_record(area + offset, used - offset, encoding, &v)) return false;
    offset += v.size;
  }
  return offset == used;
}

}  // namespace azora::tracker
