// cursor_fuzz.cpp — libFuzzer target for the keyset cursor decoder (client input).
//
// Three ways in: the raw bytes as a cursor (must be rejected with InvalidCursor or decode,
// never crash); the bytes as a payload sealed with the right key, which reaches the JSON checks
// behind the authentication; and base64url round trips.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "azora/detail/base64.hpp"
#include "azora/cursor.hpp"

namespace {

const std::string kKey = "fuzzing-key-0123456789abcdef";

// The codec's format: base64url of a ValueCipher-sealed payload under the derived key, bound
// to the scope.
std::string sealed_cursor(const std::string& scope, const std::string& payload) {
  static const azora::ValueCipher cipher(
      {{azora::CursorCodec::kKeyId, azora::CursorCodec::derive_key(kKey)}},
      azora::CursorCodec::kKeyId);
  return azora::base64url_encode(cipher.seal(payload, scope));
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
  decode(codec, "fuzz", sealed_cursor("fuzz", input));  // authentic, any payload
  std::optional<std::string> bytes = azora::base64url_decode(input);
  if (bytes && azora::base64url_encode(*bytes) != input) std::abort();  // canonical only
  if (azora::base64url_decode(azora::base64url_encode(input)) != input) std::abort();
  return 0;
}
