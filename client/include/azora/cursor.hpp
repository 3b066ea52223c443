// cursor.hpp — CursorCodec: opaque, encrypted and authenticated keyset pagination cursors.
//
// A cursor carries the last row's sort key (a JSON array of its text values) and, optionally,
// an expiry time. It is sealed with AES-256-GCM (ValueCipher; the key is derived from the
// server-side secret) and base64url-encoded: the client can neither read the sort key (which
// may be an e-mail address or a balance) nor change it. The scope — which listing, and with
// which filter values — is authenticated with it, so a cursor of one listing or one tenant does
// not decode for another. A tampered, truncated, expired or foreign cursor (another key,
// another scope) is rejected with azora::InvalidCursor, never a crash or a wrong page.
// Thread-safe (immutable after construction).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "azora/error.hpp"
#include "azora/value_cipher.hpp"

namespace azora {

class CursorCodec {
 public:
  // key: the server-side secret (at least 16 bytes, else UsageError). Rotate it and every
  // outstanding cursor becomes invalid (clients restart from the first page).
  // ttl: 0 (default) = cursors do not expire; else a cursor is refused ttl after its page was
  // served (wall clock: cursors outlive processes).
  explicit CursorCodec(std::string key, std::chrono::seconds ttl = std::chrono::seconds(0));

  // scope names the listing and everything that selects its rows (build it with scope() below)
  // so a cursor of one cannot be replayed on another. Values are the sort key columns' text
  // values, in ORDER BY order. UsageError for values that are not UTF-8 or too long.
  std::string encode(std::string_view scope, const std::vector<std::string>& values) const;
  // The values, or InvalidCursor with a message saying what is wrong.
  std::vector<std::string> decode(std::string_view scope, std::string_view cursor) const;

  // A scope from its parts, each length-prefixed: no two different lists of parts give the
  // same scope (("ab","c") is not ("a","bc")), whatever characters the parts contain.
  static std::string scope(const std::vector<std::string>& parts);
  // The AES-256 key cursors are sealed with (HMAC-SHA256 of a fixed label under the secret);
  // with ValueCipher({{kKeyId, derive_key(secret)}}, kKeyId) tools can build cursors.
  static std::string derive_key(std::string_view secret);
  static constexpr const char* kKeyId = "c";

  // Cursors longer than this are rejected before any work (they come from the client).
  static constexpr std::size_t kMaxLength = 4096;

 private:
  ValueCipher cipher_;
  std::chrono::seconds ttl_;
};

}  // namespace azora
