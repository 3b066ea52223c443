// sampling.cpp — building a call's parameter sample (see sampling.hpp).
#include "tracker/sampling.hpp"

#include "tracker/normalize.hpp"
#include "tracker/sample_record.hpp"
#include "tracker/settings.hpp"

namespace azora::tracker {
namespace {

// Whether a bind value of this type is converted by built-in code only: a user-defined output
// function (or a container holding such a type) could fail or run user code at ExecutorEnd.
bool trusted_output(Oid type, int depth) {
  if (depth > 3) return false;
  Oid base = getBaseType(type);
  if (base >= FirstNormalObjectId) return type_is_enum(base);
  Oid element = get_element_type(base);
  if (OidIsValid(element)) return trusted_output(element, depth + 1);
  return !type_is_rowtype(base);
}

// The text of a value, with dates and intervals written in ISO and postgres style: readable
// back whatever the DateStyle and IntervalStyle of the session that re-plans it (a session's
// "SQL, DMY" 01/02/2024 would be read as January 2 under MDY).
char* output_unambiguous(Oid output, Datum value) {
  int date_style = DateStyle;
  int date_order = DateOrder;
  int interval_style = IntervalStyle;
  DateStyle = USE_ISO_DATES;
  DateOrder = DATEORDER_YMD;
  IntervalStyle = INTSTYLE_POSTGRES;
  char* text = nullptr;
  PG_TRY();
  { text = OidOutputFunctionCall(output, value); }
  PG_FINALLY();
  {
    DateStyle = date_style;
    DateOrder = date_order;
    IntervalStyle = interval_style;
  }
  PG_END_TRY();
  return text;
}

// One context for the sample being built, reset after each (and before, should a conversion
// have failed last time): cheaper than creating and deleting a context per sampled call.
MemoryContext context = nullptr;
MemoryContext sample_context() {
  if (context == nullptr)
    context = AllocSetContextCreate(TopMemoryContext, "azora_opt sample", ALLOCSET_SMALL_SIZES);
  MemoryContextReset(context);
  return context;
}

char* search_path() {
  return namespace_search_path != nullptr ? namespace_search_path : const_cast<char*>("");
}

}  // namespace

Stash stashes[kStashLevels];

void copy_locations(Stash& s, const JumbleState* jstate) {
  int n = jstate->clocations_count;
  if (n > s.capacity) {
    int capacity = Max(n, 16);
    auto* grown = static_cast<LocationLen*>(
        MemoryContextAlloc(TopMemoryContext, sizeof(LocationLen) * capacity));
    if (s.locations != nullptr) pfree(s.locations);
    s.locations = grown;
    s.capacity = capacity;
  }
  memcpy(s.locations, jstate->clocations, sizeof(LocationLen) * n);
  s.count = n;
}

void build_sample(QueryDesc* desc, uint64 queryid, int level, int constants, SampleOffer* offer) {
  ParamListInfo params = desc->params;
  bool extended = params != nullptr && params->numParams > 0;
  // PL/pgSQL variables (fetched on demand) are not a client's values: no sample.
  if (extended && params->paramFetch != nullptr) return;
  if (desc->sourceText == nullptr) return;
  int location = desc->plannedstmt->stmt_location;
  int len = desc->plannedstmt->stmt_len;
  const Stash* stash = nullptr;
  if (!extended && constants > 0) {
    // The constants' tokens: only from this very statement's parse.
    if (level >= kStashLevels) return;
    stash = &stashes[level];
    if (stash->queryid != queryid || stash->source != desc->sourceText ||
        stash->stmt_location != location || stash->due_constants < 0)
      return;
  }
  offer->constants = constants;
  MemoryContext old = MemoryContextSwitchTo(sample_context());
  const char* stmt = CleanQuerytext(desc->sourceText, &location, &len);
  char* record = nullptr;
  int record_len = 0;
  bool too_big = false;
  TimestampTz now = GetCurrentStatementStartTimestamp();
  if (!extended) {
    const char** tokens = nullptr;
    int* lengths = nullptr;
    int n = 0;
    // A few constants (nearly always): their spans on the stack.
    const char* local_tokens[16];
    int local_lengths[16];
    if (stash != nullptr) {
      bool few = stash->count <= 16;
      tokens = few ? local_tokens : static_cast<const char**>(palloc(sizeof(char*) * stash->count));
      lengths = few ? local_lengths : static_cast<int*>(palloc(sizeof(int) * stash->count));
      n = constant_spans(stmt, location, len, stash->locations, stash->count, tokens, lengths);
      if (n != constants) n = -1;  // not the entry's constants: no sample
    }
    if (n >= 0)
      record = build_record(false, now, search_path(), nullptr, 0, n, nullptr, tokens, lengths,
                            &record_len);
  } else {
    int n = params->numParams;
    auto* types = static_cast<Oid*>(palloc(sizeof(Oid) * n));
    auto* values = static_cast<char**>(palloc0(sizeof(char*) * n));
    bool usable = true;
    for (int i = 0; i < n && usable && !too_big; i++) {
      ParamExternData& p = params->params[i];
      types[i] = p.ptype;
      if (p.isnull || !OidIsValid(p.ptype)) continue;
      if (!trusted_output(p.ptype, 0)) {
        usable = false;
        break;
      }
      int16 typlen = get_typlen(p.ptype);
      // A value far larger than the area would be converted only to be dropped.
      if (typlen == -1 &&
          VARSIZE_ANY(DatumGetPointer(p.value)) > 4 * static_cast<Size>(max_sample_bytes)) {
        too_big = true;
        break;
      }
      Oid output;
      bool varlena;
      getTypeOutputInfo(p.ptype, &output, &varlena);
      values[i] = output_unambiguous(output, p.value);
    }
    // The call's own text only when it holds constants the entry's text has as $k.
    if (usable && !too_big)
      record = build_record(true, now, search_path(), constants > 0 ? stmt : nullptr, len, n, types,
                            values, nullptr, &record_len);
  }
  MemoryContextSwitchTo(old);
  // Not convertible (extended) or too big: dropped, and counted as such if the turn is its.
  if (too_big || (extended && record == nullptr) || record_len > max_sample_bytes) {
    offer->dropped = true;
  } else {
    offer->record = record;
    offer->len = record_len;
  }
}

void release_sample() {
  if (context != nullptr) MemoryContextReset(context);
}

}  // namespace azora::tracker
