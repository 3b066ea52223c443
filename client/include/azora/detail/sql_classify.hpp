// sql_classify.hpp — the (operation, table) labels of a statement, read from its SQL text.
//
// Used to label timed queries when the caller did not name them (a Pool with a QueryTimer
// times every statement). It is a light lexer, not a parser: it skips comments, string
// literals and quoted identifiers correctly, and takes the statement's first keyword and the
// first table after FROM (SELECT, DELETE), INTO (INSERT) or UPDATE at the outermost level.
//
// Internal (azora/detail/): used by the library and its tools, installed because public headers
// or the example API include it, but not part of the client API; it may change without notice.
#pragma once

#include <string>
#include <string_view>

namespace azora {

struct SqlShape {
  std::string operation;  // lower-case first keyword ("select", "insert", ...), or "unknown";
                          // for WITH, the outer statement's keyword
  std::string table;      // as written, unquoted and lower-cased unless it was quoted
                          // ("public.courses", "Odd Name"); "none" when there is none
};

SqlShape classify_sql(std::string_view sql);

}  // namespace azora
