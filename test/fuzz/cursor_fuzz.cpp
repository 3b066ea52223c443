// cursor_fuzz.cpp — libFuzzer target for the keyset cursor decoder (client input).
//
// Three ways in: the raw bytes as a cursor (must be rejected with InvalidCursor or decode,
// never crash); the bytes as a payload signed with the right key, which reaches the base64 and
// JSON checks behind the signature; and base64url round trips.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "azora/base64.hpp"
#include "azora/cursor.hpp"

namespace {

const std::string kKey = "fuzzing-key-0123456789abcdef";

// The codec's signature format: HMAC-SHA256 over "<len(scope)>:<scope><base64 body>".
std::string signed_cursor(const std::string& scope, const std::string& body) {
  const std::string msg = std::to_string(scope.size()) + ":" + scope + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  return body + "." + azora::base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
}

void decode(const azora::CursorCodec& codec, const std::string& scope, const std::string& c) {
  try {
    std::vector<std::string> values = codec.decode(scope, c);
    // Whatever decodes must encode back to a cursor that decodes to the same values.
    if (codec.decode(scope, codec.encode(scope, values)) != values) std::abort();
  } catch (const azora::InvalidCursor&) {
  } catch (const azora::UsageError&) {
    // encode() refuses a sort key too long for a cursor: a clear error, not a crash.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const azora::CursorCodec codec(kKey);
  const std::string input(reinterpret_cast<const char*>(data), size);
  decode(codec, "fuzz", input);
  decode(codec, "fuzz", signed_cursor("fuzz", azora::base64url_encode(input)));
  decode(codec, "fuzz", signed_cursor("fuzz", input));  // body that is not base64url
  std::optional<std::string> bytes = azora::base64url_decode(input);
  if (bytes && azora::base64url_encode(*bytes) != input) std::abort();  // canonical only
  if (azora::base64url_decode(azora::base64url_encode(input)) != input) std::abort();
  return 0;
}
