// sampling.cpp — building a call's parameter sample (see sampling.hpp).
#include "tracker/sampling.hpp"

#include "tracker/normalize.hpp"
#include "tracker/sample_record.hpp"
#include "tracker/settings.hpp"

namespace azora::tracker {
namespace {

// The last parsed statement with constants at each nesting level.
struct Stash {
  uint64 queryid;
  const char* source;  // the source string pointer, compared (never read) until it matches
  int stmt_location;
  int count;
  int capacity;
  LocationLen* locations;  // in TopMemoryContext, grown when a statement needs more
};
constexpr int kStashLevels = 4;
Stash stashes[kStashLevels];

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

char* search_path() {
  return namespace_search_path != nullptr ? namespace_search_path : const_cast<char*>("");
}

}  // namespace

void stash_constants(const char* source, const Query* query, const JumbleState* jstate, int level) {
  if (level >= kStashLevels) return;
  Stash& s = stashes[level];
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
  s.queryid = query->queryId;
  s.source = source;
  s.stmt_location = query->stmt_location;
}

void sample_call(QueryDesc* desc, uint64 queryid, bool toplevel, int level,
                 const SampleTicket& ticket) {
  ParamListInfo params = desc->params;
  bool extended = params != nullptr && params->numParams > 0;
  // PL/pgSQL variables (fetched on demand) are not a client's values: no sample.
  if (extended && params->paramFetch != nullptr) return;
  if (desc->sourceText == nullptr) return;
  int location = desc->plannedstmt->stmt_location;
  int len = desc->plannedstmt->stmt_len;
  const Stash* stash = nullptr;
  if (!extended && ticket.constants > 0) {
    // The constants' tokens: only from this very statement's parse.
    if (level >= kStashLevels) return;
    stash = &stashes[level];
    if (stash->queryid != queryid || stash->source != desc->sourceText ||
        stash->stmt_location != location)
      return;
  }
  MemoryContext context =
      AllocSetContextCreate(CurrentMemoryContext, "azora_opt sample", ALLOCSET_SMALL_SIZES);
  MemoryContext old = MemoryContextSwitchTo(context);
  const char* stmt = CleanQuerytext(desc->sourceText, &location, &len);
  char* record = nullptr;
  int record_len = 0;
  bool too_big = false;
  TimestampTz now = GetCurrentStatementStartTimestamp();
  if (!extended) {
    char** tokens = nullptr;
    int n = 0;
    if (stash != nullptr) {
      n = constant_tokens(stmt, location, len, stash->locations, stash->count, &tokens);
      if (n != ticket.constants) n = -1;  // not the entry's constants: no sample
    }
    if (n >= 0)
      record = build_record(false, now, search_path(), nullptr, 0, n, nullptr, tokens, &record_len);
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
      record = build_record(true, now, search_path(), ticket.constants > 0 ? stmt : nullptr, len, n,
                            types, values, &record_len);
  }
  MemoryContextSwitchTo(old);
  // Not convertible (extended) or too big: dropped, and counted as such.
  if (too_big || (extended && record == nullptr) || record_len > max_sample_bytes) {
    store_sample(queryid, toplevel, ticket.slot, nullptr, 0);
  } else if (record != nullptr) {
    store_sample(queryid, toplevel, ticket.slot, record, record_len);
  }
  MemoryContextDelete(context);
}

}  // namespace azora::tracker
