// samples.cpp — the read side of parameter samples: the advisor's C++ API (samples.hpp) and
// the decoding shared with azora_opt.query_samples() (samples_read.hpp). Plain C-style code
// (palloc, no C++ objects): it may raise PostgreSQL errors directly.
#include "tracker/normalize.hpp"
#include "tracker/sample_record.hpp"
#include "tracker/samples_read.hpp"

namespace azora::tracker {
namespace {

void copy_visit(Entry* e, void* arg) {
  copy_entry_samples(e, static_cast<EntrySamples*>(arg));
}

void text_visit(Entry* e, void* arg) {
  *static_cast<char**>(arg) = copy_full_text(e);
}

}  // namespace

void copy_entry_samples(Entry* e, EntrySamples* out) {
  out->key = e->key;
  out->encoding = e->encoding;
  out->text = copy_full_text(e);
  out->constants = e->constants;
  out->first_constant = e->first_constant;
  out->area = copy_sample_area(e, &out->header);
}

int decode_samples(const EntrySamples& in, bool keep_incomplete, Sample** out) {
  int count = in.header.count;
  auto* samples = static_cast<Sample*>(palloc0(sizeof(Sample) * Max(count, 1)));
  int n = 0;
  int offset = 0;
  for (int i = 0; i < count; i++) {
    RecordView v;
    // Written by this server under the entry's spinlock; checked anyway (a saved file).
    if (!read_record(in.area + offset, in.header.used - offset, in.encoding, &v)) break;
    offset += v.size;
    Sample& s = samples[n];
    s.userid = in.key.userid;
    s.search_path = pstrdup(v.search_path);
    s.extended = v.extended;
    s.captured_at = v.captured_at;
    s.nparams = v.nvalues;
    auto* values = static_cast<const char**>(palloc0(sizeof(char*) * Max(v.nvalues, 1)));
    const char* cursor = v.values;
    for (int j = 0; j < v.nvalues; j++) {
      const char* value;
      int len;
      cursor = next_value(cursor, &value, &len);
      values[j] = value != nullptr ? pnstrdup(value, len) : nullptr;
    }
    if (v.extended) {
      auto* types = static_cast<Oid*>(palloc(sizeof(Oid) * Max(v.nvalues, 1)));
      for (int j = 0; j < v.nvalues; j++) types[j] = record_type(v, j);
      s.param_types = types;
      s.param_values = values;
      s.statement = v.source != nullptr ? pstrdup(v.source) : in.text;
    } else {
      // Simple protocol: the values are the constants' tokens, put back in place of their $k.
      s.nparams = 0;
      s.constants = values;
      s.nconstants = v.nvalues;
      if (in.text == nullptr) {
        s.statement = nullptr;
      } else if (in.constants == 0) {
        s.statement = in.text;
      } else {
        s.statement = put_back_constants(in.text, in.first_constant, v.nvalues, values);
      }
    }
    if (s.statement != nullptr && s.statement == in.text) s.statement = pstrdup(in.text);
    // PREPARE ... AS: the statement is what it prepares (EXECUTE supplies the values).
    if (s.statement != nullptr && v.extended) s.statement = skip_prepare(s.statement);
    if (s.statement == nullptr && !keep_incomplete) continue;
    n++;
  }
  *out = samples;
  return n;
}

void copy_samples(Oid userid, Oid dbid, uint64 queryid, bool toplevel, Sample** out, int* count) {
  *out = nullptr;
  *count = 0;
  if (!ready()) return;
  EntrySamples in;
  memset(&in, 0, sizeof in);
  in.key = make_key(userid, dbid, queryid, toplevel);
  bool found = false;
  struct Arg {
    EntrySamples* in;
    bool* found;
  } arg{&in, &found};
  with_entry(
      in.key,
      [](Entry* e, void* a) {
        auto* p = static_cast<Arg*>(a);
        copy_visit(e, p->in);
        *p->found = true;
      },
      &arg);
  if (!found || in.header.count == 0) return;
  *count = decode_samples(in, false, out);
}

const char* copy_statement_text(Oid userid, Oid dbid, uint64 queryid, bool toplevel) {
  char* text = nullptr;
  if (!ready()) return nullptr;
  with_entry(make_key(userid, dbid, queryid, toplevel), text_visit, &text);
  return text != nullptr ? skip_prepare(text) : nullptr;
}

}  // namespace azora::tracker
