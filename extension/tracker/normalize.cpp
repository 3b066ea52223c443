// normalize.cpp — replaces a statement's constants by $n (see normalize.hpp).
//
// The query jumble records where each constant starts but not how long it is. Numbers and
// plain strings are measured directly (pure/literal_length.hpp); a statement with any other
// constant is re-lexed with PostgreSQL's own scanner to find each constant's last byte.
#include "tracker/normalize.hpp"

#include "pure/literal_length.hpp"

namespace azora::tracker {
namespace {

// The scanner's white space (scansup.c's scanner_isspace).
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int by_location(const void* a, const void* b) {
  int la = static_cast<const LocationLen*>(a)->location;
  int lb = static_cast<const LocationLen*>(b)->location;
  return (la > lb) - (la < lb);
}

// Sets each constant's length (bytes from its start to the end of its token, a leading minus
// sign included); constants the scanner never reaches keep length -1. Offsets are rebased to
// the statement's first byte.
void measure_constants(const char* stmt, int len, LocationLen* locs, int n) {
  core_yy_extra_type extra;
  core_YYSTYPE value;
  YYLTYPE pos;
  core_yyscan_t scanner = scanner_init(stmt, &extra, &ScanKeywords, ScanKeywordTokens);
  extra.escape_string_warning = false;  // re-lexing must not repeat warnings to the client
  int previous = -1;
  bool exhausted = false;
  for (int i = 0; i < n && !exhausted; i++) {
    int start = locs[i].location;
    locs[i].length = -1;
    if (start < 0 || start >= len || start <= previous) continue;  // outside, or a duplicate
    for (;;) {
      int token = core_yylex(&value, &pos, scanner);
      if (token == 0) {
        exhausted = true;
        break;
      }
      if (pos < start) continue;
      // A negative constant starts at its minus sign: its number is the next token.
      if (stmt[start] == '-' && core_yylex(&value, &pos, scanner) == 0) {
        exhausted = true;
        break;
      }
      // The scanner NUL-terminates the current token in its buffer.
      locs[i].length = static_cast<int>(strlen(extra.scanbuf + start));
      break;
    }
    previous = start;
  }
  scanner_finish(scanner);
}

// measure_constants without the scanner, when every constant is a number or a plain string
// (the common case); false (locs partly measured) when one is not.
bool measure_simple_constants(const char* stmt, int len, LocationLen* locs, int n) {
  int previous = -1;
  for (int i = 0; i < n; i++) {
    int start = locs[i].location;
    locs[i].length = -1;
    if (start < 0 || start >= len || start <= previous) continue;  // as measure_constants
    locs[i].length = literal::simple_length(stmt, len, start, standard_conforming_strings);
    if (locs[i].length < 0) return false;
    previous = start;
  }
  return true;
}

// Copies jstate's constant locations (clocs[0, n), offsets from query - location) rebased to
// the statement and sorted, not yet measured, into locs (room for n).
void rebase_constants(int location, const LocationLen* clocs, int n, LocationLen* locs) {
  bool sorted = true;  // the jumble often records them in text order already
  for (int i = 0; i < n; i++) {
    locs[i].location = clocs[i].location - location;
    locs[i].length = -1;
    if (i > 0 && locs[i - 1].location > locs[i].location) sorted = false;
  }
  if (sorted) return;
  // Few constants (an UPDATE's SET value comes after its WHERE key in the jumble): insertion
  // sort, which costs less than qsort's call for a handful.
  if (n > 16) {
    qsort(locs, n, sizeof(LocationLen), by_location);
    return;
  }
  for (int i = 1; i < n; i++) {
    LocationLen x = locs[i];
    int j = i - 1;
    for (; j >= 0 && locs[j].location > x.location; j--) locs[j + 1] = locs[j];
    locs[j + 1] = x;
  }
}

LocationLen* rebased_constants(int location, const LocationLen* clocs, int n) {
  auto* locs = static_cast<LocationLen*>(palloc(sizeof(LocationLen) * Max(n, 1)));
  rebase_constants(location, clocs, n, locs);
  return locs;
}

// rebased_constants, measured (length -1 for those the scanner never reaches); stmt is
// NUL-terminated at len.
LocationLen* measured_constants(const char* stmt, int location, int len, const LocationLen* clocs,
                                int n) {
  LocationLen* locs = rebased_constants(location, clocs, n);
  if (!measure_simple_constants(stmt, len, locs, n)) measure_constants(stmt, len, locs, n);
  return locs;
}

// Whether locs[i] is replaced by a $k (normalize_query and constant_tokens agree on this): it
// was measured and does not overlap the previous replaced constant.
bool replaced(const LocationLen& loc, int copied_to) {
  return loc.length >= 0 && loc.location >= copied_to;
}

}  // namespace

char* normalize_query(const char* query, int location, int len, JumbleState* jstate, int* out_len,
                      int* constants) {
  char* stmt = pnstrdup(query, len);
  int n = jstate->clocations_count;
  LocationLen* locs = measured_constants(stmt, location, len, jstate->clocations, n);

  // Each constant of at least one byte becomes "$k" of at most 11 bytes.
  auto* out = static_cast<char*>(palloc(len + 11 * n + 1));
  int written = 0;
  int copied_to = 0;  // bytes of stmt already handled
  int param = jstate->highest_extern_param_id;
  for (int i = 0; i < n; i++) {
    int start = locs[i].location;
    if (!replaced(locs[i], copied_to)) continue;
    memcpy(out + written, stmt + copied_to, start - copied_to);
    written += start - copied_to;
    written += sprintf(out + written, "$%d", ++param);
    copied_to = Min(start + locs[i].length, len);
  }
  memcpy(out + written, stmt + copied_to, len - copied_to);
  written += len - copied_to;
  out[written] = '\0';
  pfree(stmt);
  pfree(locs);
  *out_len = written;
  *constants = param - jstate->highest_extern_param_id;
  return out;
}

int constant_spans(const char* query, int location, int len, const LocationLen* clocs, int n,
                   const char** tokens, int* lengths) {
  // Measured in place when every constant is simple; the scanner needs its own NUL-terminated
  // copy of the statement (offsets are the same in both).
  // A sampled call (the only caller) has a few constants: on the stack, no allocation.
  LocationLen local[16];
  LocationLen* locs = n <= 16 ? local : static_cast<LocationLen*>(palloc(sizeof(LocationLen) * n));
  rebase_constants(location, clocs, n, locs);
  if (!measure_simple_constants(query, len, locs, n)) {
    char* copy = pnstrdup(query, len);
    measure_constants(copy, len, locs, n);
    pfree(copy);
  }
  int count = 0;
  int copied_to = 0;
  for (int i = 0; i < n; i++) {
    if (!replaced(locs[i], copied_to)) continue;
    int end = Min(locs[i].location + locs[i].length, len);
    tokens[count] = query + locs[i].location;
    lengths[count++] = end - locs[i].location;
    copied_to = end;
  }
  if (locs != local) pfree(locs);
  return count;
}

char* put_back_constants(const char* text, int first, int n, const char* const* tokens) {
  int len = static_cast<int>(strlen(text));
  char* scan = pnstrdup(text, len);  // the scanner writes NULs into its own copy only
  StringInfoData out;
  initStringInfo(&out);
  core_yy_extra_type extra;
  core_YYSTYPE value;
  YYLTYPE pos;
  core_yyscan_t scanner = scanner_init(scan, &extra, &ScanKeywords, ScanKeywordTokens);
  extra.escape_string_warning = false;
  int copied_to = 0;
  int put = 0;
  bool ok = true;
  while (core_yylex(&value, &pos, scanner) != 0) {
    const char* token = extra.scanbuf + pos;
    // A parameter is the only token of the form $digits (dollar quotes end in $, identifiers
    // cannot start with $).
    if (token[0] != '$' || !isdigit(static_cast<unsigned char>(token[1]))) continue;
    int tlen = static_cast<int>(strlen(token));
    bool digits = true;
    for (int i = 1; i < tlen; i++) digits &= isdigit(static_cast<unsigned char>(token[i])) != 0;
    if (!digits || tlen > 10) continue;
    int k = atoi(token + 1);
    if (k <= first || k > first + n) continue;
    appendBinaryStringInfo(&out, text + copied_to, pos - copied_to);
    appendStringInfoString(&out, tokens[k - first - 1]);
    copied_to = pos + tlen;
    put++;
  }
  scanner_finish(scanner);
  pfree(scan);
  if (put != n) ok = false;
  if (!ok) {
    pfree(out.data);
    return nullptr;
  }
  appendBinaryStringInfo(&out, text + copied_to, len - copied_to);
  return out.data;
}

const char* skip_prepare(const char* text) {
  // Cheap test first: almost no text starts with PREPARE.
  const char* p = text;
  while (is_space(*p)) p++;
  if (pg_strncasecmp(p, "prepare", 7) != 0) return text;
  char* scan = pstrdup(text);
  core_yy_extra_type extra;
  core_YYSTYPE value;
  YYLTYPE pos;
  core_yyscan_t scanner = scanner_init(scan, &extra, &ScanKeywords, ScanKeywordTokens);
  extra.escape_string_warning = false;
  const char* result = text;
  int depth = 0;
  bool first = true;
  for (;;) {
    int token = core_yylex(&value, &pos, scanner);
    if (token == 0) break;
    const char* t = extra.scanbuf + pos;
    if (first) {
      first = false;
      if (pg_strcasecmp(t, "prepare") != 0) break;
      continue;
    }
    if (token == '(') depth++;
    if (token == ')') depth--;
    if (depth == 0 && pg_strcasecmp(t, "as") == 0) {
      // The statement is what follows AS (and its white space).
      const char* rest = text + pos + 2;
      while (is_space(*rest)) rest++;
      result = rest;
      break;
    }
  }
  scanner_finish(scanner);
  pfree(scan);
  return result;
}

}  // namespace azora::tracker
