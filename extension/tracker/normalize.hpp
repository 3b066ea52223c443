// normalize.hpp — a statement's text with its constants replaced by $n, for display; the
// constants' own tokens (for parameter samples); and the way back from $n to the tokens.
#pragma once

#include "pg.hpp"

namespace azora::tracker {

// query[0, len) is one statement whose constants jstate located at offsets counted from
// query - location. Returns a palloc'd NUL-terminated text and sets *out_len and *constants (how
// many constants became $k: they are numbered from jstate->highest_extern_param_id + 1).
char* normalize_query(const char* query, int location, int len, JumbleState* jstate, int* out_len,
                      int* constants);

// The literal tokens of the constants normalize_query would replace (clocs[0, n) as in a
// JumbleState, offsets from query - location), in the order of their $k: sets tokens[i] to
// where the i-th starts within query[0, len) and lengths[i] to its length (both arrays hold n),
// and returns how many there are.
int constant_spans(const char* query, int location, int len, const LocationLen* clocs, int n,
                   const char** tokens, int* lengths);

// text with each $k, first < k <= first + n, replaced by tokens[k - first - 1]: palloc'd, or
// nullptr unless exactly n parameters were replaced (text and tokens do not match).
char* put_back_constants(const char* text, int first, int n, const char* const* tokens);

// The statement a PREPARE prepares (a pointer into text after its AS), or text itself.
const char* skip_prepare(const char* text);

}  // namespace azora::tracker
