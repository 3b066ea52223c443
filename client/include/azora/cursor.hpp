// cursor.hpp — CursorCodec: opaque, HMAC-signed keyset pagination cursors.
//
// A cursor is the last row's sort key, as a JSON array of text values, base64url-encoded and
// signed with HMAC-SHA256 over (scope, payload): "<payload>.<signature>". The client cannot read
// it meaningfully nor change it: a tampered, truncated or foreign cursor (another key, another
// listing's scope) is rejected with azora::InvalidCursor, never a crash or a wrong page.
// Thread-safe (immutable after construction).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "azora/error.hpp"

namespace azora {

class CursorCodec {
 public:
  // key: the server-side secret (at least 16 bytes, else UsageError). Rotate it and every
  // outstanding cursor becomes invalid (clients restart from the first page).
  explicit CursorCodec(std::string key);

  // scope names the listing (e.g. "users:name,id") so a cursor of one cannot be replayed on
  // another. Values are the sort key columns' text values, in ORDER BY order.
  std::string encode(std::string_view scope, const std::vector<std::string>& values) const;
  // The values, or InvalidCursor with a message saying what is wrong.
  std::vector<std::string> decode(std::string_view scope, std::string_view cursor) const;

  // Cursors longer than this are rejected before any work (they come from the client).
  static constexpr std::size_t kMaxLength = 4096;

 private:
  std::string sign(std::string_view scope, std::string_view payload) const;
  std::string key_;
};

}  // namespace azora
