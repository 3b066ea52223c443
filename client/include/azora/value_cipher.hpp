// value_cipher.hpp — ValueCipher: AES-256-GCM sealing of values at rest (cache entries), with
// a key id in every sealed value so keys can rotate.
//
// A sealed value is  "\0AZE1" | id length (1 byte) | key id | nonce (12) | ciphertext | tag (16).
// The leading NUL cannot start a text or JSON value, so sealed and plain values never mix up.
// The header and a caller-given context (the full cache key) are authenticated with the data:
// a sealed value copied under another key, or with a byte changed anywhere, does not open.
// Nonces are random (RAND_bytes): fine for up to about 2^32 values per key; rotate before.
// Thread-safe (immutable after construction; OpenSSL contexts are per call).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace azora {

class ValueCipher {
 public:
  static constexpr std::size_t kKeyBytes = 32;  // AES-256
  static constexpr std::string_view kMagic{"\0AZE1", 5};

  // keys: key id -> 32 raw key bytes (ids of 1..255 bytes); current: the id new values are
  // sealed with. Old ids stay listed while values sealed with them may still be read. UsageError
  // for a wrong key size, an empty or too long id, or a current id that is not in keys.
  ValueCipher(std::map<std::string, std::string> keys, std::string current);

  // Seals plaintext with the current key, bound to context.
  std::string seal(std::string_view plaintext, std::string_view context) const;
  // The plaintext, or nullopt when sealed is not a sealed value, names an unknown key id, or
  // does not verify (tampered, truncated, or sealed for another context).
  std::optional<std::string> open(std::string_view sealed, std::string_view context) const;
  // Whether a stored value is in the sealed format (says nothing about its validity).
  static bool is_sealed(std::string_view stored) noexcept;
  // The key id a sealed value names, or "" when it is not in the sealed format.
  static std::string key_id(std::string_view stored);

  const std::string& current() const noexcept { return current_; }

 private:
  std::map<std::string, std::string> keys_;
  std::string current_;
};

}  // namespace azora
