// normalize.cpp — replaces a statement's constants by $n (see normalize.hpp).
//
// The query jumble records where each constant starts but not how long it is, so the statement
// is re-lexed with PostgreSQL's own scanner to find each constant's last byte.
#include "tracker/normalize.hpp"

namespace azora::tracker {
namespace {

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

}  // namespace

char* normalize_query(const char* query, int location, int len, JumbleState* jstate, int* out_len) {
  char* stmt = pnstrdup(query, len);
  int n = jstate->clocations_count;
  auto* locs = static_cast<LocationLen*>(palloc(sizeof(LocationLen) * Max(n, 1)));
  for (int i = 0; i < n; i++) {
    locs[i].location = jstate->clocations[i].location - location;
    locs[i].length = -1;
  }
  qsort(locs, n, sizeof(LocationLen), by_location);
  measure_constants(stmt, len, locs, n);

  // Each constant of at least one byte becomes "$k" of at most 11 bytes.
  auto* out = static_cast<char*>(palloc(len + 11 * n + 1));
  int written = 0;
  int copied_to = 0;  // bytes of stmt already handled
  int param = jstate->highest_extern_param_id;
  for (int i = 0; i < n; i++) {
    int start = locs[i].location;
    if (locs[i].length < 0 || start < copied_to) continue;
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
  return out;
}

}  // namespace azora::tracker
