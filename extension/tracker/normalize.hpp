// normalize.hpp — a statement's text with its constants replaced by $n, for display.
#pragma once

#include "pg.hpp"

namespace azora::tracker {

// query[0, len) is one statement whose constants jstate located at offsets counted from
// query - location. Returns a palloc'd NUL-terminated text and sets *out_len.
char* normalize_query(const char* query, int location, int len, JumbleState* jstate, int* out_len);

}  // namespace azora::tracker
